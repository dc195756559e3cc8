package errview

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/viewtest"
)

// refusedErr is a real connection-refused error from a real dial.
func refusedErr(t *testing.T) error {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = http.Get("http://" + addr + "/v1/apps?accountId=1")
	if err == nil {
		t.Fatal("a closed port answered")
	}
	return err
}

// timeoutErr is a real client timeout against a server that never answers.
func timeoutErr(t *testing.T) error {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+ln.Addr().String()+"/v1/apps", nil)
	_, err = http.DefaultClient.Do(req)
	if err == nil {
		t.Fatal("no timeout")
	}
	return err
}

func has(t *testing.T, lines []string, want ...string) {
	t.Helper()
	all := strings.Join(lines, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("report lacks %q:\n%s", w, all)
		}
	}
}

func TestDescribe(t *testing.T) {
	refused := refusedErr(t)
	timeout := timeoutErr(t)
	tests := []struct {
		name string
		err  error
		want []string
		not  []string
	}{
		{"422 with items", &api.Error{Status: 422, Method: "PUT", Path: "/v1/apps/1?accountId=1", Kind: api.ErrValidation, Attempts: 1,
			Items: []api.ErrorItem{{Code: "VALIDATION_ERROR", Message: "App name must be specified."}}},
			[]string{"422 Unprocessable Entity — PUT /v1/apps/1?accountId=1", "VALIDATION_ERROR: App name must be specified."},
			[]string{"attempt", "HTML"}},
		{"several items in order", &api.Error{Status: 422, Method: "POST", Path: "/v1/apps", Kind: api.ErrValidation,
			Items: []api.ErrorItem{{Code: "VALIDATION_ERROR", Message: "first"}, {Message: "second, no code"}}},
			[]string{"VALIDATION_ERROR: first\nsecond, no code"}, nil},
		{"404", &api.Error{Status: 404, Method: "GET", Path: "/v1/apps/9", Kind: api.ErrNotFound, Attempts: 1},
			[]string{"404 Not Found", "deleted", "outside this account"}, nil},
		{"403 on a write", &api.Error{Status: 403, Method: "DELETE", Path: "/v1/apps/9", Kind: api.ErrForbidden},
			[]string{"403 Forbidden", "This credential may not write"}, nil},
		{"403 on a read", &api.Error{Status: 403, Method: "GET", Path: "/v1/apps", Kind: api.ErrForbidden},
			[]string{"may not read"}, []string{"may not write"}},
		{"401 from the API", &api.Error{Status: 401, Method: "GET", Path: "/v1/apps", Kind: api.ErrUnauthorized},
			[]string{"401 Unauthorized", "refused the access token", "account id"}, nil},
		{"504 retried", &api.Error{Status: 504, Method: "GET", Path: "/v1/apps", Kind: api.ErrServer, Attempts: 4},
			[]string{"504 Gateway Timeout", "usually transient", "Gave up after 4 attempts."}, []string{"Bad Gateway"}},
		{"429 with Retry-After", &api.Error{Status: 429, Method: "GET", Path: "/v1/apps", Kind: api.ErrRateLimited, Attempts: 3, RetryAfter: 2 * time.Second},
			[]string{"429 Too Many Requests", "rate limiting", "Gave up after 3 attempts.", "wait 2s"}, nil},
		{"500 once", &api.Error{Status: 500, Method: "POST", Path: "/v1/apps", Kind: api.ErrServer, Attempts: 1},
			[]string{"500 Internal Server Error", "Sent once"}, nil},
		{"HTML page", &api.Error{Status: 502, Method: "GET", Path: "/v1/apps", Kind: api.ErrServer, Attempts: 1,
			Excerpt: "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"},
			[]string{"502 Bad Gateway", "HTML page", "Check the base URL", "Answer: “<html><head><title>502"}, nil},
		{"empty body", &api.Error{Status: 503, Method: "GET", Path: "/v1/apps", Kind: api.ErrServer},
			[]string{"503 Service Unavailable", "empty body"}, nil},
		{"malformed 200", &api.Error{Status: 200, Method: "GET", Path: "/v1/apps", Kind: api.ErrBadResponse, Excerpt: `{"data":[{"id":`},
			[]string{"200 OK", "could not be read as the API's JSON", "not the API's JSON", "Check the base URL"}, nil},
		{"list broken off midway", &api.Error{Status: 200, Method: "GET", Path: "/v1/apps", Kind: api.ErrBadResponse, Attempts: 1,
			Excerpt: `{"id":2206,"name":"App`, Err: &api.MalformedError{At: 13475030, Entities: 2206}},
			[]string{"200 OK", "malformed at byte 13 475 030", "The 2 206 entities before that point were read", "incomplete", "Refresh"},
			[]string{"not the API's", "page or text", "Check the base URL"}},
		{"malformed from the start", &api.Error{Status: 200, Method: "GET", Path: "/v1/apps", Kind: api.ErrBadResponse,
			Excerpt: "Service moved", Err: &api.MalformedError{At: 0}},
			[]string{"not the API's JSON but a page or text", "Check the base URL"}, []string{"incomplete"}},
		{"connection dropped midway", &api.Error{Status: 200, Method: "GET", Path: "/v1/apps", Kind: api.ErrNetwork, Attempts: 1,
			Err: fmt.Errorf("read tcp: %w", errors.New("connection reset by peer"))},
			[]string{"Connection dropped", "while the answer (200 OK) was arriving", "the rest is missing"}, []string{"before the answer arrived"}},
		{"text body", &api.Error{Status: 502, Method: "GET", Path: "/v1/apps", Kind: api.ErrServer, Excerpt: "502 Bad Gateway: nginx"},
			[]string{"not the API's JSON but a page or text", "proxy", "Check the base URL", "Answer: “502 Bad Gateway: nginx”"}, nil},
		{"connection refused", &api.Error{Method: "GET", Path: "/v1/apps", Kind: api.ErrNetwork, Err: refused, Attempts: 4},
			[]string{"Connection refused", "Nothing is listening at 127.0.0.1:", "Check the base URL", "Gave up after 4 attempts", "Cause:"}, nil},
		{"timeout", &api.Error{Method: "GET", Path: "/v1/apps", Kind: api.ErrNetwork, Err: timeout, Attempts: 1},
			[]string{"Timed out", "in time", "Check the network and the base URL"}, nil},
		{"reset", &api.Error{Method: "GET", Path: "/v1/apps", Kind: api.ErrNetwork, Err: fmt.Errorf("read tcp: %w", errors.New("connection reset by peer")), Attempts: 2},
			[]string{"Connection dropped", "dropped before the answer arrived"}, nil},
		{"maybe applied", &api.Error{Method: "POST", Path: "/v1/apps", Kind: api.ErrNetwork, Err: errors.New("unexpected EOF"), MaybeApplied: true},
			[]string{"may or may not have been applied", "Refresh and check"}, nil},
		{"DNS", &api.Error{Method: "GET", Path: "/v1/apps", Kind: api.ErrNetwork, Err: &net.DNSError{Err: "no such host", Name: "api.example.invalid", IsNotFound: true}},
			[]string{"Host not found", "api.example.invalid could not be resolved"}, nil},
		{"bad credentials at the token endpoint", &api.Error{Status: 401, Method: "POST", Path: "/oauth/token", Kind: api.ErrUnauthorized, TokenEndpoint: true,
			Items: []api.ErrorItem{{Code: "access_denied", Message: "Unauthorized"}}},
			[]string{"Credentials refused (401 Unauthorized)", "POST /oauth/token (token endpoint)", "client_id and client secret", "access_denied: Unauthorized"}, nil},
		{"token endpoint unreachable", &api.Error{Method: "POST", Path: "/oauth/token", Kind: api.ErrNetwork, TokenEndpoint: true, Err: refused},
			[]string{"Connection refused", "token_url"}, nil},
		{"token URL pointing at a web page", &api.Error{Status: 404, Method: "POST", Path: "/token", Kind: api.ErrNotFound, TokenEndpoint: true, Excerpt: "<!DOCTYPE html><p>Not here"},
			[]string{"404 Not Found instead of a token", "token_url", "HTML page"}, nil},
		{"wrapped", fmt.Errorf("loading apps: %w", &api.Error{Status: 404, Method: "GET", Path: "/v1/apps", Kind: api.ErrNotFound}),
			[]string{"404 Not Found — GET /v1/apps"}, nil},
		{"plain error", errors.New("profile prod: no secret"), []string{"Error", "profile prod: no secret"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := Describe(tt.err).Lines()
			has(t, lines, tt.want...)
			all := strings.Join(lines, "\n")
			for _, n := range tt.not {
				if strings.Contains(all, n) {
					t.Errorf("report should not say %q:\n%s", n, all)
				}
			}
		})
	}
	if r := Describe(nil); r.Title != "" || len(r.Lines()) != 1 {
		t.Errorf("nil error: %+v", r)
	}
}

// A plain error of several lines (a bulk write's failures, one a line) is
// explained line by line; the log's summary is its first line.
func TestPlainErrorLinesStayLines(t *testing.T) {
	r := Describe(errors.New("deleted 1 of 3 apps; 2 failed\napp 7: 422: in use\napp 8: 404: not found"))
	want := []string{"deleted 1 of 3 apps; 2 failed", "app 7: 422: in use", "app 8: 404: not found"}
	if !reflect.DeepEqual(r.Explain, want) {
		t.Fatalf("explained as %q", r.Explain)
	}
	if got := r.Summary(); got != want[0] {
		t.Fatalf("summary %q", got)
	}
}

// Text from the server cannot drive the terminal.
func TestReportSanitisesServerText(t *testing.T) {
	err := &api.Error{Status: 422, Method: "POST", Path: "/v1/apps", Kind: api.ErrValidation,
		Items: []api.ErrorItem{{Code: "X\x1b[2J", Message: "bad\x1b]52;c;aGk=\x07 name"}}, Excerpt: "\x1b[31mred"}
	p := NewPane(viewtest.Common())
	p.SetSize(80, 10)
	p.Set(err)
	for _, out := range []string{p.View(), strings.Join(Describe(err).Lines(), "\n")} {
		if strings.Contains(out, "\x1b[2J") || strings.Contains(out, "\x1b]52") || strings.Contains(out, "\x07") || strings.Contains(out, "\x1b[31m") {
			t.Fatalf("escape sequence from the server reached the screen: %q", out)
		}
	}
}

func TestPane(t *testing.T) {
	c := viewtest.Common()
	p := NewPane(c)
	p.SetSize(80, 8)
	if p.Active() || p.Height() != 0 || p.View() != "" {
		t.Fatal("an empty pane takes room")
	}
	err := &api.Error{Status: 422, Method: "PUT", Path: "/v1/apps/1", Kind: api.ErrValidation,
		Items: []api.ErrorItem{{Code: "VALIDATION_ERROR", Message: "App name must be specified."}}}
	p.Set(err)
	v := p.View()
	lines := strings.Split(v, "\n")
	if p.Height() != len(lines) || p.Height() != 4 {
		t.Fatalf("height %d, %d lines:\n%s", p.Height(), len(lines), ansi.Strip(v))
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w != 80 {
			t.Fatalf("line of %d cells: %q", w, ansi.Strip(l))
		}
	}
	plain := ansi.Strip(v)
	for _, want := range []string{"✗ 422 Unprocessable Entity", "PUT /v1/apps/1", "VALIDATION_ERROR: App name must be specified.", "esc dismiss", "! log"} {
		if !strings.Contains(plain, want) {
			t.Errorf("pane lacks %q:\n%s", want, plain)
		}
	}
	if !strings.Contains(v, c.Styles.ErrorPane.Code.Render("VALIDATION_ERROR")) {
		t.Error("code not styled")
	}
	if p.Err() != err {
		t.Fatal("Err")
	}

	// Too much to show: clipped, with a pointer to the log.
	many := &api.Error{Status: 422, Method: "POST", Path: "/v1/x", Kind: api.ErrValidation}
	for i := range 20 {
		many.Items = append(many.Items, api.ErrorItem{Code: "VALIDATION_ERROR", Message: fmt.Sprintf("problem %d", i)})
	}
	p.Set(many)
	if p.Height() != 8 || !strings.Contains(ansi.Strip(p.View()), "more lines: ! opens the error log") {
		t.Fatalf("clipping (%d):\n%s", p.Height(), ansi.Strip(p.View()))
	}
	// The pane names only the keys that act where the focus is.
	for _, tc := range []struct {
		dismiss, log bool
		want, not    []string
	}{
		{true, true, []string{"esc dismiss · ! log"}, nil},
		{true, false, []string{"esc dismiss", "more lines in the error log"}, []string{"!"}},
		{false, true, []string{"! log"}, []string{"esc"}},
		{false, false, []string{"more lines in the error log"}, []string{"esc", "!"}},
	} {
		p.Offer(tc.dismiss, tc.log)
		s := ansi.Strip(p.View())
		for _, w := range tc.want {
			if !strings.Contains(s, w) {
				t.Errorf("dismiss %v, log %v: lacks %q:\n%s", tc.dismiss, tc.log, w, s)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(s, n) {
				t.Errorf("dismiss %v, log %v: offers %q:\n%s", tc.dismiss, tc.log, n, s)
			}
		}
	}
	p.Offer(true, true)
	// Long messages wrap inside the border.
	p.Set(&api.Error{Status: 422, Kind: api.ErrValidation, Items: []api.ErrorItem{{Message: strings.Repeat("word ", 60)}}})
	for _, l := range strings.Split(p.View(), "\n") {
		if ansi.StringWidth(l) != 80 {
			t.Fatalf("wrapped line of %d cells", ansi.StringWidth(l))
		}
	}
	// No room: hidden.
	p.SetSize(80, 2)
	if p.Height() != 0 {
		t.Fatal("pane shown without room")
	}
	p.SetSize(80, 8)
	p.Clear()
	if p.Active() || p.View() != "" {
		t.Fatal("Clear")
	}
}

func TestLog(t *testing.T) {
	c := viewtest.Common()
	l := NewLog(c)
	l.SetSize(100, 20)
	if !strings.Contains(viewtest.Plain(l.View()), "No errors so far.") {
		t.Fatal(viewtest.Plain(l.View()))
	}
	t0 := time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)
	l.Add(Entry{Time: t0, Err: &api.Error{Status: 404, Method: "GET", Path: "/v1/apps/7", Kind: api.ErrNotFound}})
	l.Add(Entry{Time: t0.Add(time.Minute), Err: &api.Error{Status: 422, Method: "POST", Path: "/v1/apps", Kind: api.ErrValidation,
		Items: []api.ErrorItem{{Code: "VALIDATION_ERROR", Message: "App name not specified."}}}})
	l.Add(Entry{Time: t0.Add(2 * time.Minute), Err: errors.New("plain failure")})
	l.Add(Entry{Time: t0, Err: nil}) // ignored
	if l.Len() != 3 {
		t.Fatalf("len %d", l.Len())
	}
	v := viewtest.Plain(l.View())
	i1, i2, i3 := strings.Index(v, "14:02:00"), strings.Index(v, "14:01:00"), strings.Index(v, "14:00:00")
	if i1 < 0 || i2 < i1 || i3 < i2 {
		t.Fatalf("not newest first:\n%s", v)
	}
	for _, want := range []string{"3 errors this session", "POST /v1/apps  VALIDATION_ERROR: App name not specified.", "GET /v1/apps/7", "plain failure"} {
		if !strings.Contains(v, want) {
			t.Errorf("log lacks %q:\n%s", want, v)
		}
	}
	// Opening the log selects the newest; moving down selects the 422 and
	// shows its full report below the list.
	l.Top()
	l.Update(viewtest.Key(c.Keys.Nav.Down))
	if l.Cursor() != 1 {
		t.Fatalf("cursor %d", l.Cursor())
	}
	v = viewtest.Plain(l.View())
	detail := v[strings.Index(v, "─"):]
	if !strings.Contains(detail, "✗ 422 Unprocessable Entity") || !strings.Contains(detail, "App name not specified.") {
		t.Fatalf("detail:\n%s", detail)
	}
	// A new error keeps the selection on the same entry.
	l.Add(Entry{Time: t0.Add(3 * time.Minute), Err: errors.New("newer")})
	if l.Cursor() != 2 || !strings.Contains(l.Text(l.Cursor()), "App name not specified.") {
		t.Fatalf("selection moved: %d", l.Cursor())
	}
	// Copy sends the selected error as text.
	_, cmd := l.Update(viewtest.Key(c.Keys.ErrorLog.Copy))
	msgs := viewtest.Run(cmd)
	var notice bool
	for _, m := range msgs {
		if _, ok := m.(views.NoticeMsg); ok {
			notice = true
		}
	}
	if len(msgs) != 2 || !notice {
		t.Fatalf("copy: %#v", msgs)
	}
	if txt := l.Text(2); !strings.HasPrefix(txt, "2026-11-28T14:01:00Z\n422 Unprocessable Entity — POST /v1/apps") {
		t.Fatalf("text: %q", txt)
	}
	// Bottom and top.
	l.Update(viewtest.Key(c.Keys.Nav.Bottom))
	if l.Cursor() != 3 {
		t.Fatal("bottom")
	}
	l.Top()
	if l.Cursor() != 0 {
		t.Fatal("top")
	}
	for _, line := range strings.Split(l.View().Content, "\n") {
		if w := ansi.StringWidth(line); w > 100 {
			t.Fatalf("line of %d cells: %q", w, ansi.Strip(line))
		}
	}
	if n := len(strings.Split(l.View().Content, "\n")); n > 20 {
		t.Fatalf("%d lines in a log of height 20", n)
	}
}

func TestLogKeepsAtMostItsCapacity(t *testing.T) {
	l := NewLog(viewtest.Common())
	l.SetSize(80, 20)
	for i := range DefaultCapacity + 10 {
		l.Add(Entry{Time: time.Unix(int64(i), 0), Err: fmt.Errorf("e%d", i)})
	}
	if l.Len() != DefaultCapacity {
		t.Fatalf("len %d", l.Len())
	}
	if got := l.Entries()[0].Err.Error(); got != fmt.Sprintf("e%d", DefaultCapacity+9) {
		t.Fatalf("newest %s", got)
	}
}

func TestLogIsAComponentWithHelp(t *testing.T) {
	l := NewLog(viewtest.Common())
	if l.Consumes(viewtest.Press("esc")) {
		t.Fatal("the log has no prompt")
	}
	var descs []string
	for _, col := range l.FullHelp() {
		for _, b := range col {
			descs = append(descs, b.Help().Desc)
		}
	}
	if all := strings.Join(descs, ","); !strings.Contains(all, "copy error text") || strings.Contains(all, "scroll left") {
		t.Fatalf("help: %s", all)
	}
	if _, cmd := l.Update(tea.WindowSizeMsg{}); cmd != nil {
		t.Fatal("non-key message produced a command")
	}
}
