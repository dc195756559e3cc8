package sandbox

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// fuzzTarget is a sandbox served in-process (the real handler, without a
// socket, for speed) with an admin token.
type fuzzTarget struct {
	srv   *Server
	token string
	ops   []struct{ method, path string }
}

func newFuzzTarget(f *testing.F) *fuzzTarget {
	srv, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { srv.Close() })
	ft := &fuzzTarget{srv: srv}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/oauth/token", strings.NewReader(
		`{"client_id":"sandbox","client_secret":"sandbox-secret","audience":"https://api.mparticle.com","grant_type":"client_credentials"}`))
	srv.ServeHTTP(rec, req)
	var tok tokenResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.AccessToken == "" {
		f.Fatalf("token: %d", rec.Code)
	}
	ft.token = tok.AccessToken
	for _, op := range routeOps() {
		if op.method == "POST" || op.method == "PUT" {
			if !strings.HasPrefix(op.path, "/platform/") {
				op.path += "?accountId=1"
			}
			ft.ops = append(ft.ops, op)
		}
	}
	return ft
}

// serve answers one request and checks the sandbox's promises: no panic,
// no 5xx, a JSON body, errors[] on every failure.
func (ft *fuzzTarget) serve(t *testing.T, req *http.Request) {
	req.Header.Set("Authorization", "Bearer "+ft.token)
	rec := httptest.NewRecorder()
	ft.srv.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Fatalf("%s %s: %d %s", req.Method, req.URL, rec.Code, rec.Body.Bytes())
	}
	body := rec.Body.Bytes()
	if len(body) > 0 && !json.Valid(body) {
		t.Fatalf("%s %s: %d, not JSON: %.200s", req.Method, req.URL, rec.Code, body)
	}
	if rec.Code >= 400 && req.Method != "HEAD" && !strings.Contains(string(body), `"errors":[{`) {
		t.Fatalf("%s %s: %d without errors[]: %.200s", req.Method, req.URL, rec.Code, body)
	}
}

// FuzzRequestBodies sends arbitrary bodies to every POST and PUT route.
func FuzzRequestBodies(f *testing.F) {
	ft := newFuzzTarget(f)
	for i, body := range []string{
		`{"name":"Fuzz App","platforms":[{"os":"iOS","crash_handling":"ForceCatch"}]}`,
		`{"name":"x"}`,
		`{"os":"android","profile_merging":true,"push_attribution_timer":30}`,
		`{"account":"Default Account","name":"GoogleAnalyticsEventForwarder","isActive":true,"settings":[{"name":"apiKey","value":"k"},{"name":"customDimensions","value":"[{\"maptype\":\"EventAttributeClass.Name\",\"map\":\"a\",\"value\":\"b\"}]"}]}`,
		`[{"name":"my event","type":"event","event_type":"navigation","enabled":false}]`,
		`{"sendNewDataPointsByDefault":false}`,
		`{"module_name":"radar","name":"f","os":"ios","settings":[{"name":"a","value":1.5e300}],"is_debug":true}`,
		`{"service_configuration_id":"24017","is_active":true,"settings":[{"name":"x","value":null}]}`,
		`{"first_name":"A","last_name":"B","email":"a@b.co"}`,
		`{"name":"ca","draft_definition":{"recipe_type":"event","datapoint":{"type":"event","event_name":"E","event_type":"custom_event"},"calculation_type":"count","time_period":{"type":"within","within":3,"within_unit":"days"}}}`,
		`{"name":` + strings.Repeat("[", 100) + `}`,
		`null`, `[]`, `""`, `0`, `{"name":"\u0000\ud800"}`, "\xff\xfe",
	} {
		f.Add(uint8(i), []byte(body))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		op := ft.ops[int(which)%len(ft.ops)]
		req := httptest.NewRequest(op.method, op.path, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		ft.serve(t, req)
	})
}

// FuzzRequestPaths sends arbitrary methods, paths and queries.
func FuzzRequestPaths(f *testing.F) {
	ft := newFuzzTarget(f)
	for _, p := range []string{
		"/v1/apps/1/platforms/ios/services", "/v1/apps/%2e%2e/platforms", "/v1/apps/1/%F0%9F%98%80/datapoints",
		"/v1/workspace/4302/audiences", "/platform/v2/workspaces/4302/calculatedattributes/5/activation",
		"/platform/v2/workspaces/4302/calculatedattributes//", "/v1/users/test40mparticle2Ecom", "/v1//apps",
		"/v1/partnerfeeds/-1/subscriptions", "/v1/apps/99999999999999999999",
	} {
		f.Add(uint8(0), p, "accountId=1")
		f.Add(uint8(3), p, "accountId=1&name=%zz")
	}
	methods := []string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"}
	f.Fuzz(func(t *testing.T, m uint8, path, query string) {
		req := &http.Request{
			Method: methods[int(m)%len(methods)],
			URL:    &url.URL{Path: "/" + strings.TrimPrefix(path, "/"), RawQuery: query},
			Header: http.Header{}, Body: http.NoBody, Host: "sandbox.test",
		}
		req = req.WithContext(t.Context())
		ft.serve(t, req)
	})
}
