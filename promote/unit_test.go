package promote

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/api"
)

func TestEscapeRoundTrip(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Acme Shop", "Acme Shop"},
		{"a/b\\c", "a%2Fb%5Cc"},
		{"..", "%2E%2E"},
		{".hidden", "%2Ehidden"},
		{" padded ", "%20padded%20"},
		{"100%~x:y", "100%25%7Ex%3Ay"},
		{"ops+alerts@acme.example", "ops+alerts@acme.example"},
		{"", ""},
		{"café\t", "café%09"},
	} {
		got := escape(tc.in)
		if got != tc.want {
			t.Errorf("escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
		back, err := unescape(got)
		if err != nil || back != tc.in {
			t.Errorf("unescape(%q) = %q, %v", got, back, err)
		}
	}
	for _, bad := range []string{"%", "%2", "%zz"} {
		if _, err := unescape(bad); err == nil {
			t.Errorf("unescape(%q) accepted", bad)
		}
	}
}

func TestFieldChanges(t *testing.T) {
	for _, tc := range []struct {
		name, from, to string
		want           []string // path: from → to
	}{
		{"same, key order and number spelling aside", `{"a":1,"b":[1,2]}`, `{"b":[1,2],"a":1.0}`, nil},
		{"one field", `{"crash_handling":"AppDefined","os":"iOS"}`, `{"crash_handling":"ForceCatch","os":"iOS"}`,
			[]string{`crash_handling: "AppDefined" → "ForceCatch"`}},
		{"added and removed", `{"a":1}`, `{"b":2}`, []string{"a: 1 → (absent)", "b: (absent) → 2"}},
		{"settings by name", `{"settings":[{"name":"x","value":"1"},{"name":"y","value":"2"}]}`,
			`{"settings":[{"name":"y","value":"3"},{"name":"x","value":"1"}]}`, []string{`settings[y].value: "2" → "3"`}},
		{"a setting added", `{"settings":[]}`, `{"settings":[{"name":"x","value":"1"}]}`,
			[]string{`settings[x]: (absent) → {"name":"x","value":"1"}`}},
		{"arrays of another length", `{"l":[1]}`, `{"l":[1,2]}`, []string{"l: [1] → [1,2]"}},
		{"nested", `{"d":{"t":{"within":30}}}`, `{"d":{"t":{"within":7}}}`, []string{"d.t.within: 30 → 7"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, c := range FieldChanges([]byte(tc.from), []byte(tc.to)) {
				got = append(got, c.Path+": "+shown(c.From)+" → "+shown(c.To))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	sc, _ := api.Lookup("serviceconfigs")
	key := []string{"Acme Shop", "iOS", "Amplitude", "Backup Project"}
	raw := `{"account":"Backup Project","name":"Amplitude","isActive":true,"isVisible":false,"data_type":"service",
	  "settings":[{"name":"userIdentification","value":"email","isConfidential":false},
	              {"name":"apiKey","value":"*****************9f31","isConfidential":true},
	              {"name":"dataCenter","value":null,"isConfidential":false}]}`
	got, err := normalize(sc, []byte(raw), key)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"account":"Backup Project","isActive":true,"isVisible":false,"name":"Amplitude","settings":[` +
		`{"name":"apiKey","value":{"secret":"AMPLITUDE_APIKEY_IOS_ACME_SHOP_BACKUP_PROJECT"}},{"name":"userIdentification","value":"email"}]}`
	if string(got) != want {
		t.Errorf("normalized:\n%s\nwant\n%s", got, want)
	}
	// No account label: the default, and no _ACCOUNT in secret names.
	got, _ = normalize(sc, []byte(`{"name":"Mixpanel","settings":[{"name":"token","value":"x","isConfidential":true}]}`), []string{"Shop", "iOS", "Mixpanel", "Default Account"})
	if !strings.Contains(string(got), `"account":"Default Account"`) || !strings.Contains(string(got), `"MIXPANEL_TOKEN_IOS_SHOP"`) || strings.Contains(string(got), `"x"`) {
		t.Errorf("normalized: %s", got)
	}
	pf, _ := api.Lookup("platforms")
	got, _ = normalize(pf, []byte(`{"application_id":1,"os":"iOS","access_keys":[{"key":"k","secret":null}],"crash_handling":"ForceCatch","created_on":"x","last_modified_on":"y","data_type":"platform"}`), []string{"Shop", "iOS"})
	if string(got) != `{"crash_handling":"ForceCatch","os":"iOS"}` {
		t.Errorf("platform: %s", got)
	}
	au, _ := api.Lookup("audiences")
	got, _ = normalize(au, []byte(`{"id":1,"name":"A","size":3,"workspaces":[{"id":2,"name":"Z","data_type":"workspace"},{"id":1,"name":"B"}]}`), []string{"A"})
	if string(got) != `{"name":"A","workspaces":[{"name":"B"},{"name":"Z"}]}` {
		t.Errorf("audience: %s", got)
	}
}

func TestSecretName(t *testing.T) {
	for _, tc := range []struct {
		kind    string
		key     []string
		setting string
		want    string
	}{
		{"serviceconfigs", []string{"Acme Shop", "iOS", "GoogleAnalyticsEventForwarder", "Default Account"}, "apiKey", "GOOGLEANALYTICSEVENTFORWARDER_APIKEY_IOS_ACME_SHOP"},
		{"serviceconfigs", []string{"Shop", "Android", "Branch Metrics", "EU (2)"}, "branchKey", "BRANCH_METRICS_BRANCHKEY_ANDROID_SHOP_EU_2"},
		{"feeds", []string{"Prod", "Mail chimp"}, "apiKey", "FEED_PROD_MAIL_CHIMP_APIKEY"},
	} {
		if got := SecretName(tc.kind, tc.key, tc.setting); got != tc.want {
			t.Errorf("SecretName(%s, %q, %s) = %s, want %s", tc.kind, tc.key, tc.setting, got, tc.want)
		}
	}
}

func TestExportImport(t *testing.T) {
	e := start(t)
	s := take(t, e.src)
	dir := t.TempDir()
	if err := Export(s, dir); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{
		"snapshot.json",
		"apps/Acme Shop.json",
		"apps/Acme Shop/platforms/iOS.json",
		"apps/Acme Shop/platforms/iOS/serviceconfigs/Amplitude~Backup Project.json",
		"apps/Acme Shop/datapoints/Event~my event~~navigation.json",
		"apps/Acme Shop/servicefiltering/Mixpanel.json",
		"apps/Acme Shop/filters/Mixpanel/EventAttribute~my event~my event attribute~navigation.json",
		"workspaces/mP Traveller/feeds/Mailchimp1.json",
		"workspaces/mP Traveller/calculatedattributes/ca1.json",
		"audiences/Abandoned Cart.json",
		"users/ops+alerts@acme.example.json",
	} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("export lacks %s", p)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "apps/Acme Shop/platforms/iOS.json"))
	want := "{\n  \"crash_handling\": \"ForceCatch\",\n  \"network_performance\": \"AppDefined\",\n  \"os\": \"iOS\",\n" +
		"  \"profile_merging\": true,\n  \"push_attribution_timer\": 30,\n  \"social_mode\": \"AppDefined\"\n}\n"
	if string(b) != want {
		t.Errorf("platform file:\n%s\nwant\n%s", b, want)
	}

	back, err := Import(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Kinds, s.Kinds) || len(back.Entries()) != len(s.Entries()) {
		t.Fatalf("import: %d entries of %v, exported %d of %v", len(back.Entries()), back.Kinds, len(s.Entries()), s.Kinds)
	}
	for _, x := range s.Entries() {
		y, ok := back.Lookup(x.Kind, x.Key...)
		if !ok || !bytes.Equal(x.Body, y.Body) {
			t.Errorf("%s does not read back the same", x.Label())
		}
	}
	if d := Compare(s, back); len(d.Changed()) != 0 {
		t.Errorf("an import compares different:\n%s", diffText(t, d))
	}

	// Stable: a second export of the same snapshot writes the same bytes,
	// and an entity gone from the snapshot loses its file.
	before := readTree(t, dir)
	if err := Export(back, dir); err != nil {
		t.Fatal(err)
	}
	if after := readTree(t, dir); !mapsEqual(before, after) {
		t.Error("a second export differs")
	}
	small := take(t, e.tgt, "users")
	if err := Export(small, dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "apps")); !os.IsNotExist(err) {
		t.Error("a stale kind directory survived a new export")
	}

	// A directory that is not an export is not overwritten.
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o600)
	if err := Export(s, other); err == nil || !strings.Contains(err.Error(), "not overwriting") {
		t.Errorf("export into a foreign directory: %v", err)
	}
	// Bad files are errors naming the file.
	os.WriteFile(filepath.Join(dir, "users", "broken.json"), []byte("[1]"), 0o644)
	if _, err := Import(dir); err == nil || !strings.Contains(err.Error(), "broken.json") {
		t.Errorf("import of a broken file: %v", err)
	}
}

func readTree(t *testing.T, dir string) map[string]string {
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, de os.DirEntry, err error) error {
		if err == nil && !de.IsDir() {
			b, _ := os.ReadFile(p)
			out[p] = string(b)
		}
		return nil
	})
	return out
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestSnapshotKinds(t *testing.T) {
	s, err := NewSnapshot([]string{"filters"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"apps", "platforms", "serviceconfigs", "filters"}; !slices.Equal(s.Kinds, want) {
		t.Errorf("kinds of filters: %v, want %v", s.Kinds, want)
	}
	for _, bad := range []string{"nope", "services"} {
		if _, err := NewSnapshot([]string{bad}); err == nil {
			t.Errorf("kind %q accepted", bad)
		}
	}
	body, _ := json.Marshal(map[string]string{"name": "x"})
	if err := s.Add(&Entry{Kind: "users", Key: []string{"x"}, Body: body}); err == nil {
		t.Error("an entry of a kind the snapshot was not taken for")
	}
	if err := s.Add(&Entry{Kind: "apps", Key: []string{"x"}, Body: body}); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(&Entry{Kind: "apps", Key: []string{"x"}, Body: body}); err == nil {
		t.Error("a key added twice")
	}
}
