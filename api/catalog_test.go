package api

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// knownPlaceholders are the parent references path templates may use.
var knownPlaceholders = []string{"id", "app", "platform", "service", "workspace", "feed", "module", "ca", "plan", "org", "account"}

func TestCatalogInvariants(t *testing.T) {
	cat := DefaultCatalog()
	keys := map[string]bool{"module": true} // module has no kind: it is given by hand
	// The client fills org and account itself (roles.go).
	keys["org"], keys["account"] = true, true
	for _, d := range cat.Kinds() {
		if d.Key != "" {
			keys[d.Key] = true
		}
	}
	for _, d := range cat.Kinds() {
		t.Run(d.Name, func(t *testing.T) {
			if d.Name == "" || d.Singular == "" || d.Title == "" || d.Help == "" {
				t.Error("name, singular, title and help are required")
			}
			if got, ok := cat.Lookup(d.Name); !ok || got != d {
				t.Error("not found by its own name")
			}
			for _, a := range append([]string{d.Singular}, d.Aliases...) {
				if got, ok := cat.Lookup(a); !ok || got != d {
					t.Errorf("alias %q does not resolve", a)
				}
			}
			if d.Parent != "" {
				if _, ok := cat.Lookup(d.Parent); !ok {
					t.Errorf("parent %q is not a kind", d.Parent)
				}
			}
			for _, c := range d.Children {
				child, ok := cat.Lookup(c)
				if !ok {
					t.Errorf("child %q is not a kind", c)
					continue
				}
				if child.Parent != d.Name {
					t.Errorf("child %s has parent %q", c, child.Parent)
				}
			}
			if len(d.Columns) == 0 {
				t.Error("no columns")
			}
			for _, c := range d.Columns {
				if c.Title == "" || c.Value == nil {
					t.Errorf("column %+v incomplete", c.Title)
				}
			}
			if d.Ops.Has(OpList) && len(d.Paths.List) == 0 && !d.Single {
				t.Error("lists without a list path")
			}
			if d.Ops.Has(OpCreate) != (d.Paths.Create.Path != "") || d.Ops.Has(OpUpdate) != (d.Paths.Update.Path != "") ||
				d.Ops.Has(OpDelete) != (d.Paths.Delete != "") || d.Ops.Has(OpExists) != (d.Paths.Exists != "") {
				t.Errorf("operations %s disagree with the path templates", d.Ops)
			}
			if d.Single && d.Paths.Get == "" {
				t.Error("a single kind needs a get path")
			}
			tmpls := append(slices.Clone(d.Paths.List), d.Paths.Get, d.Paths.Create.Path, d.Paths.Update.Path, d.Paths.Delete, d.Paths.Exists)
			for _, a := range d.Actions {
				tmpls = append(tmpls, a.Path)
			}
			for _, tm := range tmpls {
				if tm != "" && !strings.HasPrefix(tm, "/") {
					t.Errorf("template %q is not absolute", tm)
				}
				for _, p := range placeholders(tm, true) {
					if !slices.Contains(knownPlaceholders, p) || (p != "id" && !keys[p]) {
						t.Errorf("template %q uses unknown placeholder {%s}", tm, p)
					}
				}
				if strings.Contains(tm, "accountId") && d.V2() {
					t.Errorf("v2 template %q sends accountId", tm)
				}
			}
			// Children's list paths are filled by this kind's reference.
			for _, c := range d.Children {
				child, _ := cat.Lookup(c)
				for _, need := range child.Needs() {
					if _, picked := child.Pick[need]; picked {
						if _, ok := cat.Lookup(child.Pick[need]); !ok {
							t.Errorf("child %s picks {%s} from unknown kind %s", c, need, child.Pick[need])
						}
						continue
					}
					if need != d.Key && !ancestorKey(cat, d, need) {
						t.Errorf("child %s needs {%s}, which neither %s nor its ancestors give", c, need, d.Name)
					}
				}
			}
		})
	}
}

// ancestorKey reports whether some ancestor of d (d excluded) fills key.
func ancestorKey(cat *Catalog, d *Descriptor, key string) bool {
	for d.Parent != "" {
		d, _ = cat.Lookup(d.Parent)
		if d.Key == key {
			return true
		}
	}
	return false
}

func TestCatalogLookup(t *testing.T) {
	tests := map[string]string{
		"apps": "apps", "App": "apps", " APPLICATIONS ": "apps", "ca": "calculatedattributes",
		"calculated-attributes": "calculatedattributes", "Calculated attributes": "calculatedattributes",
		"calculated_ATTRIBUTES": "calculatedattributes", " calculated - attributes ": "calculatedattributes",
		"ws": "workspaces", "subs": "subscriptions", "dp": "datapoints", "dpf": "filters", "sc": "serviceconfigs",
		"catalog": "services", "partnerfeeds": "feeds", "oc": "outputs", "acct": "accounts", "users": "users",
		"filtering": "servicefiltering", "activation": "activation", "calculation": "calculation",
	}
	for in, want := range tests {
		d, ok := Lookup(in)
		if !ok || d.Name != want {
			t.Errorf("Lookup(%q) = %v, %v; want %s", in, d, ok, want)
		}
	}
	for _, bad := range []string{"", "apple", "platformz"} {
		if d, ok := Lookup(bad); ok {
			t.Errorf("Lookup(%q) = %s", bad, d.Name)
		}
	}
	if names := DefaultCatalog().Names(); !slices.IsSorted(names) || len(names) < 40 {
		t.Errorf("names: %d, sorted %v", len(names), slices.IsSorted(names))
	}
}

func TestExpand(t *testing.T) {
	tests := []struct {
		tmpl    string
		ref     Ref
		id      string
		want    string
		missing []string
	}{
		{"/apps/{app}/platforms/{id}", Ref{"app": "1"}, "ios", "/apps/1/platforms/ios", nil},
		{"/accounts?accountId={id}", nil, "2", "/accounts?accountId=2", nil},
		{"/apps/{app}/{service}/datapoints", Ref{"app": "1", "service": "Google Analytics/4"}, "", "/apps/1/Google%20Analytics%2F4/datapoints", nil},
		{"/users/{id}", nil, "test40mparticle2Ecom", "/users/test40mparticle2Ecom", nil},
		{"/x?name={id}", nil, "a&b c", "/x?name=a%26b+c", nil},
		{"/apps/{app}/platforms/{platform}/services", Ref{"app": "1"}, "", "", []string{"platform"}},
		{"/workspace/{workspace}/{module}/serviceconfigurations", nil, "", "", []string{"workspace", "module"}},
	}
	for _, tt := range tests {
		got, err := expand("kind", tt.tmpl, tt.ref, tt.id)
		var mr *MissingRefError
		switch {
		case tt.missing != nil:
			if !errors.As(err, &mr) || !slices.Equal(mr.Missing, tt.missing) {
				t.Errorf("expand(%q): err %v, want missing %v", tt.tmpl, err, tt.missing)
			}
		case err != nil:
			t.Errorf("expand(%q): %v", tt.tmpl, err)
		case got != tt.want:
			t.Errorf("expand(%q) = %q, want %q", tt.tmpl, got, tt.want)
		}
	}
	err := &MissingRefError{Kind: "outputs", Missing: []string{"workspace", "module"}}
	if want := "outputs need workspace and module (--parent workspace=ID --parent module=ID)"; err.Error() != want {
		t.Errorf("message %q", err.Error())
	}
}

func TestListPathPicksMostSpecific(t *testing.T) {
	d, _ := Lookup("audiences")
	for ref, want := range map[string]string{"": "/audiences", "5": "/workspace/5/audiences"} {
		r := Ref{}
		if ref != "" {
			r["workspace"] = ref
		}
		if got, err := d.listPath(r); err != nil || got != want {
			t.Errorf("audiences under %v: %q, %v; want %q", r, got, err, want)
		}
	}
	sf, _ := Lookup("servicefiltering")
	if got, err := sf.listPath(Ref{"app": "1", "service": "Indicative"}); err != nil || got != "/apps/1/Indicative" {
		t.Errorf("single kind list path %q, %v", got, err)
	}
}

func TestEncodeUserID(t *testing.T) {
	for in, want := range map[string]string{
		"test@mparticle.com":     "test40mparticle2Ecom", // the reference's own example
		"first.last+tag@x.co.uk": "first2Elast2Btag40x2Eco2Euk",
		"Ünï@x.io":               "C39CnC3AF40x2Eio",
		"":                       "",
	} {
		if got := EncodeUserID(in); got != want {
			t.Errorf("EncodeUserID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEntityIDsAndNames(t *testing.T) {
	tests := []struct {
		kind, raw string
		id, name  string
		row       []string
	}{
		{"apps", `{"id":1,"name":"Test App","platforms":[{"os":"Android"},{"os":"iOS"}],"created_on":"2014-06-11T19:43:45.617","last_modified_on":"2014-06-11T19:43:45.617","data_type":"application"}`,
			"1", "Test App", []string{"1", "Test App", "Android, iOS", "2014-06-11 19:43", "2014-06-11 19:43"}},
		{"platforms", `{"application_id":1,"os":"Android","access_keys":[{"key":"AccessKey","secret":null}],"crash_handling":"AppDefined","profile_merging":false,"push_attribution_timer":30}`,
			"android", "Android", []string{"Android", "AccessKey", "AppDefined", "", "", "no", "30", ""}},
		{"serviceconfigs", `{"account":null,"name":"GoogleAnalyticsEventForwarder","isActive":true,"isVisible":true,"settings":[{"name":"apiKey"}]}`,
			"GoogleAnalyticsEventForwarder/Default Account", "GoogleAnalyticsEventForwarder",
			[]string{"GoogleAnalyticsEventForwarder", "Default Account", "yes", "yes", "1"}},
		{"workspaces", `{"id":"4302","name":"mP Traveller","data_type":"workspace","created_on":"2017-02-02T11:20:23"}`,
			"4302", "mP Traveller", []string{"4302", "mP Traveller", "2017-02-02 11:20"}},
		{"users", `{"first_name":"Test","last_name":"User","email":"test@mparticle.com"}`,
			"test40mparticle2Ecom", "test@mparticle.com", []string{"test@mparticle.com", "Test", "User", "test40mparticle2Ecom", ""}},
		{"datapoints", `{"name":"my/event","attribute_name":"attr","type":"EventAttribute","event_type":"navigation"}`,
			"EventAttribute/my%2Fevent/attr/navigation", "my/event › attr", nil},
		{"calculatedattributes", `{"id":5,"name":"ca1","active_definition":{"calculation_type":"sum"},"draft_definition":{"calculation_type":"count"},"audience_count":1}`,
			"5", "ca1", []string{"5", "ca1", "active+draft", "sum", "1", ""}},
		{"activation", `{"calculated_attribute_id":5678,"is_active":true,"activated_on":"2020-02-18T19:24:50.426Z","activated_by":"user@mparticle.com"}`,
			"5678", "activation of 5678", []string{"5678", "yes", "2020-02-18 19:24", "user@mparticle.com"}},
		{"services", `{"name":"ActionX","settings":[{"is_required":true,"name":"advertiserToken"},{"is_required":false,"name":"useCustomerId"}]}`,
			"ActionX", "ActionX", []string{"ActionX", "2", "advertiserToken"}},
		{"audiences", "{\"id\":7622,\"name\":\"Abandoned\\u001b[31m Cart\",\"size\":342}", "7622", "Abandoned[31m Cart", nil},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			d, _ := Lookup(tt.kind)
			e := d.entity([]byte(tt.raw), Ref{"x": "y"})
			if e.ID != tt.id || e.Name != tt.name {
				t.Errorf("id %q name %q; want %q %q", e.ID, e.Name, tt.id, tt.name)
			}
			if string(e.Raw) != tt.raw {
				t.Error("raw changed")
			}
			if tt.row != nil && !slices.Equal(e.Row(), tt.row) {
				t.Errorf("row %q\nwant %q", e.Row(), tt.row)
			}
			for i, c := range d.Columns {
				if got := c.Value(e); got != e.Row()[i] {
					t.Errorf("column %s: Value %q, Row %q", c.Title, got, e.Row()[i])
				}
			}
		})
	}
}

func TestEntityRefForChildren(t *testing.T) {
	sc, _ := Lookup("serviceconfigs")
	e := sc.entity([]byte(`{"name":"Indicative","account":"Prod"}`), Ref{"app": "1", "platform": "ios"})
	ref := e.Ref()
	if ref["app"] != "1" || ref["platform"] != "ios" || ref["service"] != "Indicative" {
		t.Fatalf("ref %v", ref)
	}
	if e.Parents["service"] != "" {
		t.Fatal("Ref modified the entity's parents")
	}
	au, _ := Lookup("audiences")
	if got := au.entity([]byte(`{"id":1}`), nil).Ref(); len(got) != 0 {
		t.Fatalf("a kind without a key adds nothing: %v", got)
	}
}

func TestBodyPreparation(t *testing.T) {
	dp, _ := Lookup("datapoints")
	apps, _ := Lookup("apps")
	tests := []struct {
		d    *Descriptor
		in   string
		want string
		err  bool
	}{
		{dp, ` {"name":"e","type":"event"} `, `[{"name":"e","type":"event"}]`, false},
		{dp, `[{"name":"e"}]`, `[{"name":"e"}]`, false},
		{apps, `{"name":"x"}`, `{"name":"x"}`, false},
		{apps, `{"name":`, "", true},
		{apps, "  ", "", true},
	}
	for _, tt := range tests {
		got, err := tt.d.body([]byte(tt.in))
		if (err != nil) != tt.err || string(got) != tt.want {
			t.Errorf("%s body(%q) = %q, %v", tt.d.Name, tt.in, got, err)
		}
	}
}

func TestDeriveBaseURLs(t *testing.T) {
	tests := []struct{ in, v1, v2 string }{
		{"https://api.mparticle.com", "https://api.mparticle.com/v1", "https://api.mparticle.com/platform/v2"},
		{"https://api.mparticle.com/v1/", "https://api.mparticle.com/v1", "https://api.mparticle.com/platform/v2"},
		{"http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/platform/v2"},
		{"http://proxy/mp/v1", "http://proxy/mp/v1", "http://proxy/mp/platform/v2"},
		{"http://proxy/custom", "http://proxy/custom", "http://proxy/platform/v2"},
	}
	for _, tt := range tests {
		v1, v2, err := DeriveBaseURLs(tt.in)
		if err != nil || v1 != tt.v1 || v2 != tt.v2 {
			t.Errorf("DeriveBaseURLs(%q) = %q, %q, %v", tt.in, v1, v2, err)
		}
	}
	for _, bad := range []string{"", "api.mparticle.com", "ftp://x/v1", "http://user:pw@x/v1"} {
		if _, _, err := DeriveBaseURLs(bad); err == nil {
			t.Errorf("DeriveBaseURLs(%q) accepted", bad)
		}
	}
}

func TestWritableRefKeysCheckRef(t *testing.T) {
	for name, want := range map[string]bool{"apps": true, "workspaces": false, "users": false, "audiences": true,
		"calculatedattributes": true, "activation": false, "filters": true, "services": false} {
		if d, _ := Lookup(name); d.Writable() != want {
			t.Errorf("%s writable = %v", name, !want)
		}
	}
	for name, want := range map[string][]string{
		"apps": nil, "platforms": {"app"}, "feeds": {"workspace"}, "audiences": {"workspace"},
		"outputs": {"workspace", "module"}, "filters": {"app", "service"}, "activation": {"workspace", "ca"},
	} {
		if d, _ := Lookup(name); !slices.Equal(RefKeys(d), want) {
			t.Errorf("RefKeys(%s) = %v, want %v", name, RefKeys(d), want)
		}
	}
	feeds, _ := Lookup("feeds")
	if err := CheckRef(feeds, nil, true); err != nil {
		t.Errorf("get feed needs no workspace: %v", err)
	}
	var mr *MissingRefError
	if err := CheckRef(feeds, nil, false); !errors.As(err, &mr) || mr.Missing[0] != "workspace" {
		t.Errorf("list feeds without workspace: %v", err)
	}
	act, _ := Lookup("activation")
	if err := CheckRef(act, Ref{"workspace": "1"}, true); !errors.As(err, &mr) || !slices.Equal(mr.Missing, []string{"ca"}) {
		t.Errorf("activation without ca: %v", err)
	}
}

func TestErrorItemsFromObject(t *testing.T) {
	tests := map[string][]ErrorItem{
		`{"error":"invalid_client","error_description":"Unauthorized"}`: {{Code: "invalid_client", Message: "Unauthorized"}},
		`{"message":"Internal server error"}`:                           {{Message: "Internal server error"}},
		`{"id":5}`:                                                      nil,
		`{"error":""}`:                                                  nil,
	}
	for in, want := range tests {
		if got := errorItemsFromObject([]byte(in)); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", in, got, want)
		}
	}
}

// TestCatalogDerivesOps: every kind can do what its paths allow and nothing
// else; the table is what the kinds declared before their operations were
// derived.
func TestCatalogDerivesOps(t *testing.T) {
	const all = OpList | OpGet | OpCreate | OpUpdate | OpDelete
	want := map[string]Op{
		"accounts":             all,
		"apps":                 all,
		"platforms":            all,
		"serviceconfigs":       OpList | OpGet | OpCreate | OpUpdate,
		"services":             OpList | OpGet,
		"audiences":            OpList | OpGet | OpDelete,
		"workspaces":           OpList | OpGet,
		"feeds":                OpList | OpGet | OpCreate | OpUpdate,
		"outputs":              OpList | OpGet,
		"subscriptions":        OpList | OpGet | OpCreate,
		"users":                OpList | OpGet,
		"datapoints":           OpList | OpGet | OpCreate,
		"filters":              OpList | OpGet | OpUpdate,
		"servicefiltering":     OpList | OpGet | OpUpdate,
		"calculatedattributes": all | OpExists,
		"activation":           OpList | OpGet,
		"calculation":          OpList | OpGet,
		"plans":                all,
		"versions":             all,
		"roles":                all,
		"tasks":                OpList | OpGet,
		"rolemanifest":         OpList | OpGet | OpUpdate,
	}
	kinds := DefaultCatalog().Kinds()
	if len(kinds) != len(want) {
		t.Errorf("%d kinds, the table has %d", len(kinds), len(want))
	}
	for _, d := range kinds {
		if w, ok := want[d.Name]; !ok || d.Ops != w {
			t.Errorf("%s: ops %q, want %q", d.Name, d.Ops, w)
		}
	}
}

// TestPathOps: a descriptor declaring a path gets its operation, and only
// then.
func TestPathOps(t *testing.T) {
	post := Endpoint{"POST", "/things"}
	put := Endpoint{"PUT", "/things/{id}"}
	tests := []struct {
		name   string
		paths  Paths
		single bool
		want   Op
	}{
		{"nothing", Paths{}, false, 0},
		{"list gives get", Paths{List: []string{"/things"}}, false, OpList | OpGet},
		{"get alone", Paths{Get: "/things/{id}"}, false, OpGet},
		{"single get lists", Paths{Get: "/thing"}, true, OpList | OpGet},
		{"create", Paths{List: []string{"/things"}, Create: post}, false, OpList | OpGet | OpCreate},
		{"update", Paths{Get: "/things/{id}", Update: put}, false, OpGet | OpUpdate},
		{"delete", Paths{List: []string{"/things"}, Delete: "/things/{id}"}, false, OpList | OpGet | OpDelete},
		{"exists", Paths{Exists: "/things"}, false, OpExists},
		{"a method without a path is nothing", Paths{Create: Endpoint{Method: "POST"}}, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &Descriptor{Name: "things", Singular: "thing", Paths: tt.paths, Single: tt.single}
			newCatalog([]*Descriptor{d})
			if d.Ops != tt.want {
				t.Errorf("ops %q, want %q", d.Ops, tt.want)
			}
		})
	}
}

func TestCatalogRefusesDeclaredOps(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "things declares its operations") {
			t.Errorf("panic %v", r)
		}
	}()
	newCatalog([]*Descriptor{{Name: "things", Ops: OpList, Paths: Paths{List: []string{"/things"}}}})
}

func TestParseParents(t *testing.T) {
	cat := DefaultCatalog()
	tests := []struct {
		kind   string
		values []string
		want   Ref
		err    string
	}{
		{"platforms", []string{"app=1"}, Ref{"app": "1"}, ""},
		{"platforms", []string{" apps = 1 "}, Ref{"app": "1"}, ""},
		{"platforms", []string{"Application=1"}, Ref{"app": "1"}, ""},
		{"activation", []string{"workspace=4302", "ca=5"}, Ref{"workspace": "4302", "ca": "5"}, ""},
		{"activation", []string{"ws=4302", "calculated-attributes=5"}, Ref{"workspace": "4302", "ca": "5"}, ""},
		{"outputs", []string{"workspace=1", "module=indicative"}, Ref{"workspace": "1", "module": "indicative"}, ""},
		{"filters", []string{"app=1", "service=Indicative"}, Ref{"app": "1", "service": "Indicative"}, ""},
		{"filters", []string{"app=1", "sc=Indicative"}, Ref{"app": "1", "service": "Indicative"}, ""},
		{"platforms", []string{"app=1", "app=1"}, Ref{"app": "1"}, ""},
		{"apps", nil, Ref{}, ""},
		{"platforms", []string{"app"}, nil, `"app": want KIND=ID (platforms take app)`},
		{"apps", []string{"app"}, nil, `"app": want KIND=ID (apps take no parent)`},
		{"platforms", []string{"=1"}, nil, `"=1": the KIND is missing, want KIND=ID (platforms take app)`},
		{"platforms", []string{"app="}, nil, `"app=": the ID is missing, want KIND=ID`},
		{"platforms", []string{"planet=1"}, nil, `planet=1: unknown parent kind "planet" (platforms take app)`},
		{"apps", []string{"workspace=1"}, nil, "workspace=1: apps take no parent"},
		{"platforms", []string{"workspace=1"}, nil, "workspace=1: platforms take only app"},
		{"platforms", []string{"users=1"}, nil, "users=1: platforms take only app"},
		{"platforms", []string{"app=1", "apps=2"}, nil, "app given twice (1 and 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.kind+" "+strings.Join(tt.values, " "), func(t *testing.T) {
			d, _ := cat.Lookup(tt.kind)
			got, err := cat.ParseParents(d, tt.values)
			switch {
			case tt.err != "":
				if err == nil || err.Error() != tt.err {
					t.Errorf("error %v, want %s", err, tt.err)
				}
			case err != nil:
				t.Errorf("error %v", err)
			case !maps.Equal(got, tt.want):
				t.Errorf("ref %v, want %v", got, tt.want)
			}
		})
	}
}
