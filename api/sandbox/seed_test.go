package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

func TestParseSeedSpec(t *testing.T) {
	for in, want := range map[string]string{"": "default", "default": "default", " empty ": "empty", "large:5": "large:5"} {
		s, err := parseSeedSpec(in)
		if err != nil || s.String() != want {
			t.Errorf("parseSeedSpec(%q) = %v, %v", in, s, err)
		}
	}
	for _, bad := range []string{"large", "large:0", "large:-3", "large:x", "large:99999999", "huge", "Default"} {
		if _, err := parseSeedSpec(bad); err == nil {
			t.Errorf("parseSeedSpec(%q) accepted", bad)
		}
		if _, err := New(Options{Seed: bad}); err == nil {
			t.Errorf("New with seed %q accepted", bad)
		}
	}
}

// The default seed holds an example of every kind, including calculated
// attributes in every lifecycle state.
func TestDefaultSeed(t *testing.T) {
	srv := startSB(t, Options{})
	c := sbAdmin(t, srv)
	accts := srv.Accounts()
	if len(accts) != 2 || accts[0] != (AccountSummary{SeedAccountID, SeedAccountName}) || accts[1] != (AccountSummary{SeedOtherAccountID, SeedOtherAccountName}) {
		t.Errorf("accounts: %v", accts)
	}
	for path, atLeast := range map[string]int{
		"/v1/apps?accountId=2":                        1,
		"/v1/workspace?accountId=2":                   1,
		"/v1/users?accountId=2":                       1,
		"/v1/services?accountId=1":                    10,
		"/v1/users?accountId=1":                       3,
		"/v1/workspace/4302/partnerfeeds?accountId=1": 2,
	} {
		if n := len(c.do("GET", path, nil).want(t, 200).items(t)); n < atLeast {
			t.Errorf("%s: %d items, want at least %d", path, n, atLeast)
		}
	}
	// Several apps with platforms, access keys and service configurations.
	withConfigs := 0
	for _, a := range c.do("GET", "/v1/apps?accountId=1", nil).items(t) {
		for _, p := range a["platforms"].([]any) {
			os := p.(map[string]any)["os"].(string)
			n := len(c.do("GET", fmt.Sprintf("/v1/apps/%v/platforms/%s/services?accountId=1", a["id"], os), nil).want(t, 200).items(t))
			if n > 0 {
				withConfigs++
			}
		}
	}
	if withConfigs < 4 {
		t.Errorf("%d platforms with service configurations", withConfigs)
	}
	// Audiences on one and on several workspaces.
	multi := 0
	for _, a := range c.do("GET", "/v1/audiences?accountId=1", nil).bareList(t) {
		if len(a["workspaces"].([]any)) > 1 {
			multi++
		}
	}
	if multi == 0 {
		t.Errorf("no multi-workspace audience")
	}
	// Calculated attributes, one per state.
	get := func(id int64, sub string) map[string]any {
		var m map[string]any
		r := c.do("GET", fmt.Sprintf("/platform/v2/workspaces/%d/calculatedattributes/%d%s", SeedWorkspaceID, id, sub), nil).want(t, 200)
		if err := json.Unmarshal(r.body, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	for id, want := range map[int64][2]bool{ // active, draft
		SeedCAActiveWithDraft: {true, true},
		SeedCADraftOnly:       {false, true},
		SeedCAActive:          {true, false},
		SeedCACalculating:     {true, false},
		SeedCADiscarded:       {false, false},
	} {
		m := get(id, "")
		if (m["active_definition"] != nil) != want[0] || (m["draft_definition"] != nil) != want[1] {
			t.Errorf("CA %d: active %v draft %v, want %v", id, m["active_definition"] != nil, m["draft_definition"] != nil, want)
		}
	}
	if calc := get(SeedCACalculating, "/calculation"); calc["is_calculated"] != false {
		t.Errorf("CA %d should be calculating: %v", SeedCACalculating, calc)
	}
	if calc := get(SeedCAActive, "/calculation"); calc["is_calculated"] != true {
		t.Errorf("CA %d should be calculated: %v", SeedCAActive, calc)
	}
	// The exported ids point at what they say.
	if a := sbFirst(t, c.do("GET", fmt.Sprintf("/v1/apps/%d?accountId=1", SeedAppID), nil).items(t)); a["name"] != SeedAppName {
		t.Errorf("SeedAppID: %v", a["name"])
	}
	c.do("DELETE", fmt.Sprintf("/v1/apps/%d?accountId=1", SeedEmptyAppID), nil).want(t, 202)
	c.do("GET", fmt.Sprintf("/v1/apps/%d?accountId=2", SeedOtherAppID), nil).want(t, 200)
	c.do("GET", fmt.Sprintf("/v1/partnerfeeds/%d?accountId=1", SeedFeedID), nil).want(t, 200)
	c.do("GET", fmt.Sprintf("/v1/users/%s?accountId=1", EncodeUserID(SeedUserEmail)), nil).want(t, 200)
	c.do("GET", fmt.Sprintf("/platform/v2/workspaces/%d/calculatedattributes", SeedOtherWSID), nil).want(t, 200)
	c.do("DELETE", fmt.Sprintf("/v1/audiences/%d?accountId=1", SeedAudienceID), nil).want(t, 202)
	c.do("DELETE", fmt.Sprintf("/v1/audiences/%d?accountId=1", SeedMultiAudience), nil).want(t, 202)
	if o := sbFirst(t, c.do("GET", "/v1/workspace/4302/indicative/serviceconfigurations?accountId=1", nil).items(t)); o["id"] != float64(24016) {
		t.Errorf("output configurations: %v", o)
	}
	_ = SeedOutputConfigID
}

// --seed empty: no accounts (the catalogue stays: it is the platform's).
func TestEmptySeed(t *testing.T) {
	srv := startSB(t, Options{Seed: "empty"})
	c := sbAdmin(t, srv)
	if len(srv.Accounts()) != 0 {
		t.Fatalf("accounts: %v", srv.Accounts())
	}
	c.do("GET", "/v1/apps?accountId=1", nil).want(t, 404)
	r := c.do("POST", "/v1/accounts", `{"name":"First"}`).want(t, 201)
	if id := sbFirst(t, r.items(t))["id"]; id != float64(1) {
		t.Errorf("first account id %v", id)
	}
	if n := len(c.do("GET", "/v1/services?accountId=1", nil).items(t)); n < 10 {
		t.Errorf("catalogue: %d", n)
	}
	if n := len(c.do("GET", "/v1/apps?accountId=1", nil).items(t)); n != 0 {
		t.Errorf("apps: %d", n)
	}
}

// --seed large:N: N of each list kind, the same every time.
func TestLargeSeed(t *testing.T) {
	const n = 60
	srv := startSB(t, Options{Seed: fmt.Sprintf("large:%d", n)})
	c := sbAdmin(t, srv)
	for _, path := range []string{
		"/v1/accounts?accountId=1", "/v1/apps?accountId=1", "/v1/apps/1/datapoints?accountId=1",
		"/v1/apps/1/GoogleAnalyticsEventForwarder/datapoints?accountId=1", "/v1/workspace?accountId=1",
		"/v1/workspace/1/partnerfeeds?accountId=1", "/v1/workspace/1/indicative/serviceconfigurations?accountId=1",
		"/v1/partnerfeeds/1/subscriptions?accountId=1", "/v1/users?accountId=1", "/v1/services?accountId=1",
	} {
		if got := len(c.do("GET", path, nil).want(t, 200).items(t)); got != n {
			t.Errorf("%s: %d items, want %d", path, got, n)
		}
	}
	for _, path := range []string{"/v1/audiences?accountId=1", "/v1/workspace/1/audiences?accountId=1", "/platform/v2/workspaces/1/calculatedattributes"} {
		if got := len(c.do("GET", path, nil).want(t, 200).bareList(t)); got != n {
			t.Errorf("%s: %d items, want %d", path, got, n)
		}
	}
	c.do("GET", fmt.Sprintf("/v1/apps/%d?accountId=2", n+1), nil).want(t, 200)
	c.do("POST", "/v1/apps?accountId=1", `{"name":"One more","platforms":[{"os":"iOS"}]}`).want(t, 201)

	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	enc := func() []record {
		st, err := buildSeed(seedSpec{kind: "large", n: n}, now)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := encodeAll(st)
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	a, b := enc(), enc()
	if len(a) != len(b) {
		t.Fatalf("%d vs %d records", len(a), len(b))
	}
	for i := range a {
		if a[i].key != b[i].key || !bytes.Equal(a[i].value, b[i].value) {
			t.Fatalf("large seed differs at %s", a[i].key)
		}
	}
	// Small N keeps the first N services of the catalogue.
	small := startSB(t, Options{Seed: "large:3"})
	if got := sbNames(sbAdmin(t, small).do("GET", "/v1/services?accountId=1", nil).items(t), "name"); len(got) != 3 || got[0] != "GoogleAnalyticsEventForwarder" {
		t.Errorf("large:3 services: %v", got)
	}
}

// BenchmarkStartLarge measures New with --seed large:100000 (memory only).
func BenchmarkStartLarge(b *testing.B) {
	for b.Loop() {
		srv, err := New(Options{Seed: "large:100000"})
		if err != nil {
			b.Fatal(err)
		}
		srv.Close()
	}
}
