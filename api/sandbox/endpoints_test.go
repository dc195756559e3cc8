package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/api"
)

// Response shapes.
const (
	shapeEnv   = "envelope"       // {"data":[…],"dataType":K,"errors":null}
	shapeSnake = "snake envelope" // {"data":[…],"data_type":K,"errors":null}
	shapeBare  = "bare array"
	shapeNone  = "empty"
	shapeJSON  = "bare JSON" // v2 objects and integers
)

// checkShape asserts the body's shape and kind.
func checkShape(t *testing.T, r sbResp, shape, kind string) {
	t.Helper()
	switch shape {
	case shapeNone:
		if len(r.body) != 0 {
			t.Fatalf("want an empty body, got %.200s", r.body)
		}
		return
	case shapeBare:
		if len(r.body) == 0 || r.body[0] != '[' {
			t.Fatalf("want a bare array, got %.200s", r.body)
		}
	case shapeJSON:
		if !json.Valid(r.body) {
			t.Fatalf("want JSON, got %.200s", r.body)
		}
	case shapeEnv, shapeSnake:
		var top map[string]json.RawMessage
		if err := json.Unmarshal(r.body, &top); err != nil {
			t.Fatalf("not an object: %.200s", r.body)
		}
		key, other := "dataType", "data_type"
		if shape == shapeSnake {
			key, other = other, key
		}
		var k string
		json.Unmarshal(top[key], &k)
		if k != kind {
			t.Errorf("%s = %q, want %q", key, k, kind)
		}
		if _, has := top[other]; has {
			t.Errorf("envelope has both %s and %s", key, other)
		}
		if string(top["errors"]) != "null" {
			t.Errorf("errors = %s on success", top["errors"])
		}
		if len(top["data"]) == 0 || top["data"][0] != '[' {
			t.Errorf("data is not an array: %s", top["data"])
		}
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	checkTimestamps(t, r.body)
}

// checkTimestamps parses every *_on and *_time string of a body the way the
// client does: the sandbox may only emit forms the client reads.
func checkTimestamps(t *testing.T, body []byte) {
	t.Helper()
	var v any
	if json.Unmarshal(body, &v) != nil {
		return
	}
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && (strings.HasSuffix(k, "_on") || strings.HasSuffix(k, "_time") || k == "date" || k == "cutoff_date") {
					if _, err := api.ParseTime(s); err != nil {
						t.Errorf("timestamp %s = %q does not parse: %v", k, s, err)
					}
				}
				walk(e)
			}
		}
	}
	walk(v)
}

func sbFirst(t *testing.T, items []map[string]any) map[string]any {
	t.Helper()
	if len(items) == 0 {
		t.Fatalf("no items")
	}
	return items[0]
}

// TestEveryEndpoint walks the reference's endpoint index (the
// hidden ones too) over HTTP against the default seed, in an order where
// later steps see earlier writes.
func TestEveryEndpoint(t *testing.T) {
	srv := startSB(t, Options{})
	c := sbAdmin(t, srv)
	type step struct {
		name   string
		method string
		path   string
		body   any
		status int
		shape  string
		kind   string
		check  func(t *testing.T, r sbResp)
	}
	steps := []step{
		// Accounts
		{"1 get account", "GET", "/v1/accounts/1?accountId=1", nil, 200, shapeEnv, "account", func(t *testing.T, r sbResp) {
			if it := r.items(t); len(it) != 1 || it[0]["name"] != SeedAccountName || it[0]["data_type"] != "account" || it[0]["id"] != float64(1) {
				t.Errorf("account: %v", it)
			}
		}},
		{"2 list accounts", "GET", "/v1/accounts?accountId=1", nil, 200, shapeEnv, "account", func(t *testing.T, r sbResp) {
			if n := sbNames(r.items(t), "name"); len(n) != 2 || n[0] != SeedAccountName || n[1] != SeedOtherAccountName {
				t.Errorf("accounts: %v", n)
			}
		}},
		{"3 update account", "PUT", "/v1/accounts/2?accountId=1", map[string]string{"name": "Acme Staging EU"}, 202, shapeEnv, "account", func(t *testing.T, r sbResp) {
			if sbFirst(t, r.items(t))["name"] != "Acme Staging EU" {
				t.Errorf("rename not shown")
			}
		}},
		{"4 create account (no accountId)", "POST", "/v1/accounts", map[string]string{"name": "New Account"}, 201, shapeEnv, "account", func(t *testing.T, r sbResp) {
			if it := sbFirst(t, r.items(t)); it["id"] != float64(3) || it["name"] != "New Account" {
				t.Errorf("new account: %v", it)
			}
		}},
		{"5 delete account", "DELETE", "/v1/accounts?accountId=3", nil, 202, shapeEnv, "account", func(t *testing.T, r sbResp) {
			if len(r.items(t)) != 0 {
				t.Errorf("delete answer has data")
			}
		}},
		// Apps
		{"6 get app", "GET", "/v1/apps/1?accountId=1", nil, 200, shapeEnv, "application", func(t *testing.T, r sbResp) {
			a := sbFirst(t, r.items(t))
			ps := a["platforms"].([]any)
			if a["name"] != SeedAppName || a["data_type"] != "application" || len(ps) != 3 {
				t.Fatalf("app: %v", a)
			}
			for _, p := range ps {
				k := p.(map[string]any)["access_keys"].([]any)[0].(map[string]any)
				if k["secret"] != nil || k["key"] == "" || k["data_type"] != "token" {
					t.Errorf("access key on GET: %v", k)
				}
			}
		}},
		{"7 list apps", "GET", "/v1/apps?accountId=1", nil, 200, shapeEnv, "application", func(t *testing.T, r sbResp) {
			if n := sbNames(r.items(t), "name"); len(n) != 4 || n[0] != SeedAppName {
				t.Errorf("apps: %v", n)
			}
		}},
		{"8 rename app", "PUT", "/v1/apps/2?accountId=1", map[string]string{"name": "Test App New Name"}, 202, shapeEnv, "application", nil},
		{"9 create app", "POST", "/v1/apps?accountId=1", map[string]any{"name": "Test App", "platforms": []map[string]string{{"os": "iOS"}, {"os": "Android"}}}, 201, shapeEnv, "application", func(t *testing.T, r sbResp) {
			a := sbFirst(t, r.items(t))
			ps := a["platforms"].([]any)
			if a["id"] != float64(6) || len(ps) != 2 {
				t.Fatalf("created app: %v", a)
			}
			for _, p := range ps {
				pm := p.(map[string]any)
				k := pm["access_keys"].([]any)[0].(map[string]any)
				if s, _ := k["secret"].(string); len(s) < 16 {
					t.Errorf("create must return the secret once: %v", k)
				}
				if pm["crash_handling"] != "AppDefined" || pm["profile_merging"] != false || pm["push_attribution_timer"] != float64(30) || pm["application_id"] != float64(6) {
					t.Errorf("platform defaults: %v", pm)
				}
			}
		}},
		{"9b the secret is not shown again", "GET", "/v1/apps/6?accountId=1", nil, 200, shapeEnv, "application", func(t *testing.T, r sbResp) {
			if strings.Contains(string(r.body), `"secret":"`) {
				t.Errorf("secret shown on GET")
			}
		}},
		{"10 delete app", "DELETE", "/v1/apps/4?accountId=1", nil, 202, shapeEnv, "application", nil},
		// App platforms
		{"11 get platform", "GET", "/v1/apps/1/platforms/android?accountId=1", nil, 200, shapeEnv, "platform", func(t *testing.T, r sbResp) {
			if p := sbFirst(t, r.items(t)); p["os"] != "Android" || p["application_id"] != float64(1) {
				t.Errorf("platform: %v", p)
			}
		}},
		{"12 list platforms", "GET", "/v1/apps/1/platforms?accountId=1", nil, 200, shapeEnv, "platform", func(t *testing.T, r sbResp) {
			if n := sbNames(r.items(t), "os"); strings.Join(n, ",") != "iOS,Android,MobileWeb" {
				t.Errorf("platforms: %v", n)
			}
		}},
		{"13 update platform", "PUT", "/v1/apps/1/platforms/ios?accountId=1", map[string]any{"profile_merging": true, "push_attribution_timer": 45,
			"crash_handling": "ForceCatch", "network_performance": "forcetrue", "social_mode": "FacebookAndTwitter"}, 202, shapeEnv, "platform", func(t *testing.T, r sbResp) {
			p := sbFirst(t, r.items(t))
			if p["network_performance"] != "ForceTrue" || p["social_mode"] != "FacebookAndTwitter" || p["push_attribution_timer"] != float64(45) {
				t.Errorf("updated platform: %v", p)
			}
		}},
		{"14 create platform (POST /apps/{id})", "POST", "/v1/apps/3?accountId=1", map[string]any{"os": "android", "profile_merging": true, "push_attribution_timer": 30,
			"crash_handling": "ForceCatch", "network_performance": "ForceTrue", "social_mode": "FacebookAndTwitter"}, 201, shapeEnv, "platform", func(t *testing.T, r sbResp) {
			p := sbFirst(t, r.items(t))
			k := p["access_keys"].([]any)[0].(map[string]any)
			if p["os"] != "Android" || p["crash_handling"] != "ForceCatch" || p["profile_merging"] != true || k["secret"] == nil {
				t.Errorf("new platform: %v", p)
			}
		}},
		{"15 delete platform", "DELETE", "/v1/apps/3/platforms/ROKU?accountId=1", nil, 202, shapeEnv, "platform", nil},
		// App platform services
		{"16 list service configurations", "GET", "/v1/apps/1/platforms/ios/services?accountId=1", nil, 200, shapeEnv, "service", func(t *testing.T, r sbResp) {
			ga := sbFirst(t, r.items(t))
			s0 := ga["settings"].([]any)[0].(map[string]any)
			if ga["name"] != "GoogleAnalyticsEventForwarder" || s0["value"] != "*********** Key" || s0["isConfidential"] != true {
				t.Errorf("masked setting: %v", s0)
			}
		}},
		{"17 configure a service", "PUT", "/v1/apps/1/platforms/ios/services?accountId=1", json.RawMessage(`{"account":"Default Account","name":"GoogleAnalyticsEventForwarder","isActive":true,"isVisible":true,
			"settings":[{"name":"apiKey","value":"My Test App Key"},{"name":"customDimensions","value":"[{\"maptype\":\"EventAttributeClass.Name\",\"map\":\"Bitcoins\",\"value\":\"Dimension 3\"}]"}]}`),
			202, shapeEnv, "service", nil},
		// Audiences
		{"18 list audiences", "GET", "/v1/audiences?accountId=1", nil, 200, shapeBare, "", func(t *testing.T, r sbResp) {
			l := r.bareList(t)
			if len(l) != 5 {
				t.Fatalf("audiences: %d", len(l))
			}
			for _, a := range l {
				ws := a["workspaces"].([]any)
				if a["data_type"] != "audience" || len(ws) == 0 || ws[0].(map[string]any)["data_type"] != "workspace" {
					t.Errorf("audience: %v", a)
				}
				if _, isNum := ws[0].(map[string]any)["id"].(float64); !isNum {
					t.Errorf("workspace ref id must be an int: %v", ws[0])
				}
			}
		}},
		{"19 list workspace audiences", "GET", "/v1/workspace/4302/audiences?accountId=1", nil, 200, shapeBare, "", func(t *testing.T, r sbResp) {
			ids := []float64{}
			for _, a := range r.bareList(t) {
				ids = append(ids, a["id"].(float64))
			}
			if len(ids) != 2 || ids[0] != 7622 || ids[1] != 7623 {
				t.Errorf("single-workspace audiences of 4302: %v (7625 spans two workspaces)", ids)
			}
		}},
		{"20 delete audience", "DELETE", "/v1/audiences/7239?accountId=1", nil, 202, shapeEnv, "audience", nil},
		// DataPoints
		{"31 list DataPoints", "GET", "/v1/apps/1/datapoints?accountId=1", nil, 200, shapeEnv, "datapoint", func(t *testing.T, r sbResp) {
			it := r.items(t)
			if len(it) != 13 || it[1]["type"] != "EventAttribute" || it[1]["attribute_name"] != "my event attribute" {
				t.Errorf("datapoints: %d %v", len(it), it[1])
			}
		}},
		{"32 add DataPoints", "PUT", "/v1/apps/1/datapoints?accountId=1", `[{"name":"my new event","type":"event","event_type":"Navigation"}]`, 202, shapeEnv, "datapoint", func(t *testing.T, r sbResp) {
			d := sbFirst(t, r.items(t))
			if d["type"] != "Event" || d["event_type"] != "navigation" || d["attribute_name"] != nil {
				t.Errorf("added: %v", d)
			}
		}},
		// DataPoint filters
		{"33 get service filtering", "GET", "/v1/apps/1/GoogleAnalyticsEventForwarder?accountId=1", nil, 200, shapeEnv, "datapoint", func(t *testing.T, r sbResp) {
			f := sbFirst(t, r.items(t))
			if len(f) != 2 || f["name"] != "GoogleAnalyticsEventForwarder" || f["sendNewDataPointsByDefault"] != true {
				t.Errorf("service filtering: %v (no data_type on the entity)", f)
			}
		}},
		{"34 update service filtering", "PUT", "/v1/apps/1/googleanalyticseventforwarder?accountId=1", `{"sendNewDataPointsByDefault": false}`, 202, shapeEnv, "datapoint", nil},
		{"35 get filters", "GET", "/v1/apps/1/GoogleAnalyticsEventForwarder/datapoints?accountId=1", nil, 200, shapeEnv, "datapoint", func(t *testing.T, r sbResp) {
			it := r.items(t)
			if len(it) != 14 || it[1]["enabled"] != false || it[0]["enabled"] != true || it[13]["name"] != "my new event" || it[13]["enabled"] != true {
				t.Errorf("filters: existing DataPoints keep their setting when the default changes: %v", it)
			}
		}},
		{"36 update filters", "PUT", "/v1/apps/1/GoogleAnalyticsEventForwarder/datapoints?accountId=1",
			`[{"name":"my event","type":"event","event_type":"navigation","enabled":true},{"name":"my event","attribute_name":"my event attribute","type":"eventattribute","event_type":"navigation","enabled":false}]`,
			202, shapeBare, "", func(t *testing.T, r sbResp) {
				l := r.bareList(t)
				if len(l) != 2 || l[1]["type"] != "EventAttribute" || l[1]["enabled"] != false || l[0]["type"] != "Event" {
					t.Errorf("filter echo: %v", l)
				}
				for _, f := range l {
					if _, has := f["data_type"]; has {
						t.Errorf("filter echo has data_type: %v", f)
					}
					if _, has := f["created_on"]; has {
						t.Errorf("filter echo has created_on: %v", f)
					}
				}
			}},
		// Feeds
		{"37 list feeds", "GET", "/v1/workspace/4302/partnerfeeds?accountId=1", nil, 200, shapeEnv, "partner_feed", func(t *testing.T, r sbResp) {
			f := sbFirst(t, r.items(t))
			if f["id"] != "229" || f["data_type"] != "partner_feed" {
				t.Errorf("feed summary (string id): %v", f)
			}
		}},
		{"38 get feed", "GET", "/v1/partnerfeeds/229?accountId=1", nil, 200, shapeSnake, "Partner Feed", func(t *testing.T, r sbResp) {
			f := sbFirst(t, r.items(t))
			if f["id"] != float64(229) || f["module_name"] != "MailChimp" || f["os"] != "Unknown" || len(f["settings"].([]any)) != 6 {
				t.Errorf("feed: %v", f)
			}
			if _, has := f["created_on"]; has {
				t.Errorf("the feed detail has no created_on")
			}
		}},
		{"39 create feed", "POST", "/v1/workspace/4302/partnerfeeds?accountId=1", `{"module_name":"radar","name":"radarAndroidFeed","os":"android","settings":[],"is_debug":true}`,
			201, shapeSnake, "Partner Feed", func(t *testing.T, r sbResp) {
				f := sbFirst(t, r.items(t))
				if len(f) != 3 || f["data_type"] != "Partner Feed" || f["id"] != float64(701) {
					t.Errorf("created: %v", f)
				}
			}},
		{"40 update feed", "PUT", "/v1/workspace/4302/partnerfeeds/689?accountId=1", `{"module_name":"radar","name":"radariOSFeed","os":"ios","settings":[{"name":"region","value":"eu"}],"is_debug":false}`,
			202, shapeSnake, "Partner Feed", func(t *testing.T, r sbResp) {
				if f := sbFirst(t, r.items(t)); f["id"] != float64(689) {
					t.Errorf("updated: %v", f)
				}
			}},
		{"41 list output configurations", "GET", "/v1/workspace/4302/indicative/serviceconfigurations?accountId=1", nil, 200, shapeSnake, "Service Configuration", func(t *testing.T, r sbResp) {
			if n := sbNames(r.items(t), "name"); strings.Join(n, ",") != "config1,Indicative Main Project" {
				t.Errorf("output configurations: %v", n)
			}
		}},
		{"42 list subscriptions", "GET", "/v1/partnerfeeds/229/subscriptions?accountId=1", nil, 200, shapeSnake, "Partner Feed Subscription", func(t *testing.T, r sbResp) {
			it := r.items(t)
			if len(it) != 2 || it[0]["config_name"] != "config1" || it[0]["service_configuration_id"] != float64(24016) {
				t.Errorf("subscriptions: %v", it)
			}
		}},
		{"42b list subscriptions by workspace id", "GET", "/v1/partnerfeeds/4302/subscriptions?accountId=1", nil, 200, shapeSnake, "Partner Feed Subscription", func(t *testing.T, r sbResp) {
			if len(r.items(t)) != 3 {
				t.Errorf("subscriptions of workspace 4302: %d", len(r.items(t)))
			}
		}},
		{"43 create subscription", "POST", "/v1/partnerfeeds/689/subscriptions?accountId=1", `{"service_configuration_id":24020,"is_active":false,"settings":[{"name":"useCustomerId","value":true}],"os":"ios"}`,
			201, shapeSnake, "PartnerFeed Subscription", func(t *testing.T, r sbResp) {
				if s := sbFirst(t, r.items(t)); s["data_type"] != "PartnerFeed Subscription" || s["id"] != float64(24575) {
					t.Errorf("created: %v", s)
				}
			}},
		{"43b the new subscription", "GET", "/v1/partnerfeeds/689/subscriptions?accountId=1", nil, 200, shapeSnake, "Partner Feed Subscription", func(t *testing.T, r sbResp) {
			it := r.items(t)
			if len(it) != 2 || it[1]["settings"].([]any)[0].(map[string]any)["value"] != "True" || it[1]["config_name"] != "Indicative Main Project" {
				t.Errorf("subscription (bool setting stored as \"True\"): %v", it)
			}
		}},
		// Services
		{"44 list services", "GET", "/v1/services?accountId=1", nil, 200, shapeEnv, "service", func(t *testing.T, r sbResp) {
			n := sbNames(r.items(t), "name")
			for _, want := range []string{"GoogleAnalyticsEventForwarder", "Indicative", "ActionX", "Mixpanel", "Amplitude", "Braze", "GoogleAds", "Facebook"} {
				if !sbContains(n, want) {
					t.Errorf("catalogue lacks %s", want)
				}
			}
			if len(n) < 10 {
				t.Errorf("catalogue has %d services", len(n))
			}
			if strings.Contains(string(r.body), "confidential") || strings.Contains(string(r.body), "platforms") {
				t.Errorf("catalogue shows the sandbox's internal fields")
			}
		}},
		{"45 get service", "GET", "/v1/services/Indicative?accountId=1", nil, 200, shapeEnv, "service", func(t *testing.T, r sbResp) {
			s := sbFirst(t, r.items(t))
			st := s["settings"].([]any)
			if len(st) != 3 || st[0].(map[string]any)["name"] != "apiKey" || st[0].(map[string]any)["is_required"] != true || st[2].(map[string]any)["type"] != "Bool" {
				t.Errorf("Indicative: %v", s)
			}
		}},
		// Users
		{"46 list users", "GET", "/v1/users?accountId=1", nil, 200, shapeEnv, "user", func(t *testing.T, r sbResp) {
			if n := sbNames(r.items(t), "email"); len(n) != 5 || n[0] != "testuser@mparticle.com" {
				t.Errorf("users: %v", n)
			}
		}},
		{"47 get user by encoded email", "GET", "/v1/users/test40mparticle2Ecom?accountId=1", nil, 200, shapeEnv, "user", func(t *testing.T, r sbResp) {
			if u := sbFirst(t, r.items(t)); u["email"] != "test@mparticle.com" || u["data_type"] != "user" {
				t.Errorf("user: %v", u)
			}
		}},
		{"H1 create user", "POST", "/v1/users?accountId=1", `{"first_name":"New","last_name":"Person","email":"new.person@acme.example"}`, 201, shapeEnv, "user", nil},
		{"H2 delete user", "DELETE", "/v1/users/new2Eperson40acme2Eexample?accountId=1", nil, 202, shapeEnv, "user", nil},
		// Workspaces
		{"48 list workspaces", "GET", "/v1/workspace?accountId=1", nil, 200, shapeEnv, "workspace", func(t *testing.T, r sbResp) {
			w := sbFirst(t, r.items(t))
			if w["id"] != "4302" || w["name"] != SeedWorkspaceName {
				t.Errorf("workspace (string id): %v", w)
			}
		}},
		{"H3 user insights", "GET", "/v1/workspace/4302/userinsights?accountId=1&applicationid=1", nil, 200, shapeJSON, "", func(t *testing.T, r sbResp) {
			var top map[string]json.RawMessage
			json.Unmarshal(r.body, &top)
			if len(top) != 1 || top["data"] == nil {
				t.Errorf("insights body must be {data:[…]} only: %.200s", r.body)
			}
			if !strings.Contains(string(r.body), `"data_type":"user_insights"`) || !strings.Contains(string(r.body), "&gt;") {
				t.Errorf("insights report: %.300s", r.body)
			}
		}},
		// Calculated attributes (v2): the routing; ca_http_test.go covers the rules.
		{"21 list CAs", "GET", "/platform/v2/workspaces/4302/calculatedattributes", nil, 200, shapeJSON, "", func(t *testing.T, r sbResp) {
			if l := r.bareList(t); len(l) != 5 {
				t.Errorf("CAs of 4302: %d", len(l))
			}
		}},
		{"22 HEAD CAs", "HEAD", "/platform/v2/workspaces/4302/calculatedattributes?name=ca1", nil, 204, shapeNone, "", nil},
		{"22b HEAD no match", "HEAD", "/platform/v2/workspaces/4302/calculatedattributes?name=nope", nil, 404, shapeNone, "", nil},
		{"23 create CA", "POST", "/platform/v2/workspaces/4302/calculatedattributes", `{"name":"New Calculated Attribute","draft_definition":{"recipe_type":"event",
			"datapoint":{"type":"event","event_name":"Add To Cart","attribute_name":null,"event_type":"commerce_event","custom_event_type":"add_to_cart","attribute_category":"product_attribute","use_product_quantity":true},
			"conditions":[],"calculation_type":"count","time_period":{"type":"within","date":null,"within":30,"within_unit":"days"},"seeding":null}}`, 201, shapeJSON, "", func(t *testing.T, r sbResp) {
			if strings.TrimSpace(string(r.body)) != "10" {
				t.Errorf("new CA id: %s", r.body)
			}
		}},
		{"24 get CA", "GET", "/platform/v2/workspaces/4302/calculatedattributes/10", nil, 200, shapeJSON, "", nil},
		{"26 update CA", "PUT", "/platform/v2/workspaces/4302/calculatedattributes/10", `{"name":"New Name"}`, 204, shapeNone, "", nil},
		{"27 activate CA", "POST", "/platform/v2/workspaces/4302/calculatedattributes/10/activation", nil, 204, shapeNone, "", nil},
		{"28 activation status", "GET", "/platform/v2/workspaces/4302/calculatedattributes/10/activation", nil, 200, shapeJSON, "", func(t *testing.T, r sbResp) {
			if !strings.Contains(string(r.body), `"is_active":true`) || !strings.Contains(string(r.body), `"activated_by":"sandbox"`) {
				t.Errorf("activation: %s", r.body)
			}
		}},
		{"29 discard draft", "DELETE", "/platform/v2/workspaces/4302/calculatedattributes/5/draft", nil, 204, shapeNone, "", nil},
		{"30 calculation status", "GET", "/platform/v2/workspaces/4302/calculatedattributes/10/calculation", nil, 200, shapeJSON, "", nil},
		{"25 delete CA", "DELETE", "/platform/v2/workspaces/4302/calculatedattributes/10", nil, 204, shapeNone, "", nil},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			r := c.do(st.method, st.path, st.body)
			if r.status != st.status {
				t.Fatalf("%s %s: status %d, want %d: %.400s", st.method, st.path, r.status, st.status, r.body)
			}
			if r.header.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("no CORS header")
			}
			checkShape(t, r, st.shape, st.kind)
			if st.check != nil {
				st.check(t, r)
			}
		})
	}
}

// HEAD on v1 answers 204 for what GET finds and 404 otherwise, without a
// body.
func TestHeadV1(t *testing.T) {
	srv := startSB(t, Options{})
	c := sbAdmin(t, srv)
	for path, want := range map[string]int{
		"/v1/apps/1?accountId=1":                     http.StatusNoContent,
		"/v1/apps/999?accountId=1":                   http.StatusNotFound,
		"/v1/users/test40mparticle2Ecom?accountId=1": http.StatusNoContent,
		"/v1/apps/1/platforms/xbox?accountId=1":      http.StatusNotFound,
		"/v1/audiences?accountId=1":                  http.StatusNoContent,
	} {
		r := c.do("HEAD", path, nil)
		if r.status != want || len(r.body) != 0 {
			t.Errorf("HEAD %s: %d (%d bytes), want %d", path, r.status, len(r.body), want)
		}
	}
}
