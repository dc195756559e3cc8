package errview_test

// The error pane over errors the real client produces against the real
// sandbox (and a port where nothing listens), over real HTTP.

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/views/errview"
	"github.com/mpconsole/mpconsole/views/viewtest"
)

var fastRetry = api.RetryPolicy{MaxAttempts: 3, BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond, MaxElapsed: 10 * time.Second}

func TestPaneRendersRealFailures(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srv, err := sandbox.Start(ctx, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	cfg := api.Config{
		ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret, AccountID: 1,
		V1BaseURL: srv.V1URL(), V2BaseURL: srv.V2URL(), TokenURL: srv.TokenURL(),
		NoCache: true, Retry: fastRetry,
	}
	client := func(t *testing.T, mod func(*api.Config)) *api.Client {
		c := cfg
		if mod != nil {
			mod(&c)
		}
		cl, err := api.New(c)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(cl.Close)
		return cl
	}
	apps, ok := api.Lookup("apps")
	if !ok {
		t.Fatal("no apps kind")
	}
	good := client(t, nil)
	list, err := good.List(ctx, apps, api.Ref{})
	if err != nil || len(list) == 0 {
		t.Fatalf("seeded apps: %v, %v", list, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()

	create := func(name string) error {
		_, err := good.Create(ctx, apps, api.Ref{}, []byte(`{"name":"`+name+`","platforms":[{"os":"iOS"}]}`))
		return err
	}
	tests := []struct {
		name string
		call func(t *testing.T) error
		want []string
		not  []string
	}{
		// Three things can happen; the first sentence says which.
		// 1. The server answered with a status.
		{"a create answered 503 to the end", func(t *testing.T) error {
			srv.InjectNext(sandbox.Fault503, fastRetry.MaxAttempts)
			return create("err-503")
		}, []string{"503 Service Unavailable  POST /v1/apps", "The server answered 503 Service Unavailable.",
			"declined the request before doing any work, so nothing was changed", "Gave up after 3 attempts"},
			[]string{"may or may not", "connection failed"}},
		{"a create answered 504", func(t *testing.T) error {
			srv.InjectNext(sandbox.Fault504, 1)
			return create("err-504")
		}, []string{"The server answered 504 Gateway Timeout.",
			"may or may not have been applied: the server answered 504 Gateway Timeout", "Refresh and check"},
			[]string{"connection failed"}},
		{"a list answered 500", func(t *testing.T) error {
			srv.InjectNext(sandbox.Fault500, 1)
			_, err := good.List(ctx, apps, api.Ref{})
			return err
		}, []string{"500 Internal Server Error", "The server answered 500 Internal Server Error. The server failed"}, []string{"may or may not"}},
		// 2. The connection failed before an answer.
		// An answer that came too slowly.
		{"a list still arriving when the budget ran out", func(t *testing.T) error {
			slow, err := sandbox.Start(ctx, sandbox.Options{Seed: "large:1000", Trickle: 50 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer slow.Close()
			_, err = client(t, func(c *api.Config) {
				c.V1BaseURL, c.V2BaseURL, c.TokenURL = slow.V1URL(), slow.V2URL(), slow.TokenURL()
				c.Retry.MaxElapsed = 500 * time.Millisecond
			}).List(ctx, apps, api.Ref{})
			return err
		}, []string{"Timed out", "was still arriving when the request's time budget ran out", "needs a longer",
			"the answer was still arriving when the time budget of 500ms ran out"}, []string{"No answer came"}},
		{"a create whose connection drops", func(t *testing.T) error {
			srv.InjectNext(sandbox.FaultReset, 1)
			return create("err-reset")
		}, []string{"Connection dropped", "before the answer arrived",
			"may or may not have been applied: the connection failed after the request was sent"},
			[]string{"The server answered"}},
		// 3. An answer came, but not the API's.
		{"a 200 with broken JSON", func(t *testing.T) error {
			srv.InjectNext(sandbox.FaultGarbage, 1)
			_, err := good.List(ctx, apps, api.Ref{})
			return err
		}, []string{"An answer came back (200 OK), but it was not the API's.", "Check the base URL"}, []string{"The server answered"}},
		{"422 from an empty name", func(t *testing.T) error {
			_, err := good.Update(ctx, apps, api.Ref{}, list[0].ID, []byte(`{"name":""}`))
			return err
		}, []string{"422 Unprocessable Entity", "PUT /v1/apps/" + list[0].ID, "VALIDATION_ERROR: App name must be specified."}, nil},
		{"404", func(t *testing.T) error {
			_, err := good.Get(ctx, apps, api.Ref{}, "987654")
			return err
		}, []string{"404 Not Found", "/v1/apps/987654", "deleted"}, nil},
		{"504 after retries", func(t *testing.T) error {
			srv.InjectNext(sandbox.Fault504, fastRetry.MaxAttempts)
			_, err := good.List(ctx, apps, api.Ref{})
			return err
		}, []string{"504 Gateway Timeout", "GET /v1/apps", "Gave up after 3 attempts"}, nil},
		{"an HTML page from a proxy", func(t *testing.T) error {
			srv.InjectNext(sandbox.FaultHTML, fastRetry.MaxAttempts)
			_, err := good.List(ctx, apps, api.Ref{})
			return err
		}, []string{"502 Bad Gateway", "An answer came back (502 Bad Gateway), but it was not the API's.", "proxy", "Check the base URL"},
			[]string{"The server answered"}},
		{"unreachable API", func(t *testing.T) error {
			_, err := client(t, func(c *api.Config) { c.V1BaseURL = closed + "/v1" }).List(ctx, apps, api.Ref{})
			return err
		}, []string{"Connection refused", "Nothing is listening at " + strings.TrimPrefix(closed, "http://"), "Check the base URL"}, nil},
		{"bad credentials", func(t *testing.T) error {
			_, err := client(t, func(c *api.Config) { c.ClientSecret = "wrong-secret" }).List(ctx, apps, api.Ref{})
			return err
		}, []string{"Credentials refused", "token endpoint", "client_id and client secret"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(t)
			if err == nil {
				t.Fatal("no error")
			}
			p := errview.NewPane(viewtest.Common())
			p.SetSize(100, 12)
			p.Set(err)
			v := ansi.Strip(p.View())
			for _, w := range tt.want {
				if !strings.Contains(v, w) {
					t.Errorf("pane lacks %q:\n%s", w, v)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(v, n) {
					t.Errorf("pane has %q:\n%s", n, v)
				}
			}
			if strings.Contains(v, sandbox.DefaultClientSecret) || strings.Contains(v, "wrong-secret") {
				t.Fatalf("a secret reached the pane:\n%s", v)
			}
		})
	}
}
