package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mpconsole/mpconsole/internal/testutil"
)

func TestParseFaults(t *testing.T) {
	tests := []struct {
		spec    string
		want    []faultShare
		wantErr string
	}{
		{"", nil, ""},
		{"504=0.3,429=0.1,reset=0.05", []faultShare{{"504", 0.3}, {"429", 0.1}, {"reset", 0.05}}, ""},
		{" HTML = 25% , garbage=0.25 ", []faultShare{{"html", 0.25}, {"garbage", 0.25}}, ""},
		{"500=1", []faultShare{{"500", 1}}, ""},
		{"418=0.1", nil, `unknown kind "418"`},
		{"504", nil, "want KIND=SHARE"},
		{"504=", nil, "want KIND=SHARE"},
		{"504=abc", nil, "the share must be a number"},
		{"504=-0.1", nil, "the share must be a number"},
		{"504=1.5", nil, "the share must be a number"},
		{"504=NaN", nil, "the share must be a number"},
		{"504=0.6,500=0.6", nil, "must not exceed 1"},
		{"504=0.1,504=0.2", nil, "given twice"},
	}
	for _, tc := range tests {
		got, err := parseFaults(tc.spec)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("parseFaults(%q) error %v, want %q", tc.spec, err, tc.wantErr)
			}
			continue
		}
		if err != nil || len(got) != len(tc.want) {
			t.Errorf("parseFaults(%q) = %v, %v", tc.spec, got, err)
			continue
		}
		for i := range got {
			if got[i].kind != tc.want[i].kind || got[i].share-tc.want[i].share > 1e-9 || tc.want[i].share-got[i].share > 1e-9 {
				t.Errorf("parseFaults(%q)[%d] = %v, want %v", tc.spec, i, got[i], tc.want[i])
			}
		}
	}
	if _, err := New(Options{Faults: "nope=1"}); err == nil {
		t.Errorf("New accepted a bad fault spec")
	}
}

func TestInjectedFaults(t *testing.T) {
	log := &testutil.SyncBuffer{}
	srv := startSB(t, Options{Log: log})
	c := sbAdmin(t, srv)
	tests := []struct {
		kind   string
		status int
		check  func(t *testing.T, r sbResp)
	}{
		{Fault500, 500, nil},
		{Fault502, 502, nil},
		{Fault503, 503, nil},
		{Fault504, 504, nil},
		{Fault429, 429, func(t *testing.T, r sbResp) {
			if r.header.Get("Retry-After") != "1" || r.code() != codeRateLimited {
				t.Errorf("429: Retry-After %q, code %q", r.header.Get("Retry-After"), r.code())
			}
		}},
		{FaultHTML, 502, func(t *testing.T, r sbResp) {
			if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), "<html>") {
				t.Errorf("html fault: %s %.80s", r.header.Get("Content-Type"), r.body)
			}
		}},
		{FaultGarbage, 200, func(t *testing.T, r sbResp) {
			if json.Valid(r.body) || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
				t.Errorf("garbage fault sent valid JSON: %s", r.body)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.kind, func(t *testing.T) {
			srv.InjectNext(tc.kind, 1)
			r := c.do("GET", "/v1/apps?accountId=1", nil)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d", r.status, tc.status)
			}
			if tc.status >= 500 && tc.kind != FaultHTML && (r.message() == "" || !strings.Contains(r.message(), "injected")) {
				t.Errorf("fault body: %s", r.body)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
			c.do("GET", "/v1/apps?accountId=1", nil).want(t, 200) // only the next one
		})
	}
	t.Run("reset", func(t *testing.T) {
		srv.InjectNext(FaultReset, 1)
		req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.V1URL()+"/apps?accountId=1", nil)
		req.Header.Set("Authorization", "Bearer "+c.token)
		res, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
		if err == nil {
			res.Body.Close()
			t.Fatalf("a reset answered %d", res.StatusCode)
		}
		c.do("GET", "/v1/apps?accountId=1", nil).want(t, 200)
	})
	t.Run("v2 faults use the v2 error body", func(t *testing.T) {
		srv.InjectNext(Fault503, 1)
		r := c.do("GET", "/platform/v2/workspaces/4302/calculatedattributes", nil).want(t, 503)
		if strings.Contains(string(r.body), `"data"`) || r.message() == "" {
			t.Errorf("v2 fault body: %s", r.body)
		}
	})
	t.Run("token requests are never faulted", func(t *testing.T) {
		srv.InjectNext(Fault500, 1)
		sbAdmin(t, srv)
		c.do("GET", "/v1/apps?accountId=1", nil).want(t, 500)
	})
	t.Run("an unknown kind is logged and ignored", func(t *testing.T) {
		srv.InjectNext("teapot", 3)
		c.do("GET", "/v1/apps?accountId=1", nil).want(t, 200)
		if !strings.Contains(log.String(), `unknown fault kind "teapot"`) {
			t.Errorf("not logged")
		}
	})
	if !strings.Contains(log.String(), "GET /v1/apps?accountId=1 429") || !strings.Contains(log.String(), "fault=429") {
		t.Errorf("faults are not in the log")
	}
}

// 504 and reset lose the answer of a request that was carried out; the
// other faults stop it before it reaches the backend. Clients must not
// repeat a POST after a 504 — the duplicate would be real.
func TestFaultsAndWrites(t *testing.T) {
	srv := startSB(t, Options{})
	c := sbAdmin(t, srv)
	post := func(name string) sbResp {
		return c.do("POST", "/v1/apps?accountId=1", `{"name":"`+name+`","platforms":[{"os":"iOS"}]}`)
	}
	srv.InjectNext(Fault504, 1)
	post("after 504").want(t, 504)
	srv.InjectNext(Fault503, 1)
	post("after 503").want(t, 503)
	srv.InjectNext(Fault429, 1)
	post("after 429").want(t, 429)
	srv.InjectNext(FaultReset, 1)
	req, _ := http.NewRequestWithContext(t.Context(), "POST", srv.V1URL()+"/apps?accountId=1",
		strings.NewReader(`{"name":"after reset","platforms":[{"os":"iOS"}]}`))
	req.Header.Set("Authorization", "Bearer "+c.token)
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("reset answered %d", res.StatusCode)
	}
	apps := sbNames(c.do("GET", "/v1/apps?accountId=1", nil).items(t), "name")
	for name, want := range map[string]bool{"after 504": true, "after reset": true, "after 503": false, "after 429": false} {
		if sbContains(apps, name) != want {
			t.Errorf("app %q present = %v, want %v", name, !want, want)
		}
	}
	if post("after 504").status != 422 {
		t.Errorf("repeating the POST after a 504 must find the app already there")
	}
}

// A fault mix with a seed gives the same sequence every time, at about the
// configured share.
func TestFaultMixIsDeterministic(t *testing.T) {
	run := func() []int {
		srv := startSB(t, Options{Faults: "500=0.3,429=0.2", FaultSeed: 42})
		c := sbAdmin(t, srv)
		var got []int
		for range 200 {
			got = append(got, c.do("GET", "/v1/accounts?accountId=1", nil).status)
		}
		return got
	}
	a, b := run(), run()
	counts := map[int]int{}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("request %d: %d vs %d with the same seed", i, a[i], b[i])
		}
		counts[a[i]]++
	}
	if counts[500] < 35 || counts[500] > 85 || counts[429] < 20 || counts[429] > 65 || counts[200] < 70 {
		t.Errorf("shares far from 0.3/0.2/0.5: %v", counts)
	}
	srv := startSB(t, Options{Faults: "500=1"})
	c := sbAdmin(t, srv)
	c.do("GET", "/v1/accounts?accountId=1", nil).want(t, 500)
	if err := srv.SetFaults("500=2"); err == nil {
		t.Errorf("SetFaults accepted a share of 2")
	}
	c.do("GET", "/v1/accounts?accountId=1", nil).want(t, 500) // unchanged by the bad spec
	if err := srv.SetFaults(""); err != nil {
		t.Fatal(err)
	}
	c.do("GET", "/v1/accounts?accountId=1", nil).want(t, 200)
}

func TestLatency(t *testing.T) {
	srv := startSB(t, Options{Latency: 30 * time.Millisecond})
	c := sbAdmin(t, srv)
	start := time.Now()
	c.do("GET", "/v1/accounts?accountId=1", nil).want(t, 200)
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("answered in %s with 30ms latency", d)
	}
	// A caller that gives up is not kept waiting; Close does not wait for sleepers.
	srv.SetLatency(time.Hour)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.V1URL()+"/accounts?accountId=1", nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	if _, err := http.DefaultClient.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow answer: %v", err)
	}
	done := make(chan struct{})
	go func() {
		req, _ := http.NewRequest("GET", srv.V1URL()+"/accounts?accountId=1", nil)
		req.Header.Set("Authorization", "Bearer "+c.token)
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
		}
		close(done)
	}()
	testutil.Eventually(t, 20*time.Second, func() bool { return srv.APIRequests() >= 3 },
		"the third request never reached the sandbox")
	srv.Close()
	select {
	case <-done:
	case <-time.After(20 * time.Second): // a deadlock detector
		t.Fatal("Close left a request waiting out its latency")
	}
	if _, err := New(Options{Latency: -time.Second}); err == nil {
		t.Errorf("negative latency accepted")
	}
}
