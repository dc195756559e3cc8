package sandbox

import (
	"strings"
	"testing"
)

// Service configurations: settings merge, a masked value sent back keeps
// the real one, defaults for account and isVisible.
func TestServiceConfigurationSemantics(t *testing.T) {
	srv := startSB(t, Options{})
	c := sbAdmin(t, srv)
	const path = "/v1/apps/1/platforms/ios/services?accountId=1"
	ga := func() map[string]any {
		for _, it := range c.do("GET", path, nil).want(t, 200).items(t) {
			if it["name"] == "GoogleAnalyticsEventForwarder" {
				return it
			}
		}
		t.Fatal("GA configuration missing")
		return nil
	}
	stored := func() string {
		srv.mu.RLock()
		defer srv.mu.RUnlock()
		for _, cfg := range srv.st.apps.get(1).platform("iOS").Services {
			if cfg.Name == "GoogleAnalyticsEventForwarder" {
				for _, s := range cfg.Settings {
					if s.Name == "apiKey" {
						return *s.Value
					}
				}
			}
		}
		return ""
	}
	// The editor round trip: GET shows the masked value; PUT it back unchanged.
	g := ga()
	c.do("PUT", path, map[string]any{"name": g["name"], "account": g["account"], "isActive": false, "settings": g["settings"]}).want(t, 202)
	if v := stored(); v != "My Test App Key" {
		t.Errorf("a masked value sent back replaced the secret: %q", v)
	}
	if g := ga(); g["isActive"] != false || len(g["settings"].([]any)) != 4 {
		t.Errorf("after the round trip: %v", g)
	}
	// A partial update keeps the other settings; a new value replaces the secret.
	c.do("PUT", path, `{"name":"googleanalyticseventforwarder","settings":[{"name":"APIKEY","value":"UA-99999-1"}]}`).want(t, 202)
	if v := stored(); v != "UA-99999-1" {
		t.Errorf("new secret not stored: %q", v)
	}
	if g := ga(); len(g["settings"].([]any)) != 4 || g["settings"].([]any)[0].(map[string]any)["value"] != "******99-1" {
		t.Errorf("after a partial update: %v", g["settings"])
	}
	// A new configuration: account defaults to "Default Account", isVisible to true.
	r := c.do("PUT", path, `{"name":"Iterable","isActive":true,"settings":[{"name":"apiKey","value":"itb"},{"name":"sendAsPushEvents","value":false}]}`).want(t, 202)
	it := sbFirst(t, r.items(t))
	if it["account"] != "Default Account" || it["isVisible"] != true || it["settings"].([]any)[1].(map[string]any)["value"] != "False" {
		t.Errorf("new configuration: %v", it)
	}
	// A short confidential value is masked entirely.
	r = c.do("PUT", path, `{"name":"Iterable","settings":[{"name":"apiKey","value":"abc"}]}`).want(t, 202)
	if v := sbFirst(t, r.items(t))["settings"].([]any)[0].(map[string]any)["value"]; v != "***" {
		t.Errorf("short secret shown as %v", v)
	}
	// A hidden second forwarder for the same service is allowed.
	c.do("PUT", path, `{"account":"Shadow","name":"Iterable","isActive":true,"isVisible":false,"settings":[{"name":"apiKey","value":"itb2"}]}`).want(t, 202)
}

func TestFilterSemantics(t *testing.T) {
	srv := startSB(t, Options{})
	c := sbAdmin(t, srv)
	const filters = "/v1/apps/1/Amplitude/datapoints?accountId=1"
	enabled := func() map[string]bool {
		out := map[string]bool{}
		for _, f := range c.do("GET", filters, nil).want(t, 200).items(t) {
			attr, _ := f["attribute_name"].(string)
			out[f["type"].(string)+"/"+f["name"].(string)+"/"+attr] = f["enabled"].(bool)
		}
		return out
	}
	// Disabling an EventType disables its Events and EventAttributes.
	r := c.do("PUT", filters, `[{"name":"Navigation","type":"eventtype","enabled":false}]`).want(t, 202)
	if l := r.bareList(t); l[0]["name"] != "navigation" || l[0]["type"] != "EventType" {
		t.Errorf("echo: %v", l)
	}
	e := enabled()
	if e["Event/my event/"] || e["EventAttribute/my event/my event attribute"] || !e["Event/Search/"] {
		t.Errorf("EventType cascade: %v", e)
	}
	// Disabling an Event disables its attributes.
	c.do("PUT", filters, `[{"name":"Search","type":"Event","event_type":"search","enabled":false}]`).want(t, 202)
	if e := enabled(); e["EventAttribute/Search/query"] || !e["Event/App Open/"] {
		t.Errorf("Event cascade: %v", e)
	}
	// An unknown DataPoint is created; UserIdentity addresses Identity DataPoints.
	c.do("PUT", filters, `[{"name":"Brand New","type":"Event","event_type":"media","enabled":true},{"name":"email","type":"UserIdentity","enabled":false}]`).want(t, 202)
	e = enabled()
	if !e["Event/Brand New/"] || e["Identity/Email/"] {
		t.Errorf("auto-create / identity: %v", e)
	}
	dps := c.do("GET", "/v1/apps/1/datapoints?accountId=1", nil).items(t)
	if last := dps[len(dps)-1]; last["name"] != "Brand New" || last["event_type"] != "media" {
		t.Errorf("DataPoint not created: %v", last)
	}
	// Only the types a service receives are listed (ActionX: no screen views).
	for _, f := range c.do("GET", "/v1/apps/1/ActionX/datapoints?accountId=1", nil).items(t) {
		if strings.HasPrefix(f["type"].(string), "ScreenView") {
			t.Errorf("ActionX lists %v", f)
		}
	}
	// The reference's curl sends the service-level object to /datapoints (docs/inconsistencies.md: update service filtering).
	r = c.do("PUT", filters, `{"sendNewDataPointsByDefault": false}`).want(t, 202)
	if f := sbFirst(t, r.items(t)); f["sendNewDataPointsByDefault"] != false {
		t.Errorf("service-level update: %v", f)
	}
	// New DataPoints now start disabled; existing ones kept their switch.
	c.do("PUT", "/v1/apps/1/datapoints?accountId=1", `{"name":"Later","type":"Event","event_type":"other"}`).want(t, 202)
	if e := enabled(); e["Event/Later/"] || !e["Event/App Open/"] {
		t.Errorf("after the default changed: %v", e)
	}
}

func TestDataPointInputs(t *testing.T) {
	srv := startSB(t, Options{})
	c := sbAdmin(t, srv)
	const path = "/v1/apps/2/datapoints?accountId=1"
	// A single object (the reference's curl), any casing, repeated: one DataPoint.
	for range 2 {
		c.do("PUT", path, `{"name":"Points Spent","type":"EVENT","event_type":"Transaction"}`).want(t, 202)
	}
	r := c.do("PUT", path, `[{"name":"Cart","type":"commerce","event_type":"product_add_to_cart"},{"name":"tier","type":"userattribute","event_type":"navigation","attribute_name":"ignored"},
		{"name":"Cart","type":"CommerceAttribute","attribute_name":"sku"}]`).want(t, 202)
	got := r.items(t)
	if got[0]["type"] != "Commerce" || got[0]["event_type"] != "product_add_to_cart" ||
		got[1]["event_type"] != nil || got[1]["attribute_name"] != nil || got[2]["event_type"] != nil {
		t.Errorf("canonical DataPoints: %v", got)
	}
	if n := len(c.do("GET", path, nil).items(t)); n != 3+4 {
		t.Errorf("%d DataPoints, want 7", n)
	}
	c.do("PUT", path, `[{"name":"Cart","type":"Commerce","event_type":"navigation"}]`).want(t, 422)
}

// The reference's curl examples that hit other URLs (docs/inconsistencies.md: create app; update feed).
func TestReferenceCurlVariants(t *testing.T) {
	srv := startSB(t, Options{})
	c := sbAdmin(t, srv)
	// Create app by POST /apps/{id} with a create-app body.
	r := c.do("POST", "/v1/apps/1?accountId=1", `{"name":"Test App","platforms":[{"os":"iOS"},{"os":"Android"}]}`).want(t, 201)
	if a := sbFirst(t, r.items(t)); r.env(t).Kind() != "application" || a["name"] != "Test App" || len(a["platforms"].([]any)) != 2 {
		t.Errorf("created by POST /apps/1: %s", r.body)
	}
	// Update feed without the id in the path: by the body's name, or its id.
	c.do("PUT", "/v1/workspace/4302/partnerfeeds?accountId=1", `{"module_name":"radar","name":"radariOSFeed","os":"ios","settings":[],"is_debug":false}`).want(t, 202)
	f := sbFirst(t, c.do("GET", "/v1/partnerfeeds/689?accountId=1", nil).items(t))
	if f["is_debug"] != false {
		t.Errorf("feed not updated by name: %v", f)
	}
	c.do("PUT", "/v1/workspace/4302/partnerfeeds?accountId=1", `{"id":689,"name":"radar renamed"}`).want(t, 202)
	if f := sbFirst(t, c.do("GET", "/v1/partnerfeeds/689?accountId=1", nil).items(t)); f["name"] != "radar renamed" || f["module_name"] != "radar" {
		t.Errorf("feed not updated by id: %v", f)
	}
	c.do("PUT", "/v1/workspace/4302/partnerfeeds?accountId=1", `{"name":"no such feed"}`).want(t, 404)
}

// Deleting an account takes everything of it along.
func TestDeleteAccountCascade(t *testing.T) {
	srv := startSB(t, Options{})
	c := sbAdmin(t, srv)
	c.do("DELETE", "/v1/apps/5/platforms/ios?accountId=2", nil).want(t, 202)
	c.do("DELETE", "/v1/apps/5?accountId=2", nil).want(t, 202)
	c.do("DELETE", "/v1/accounts?accountId=2", nil).want(t, 202)
	c.do("GET", "/v1/apps?accountId=2", nil).want(t, 404)
	c.do("GET", "/platform/v2/workspaces/5101/calculatedattributes", nil).want(t, 404)
	if n := len(c.do("GET", "/v1/accounts?accountId=1", nil).items(t)); n != 1 {
		t.Errorf("%d accounts left", n)
	}
	srv.mu.RLock()
	defer srv.mu.RUnlock()
	if srv.st.feeds.get(700) != nil || srv.st.outcfgs.get(25001) != nil || srv.st.audiences.get(8001) != nil || len(srv.st.users.list(2)) > 0 || srv.st.books[5101] != nil || srv.st.workspaces.get(5101) != nil {
		t.Errorf("account 2's data survived its deletion")
	}
}
