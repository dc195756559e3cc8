package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
	"github.com/mpconsole/mpconsole/internal/testutil"
)

func TestSameJSON(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"identical", `{"a":1}`, `{"a":1}`, true},
		{"key order and spacing", `{"a":1,"b":[true,null]}`, "{\n  \"b\": [ true, null ],\n  \"a\": 1\n}\n", true},
		{"number spelling", `{"n":1,"m":1.50,"e":1e3,"neg":-0.5}`, `{"n":1.0,"m":1.5,"e":1000,"neg":-5e-1}`, true},
		{"integers past float64 precision differ", `{"n":12345678901234567890}`, `{"n":12345678901234567891}`, false},
		{"integers past float64 precision, respelt", `{"n":12345678901234567890}`, `{"n":12345678901234567890.000}`, true},
		{"string escapes", `{"s":"a\u00e9\/"}`, `{"s":"aé/"}`, true},
		{"changed value", `{"a":1}`, `{"a":2}`, false},
		{"changed string", `{"name":"x"}`, `{"name":"y"}`, false},
		{"number is not a string", `{"a":1}`, `{"a":"1"}`, false},
		{"null is not absent", `{"a":1,"b":null}`, `{"a":1}`, false},
		{"extra key", `{"a":1}`, `{"a":1,"b":2}`, false},
		{"array order counts", `[1,2]`, `[2,1]`, false},
		{"array length counts", `[1,2]`, `[1,2,2]`, false},
		{"nested", `{"p":[{"os":"iOS","k":[{"key":"K"}]}]}`, `{"p":[{"k":[{"key":"K"}],"os":"iOS"}]}`, true},
		{"nested change", `{"p":[{"os":"iOS"}]}`, `{"p":[{"os":"tvOS"}]}`, false},
		{"a duplicate key: the last wins", `{"a":1,"a":2}`, `{"a":2}`, true},
		{"object is not array", `{}`, `[]`, false},
		{"huge exponents, same spelling", `1e999999999`, `1e999999999`, true},
		{"huge exponents are not expanded", `1e999999999`, `10e999999998`, false},
		{"true is not false", `true`, `false`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := api.SameJSON([]byte(tt.a), []byte(tt.b))
			if err != nil || got != tt.want {
				t.Fatalf("SameJSON(%s, %s) = %v, %v; want %v", tt.a, tt.b, got, err, tt.want)
			}
			if back, err := api.SameJSON([]byte(tt.b), []byte(tt.a)); err != nil || back != got {
				t.Fatalf("not symmetric: %v %v", back, err)
			}
		})
	}
	for _, bad := range [][2]string{{`{"a":`, `{}`}, {`{}`, `{} {}`}, {``, `{}`}, {`{}`, `nope`}} {
		if same, err := api.SameJSON([]byte(bad[0]), []byte(bad[1])); err == nil {
			t.Errorf("SameJSON(%q, %q) = %v, want an error", bad[0], bad[1], same)
		}
	}
}

// updateSandbox starts a sandbox whose request log the test reads, and a
// client for account 1.
func updateSandbox(t *testing.T) (*api.Client, *requestLog) {
	t.Helper()
	log := &requestLog{}
	srv := startSandbox(t, sandbox.Options{Log: &log.buf})
	return newClient(t, sandboxConfig(t, srv)), log
}

// requestLog reads the sandbox's request lines ("<time> PUT /v1/apps/2 202 …").
type requestLog struct {
	buf  testutil.SyncBuffer
	mark int
}

// Mark starts a new count: Since lists only the requests made after it.
func (l *requestLog) Mark() { l.mark = l.buf.Len() }

// Since lists "METHOD path" (without the query) of the API requests made
// since the last Mark.
func (l *requestLog) Since() []string {
	var out []string
	for _, line := range strings.Split(l.buf.String()[l.mark:], "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || f[1] == "sandbox:" || strings.HasPrefix(f[2], "/oauth/") {
			continue
		}
		path, _, _ := strings.Cut(f[2], "?")
		out = append(out, f[1]+" "+path)
	}
	return out
}

func (l *requestLog) methods() []string {
	var out []string
	for _, r := range l.Since() {
		m, _, _ := strings.Cut(r, " ")
		out = append(out, m)
	}
	return out
}

// withName returns raw with its "name" replaced.
func withName(t *testing.T, raw []byte, name string) []byte {
	t.Helper()
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		t.Fatal(err)
	}
	obj["name"], _ = json.Marshal(name)
	b, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// respell writes the same value another way: keys in reverse order,
// indented, every integer with a ".0".
func respell(t *testing.T, raw []byte) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var write func(v any, indent string)
	write = func(v any, indent string) {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Sort(sort.Reverse(sort.StringSlice(keys)))
			b.WriteString("{")
			for i, k := range keys {
				if i > 0 {
					b.WriteString(",")
				}
				b.WriteString("\n" + indent + "  " + strconv.Quote(k) + " : ")
				write(x[k], indent+"  ")
			}
			b.WriteString("\n" + indent + "}")
		case []any:
			b.WriteString("[ ")
			for i, e := range x {
				if i > 0 {
					b.WriteString(" , ")
				}
				write(e, indent)
			}
			b.WriteString(" ]")
		case json.Number:
			s := string(x)
			if !strings.ContainsAny(s, ".eE") {
				s += ".0"
			}
			b.WriteString(s)
		default:
			e, _ := json.Marshal(x)
			b.Write(e)
		}
	}
	write(v, "")
	return []byte(b.String())
}

func TestUpdateIfUnchanged(t *testing.T) {
	ctx := context.Background()
	c, log := updateSandbox(t)
	apps := kind(t, "apps")
	fresh := func(t *testing.T) api.Entity {
		t.Helper()
		e, err := c.Create(ctx, apps, nil, appBody(uniqueName("cas")))
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Get(ctx, apps, nil, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	serverName := func(t *testing.T, id string) string {
		t.Helper()
		e, err := c.Get(ctx, apps, nil, id)
		if err != nil {
			t.Fatal(err)
		}
		return e.Name
	}

	t.Run("unchanged: the update is sent", func(t *testing.T) {
		base := fresh(t)
		mine := uniqueName("mine")
		log.Mark()
		res, err := c.UpdateIfUnchanged(ctx, apps, nil, base.ID, base.Raw, withName(t, base.Raw, mine))
		if err != nil {
			t.Fatalf("update: %v", err)
		}
		if got := log.Since(); !slices.Equal(got, []string{"GET /v1/apps/" + base.ID, "PUT /v1/apps/" + base.ID, "GET /v1/apps/" + base.ID}) {
			t.Fatalf("requests: %q, want re-read, PUT, read back", got)
		}
		if !bytes.Equal(res.Before, base.Raw) {
			t.Fatalf("Before = %s, want the version compared %s", res.Before, base.Raw)
		}
		if res.After.Name != mine || res.After.ID != base.ID {
			t.Fatalf("After = %s", res.After.Raw)
		}
		if got := serverName(t, base.ID); got != mine {
			t.Fatalf("server has %q", got)
		}
	})

	t.Run("changed on the server: conflict, nothing sent", func(t *testing.T) {
		base := fresh(t)
		theirs := uniqueName("theirs")
		if _, err := c.Update(ctx, apps, nil, base.ID, []byte(fmt.Sprintf(`{"name":%q}`, theirs))); err != nil {
			t.Fatal(err)
		}
		log.Mark()
		res, err := c.UpdateIfUnchanged(ctx, apps, nil, base.ID, base.Raw, withName(t, base.Raw, uniqueName("mine")))
		var ce *api.ConflictError
		if !errors.As(err, &ce) {
			t.Fatalf("err = %v, want a *ConflictError", err)
		}
		if got := log.methods(); !slices.Equal(got, []string{"GET"}) {
			t.Fatalf("requests: %q, want the re-read only", log.Since())
		}
		if ce.Kind != "apps" || ce.ID != base.ID || !strings.Contains(err.Error(), "not sent") {
			t.Fatalf("conflict: kind %q id %q: %q", ce.Kind, ce.ID, err)
		}
		cur, err := c.Get(ctx, apps, nil, base.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ce.Current, cur.Raw) || !bytes.Equal(res.Before, cur.Raw) || cur.Name != theirs {
			t.Fatalf("Current = %s, Before = %s; server has %s", ce.Current, res.Before, cur.Raw)
		}

		// The editor's overwrite: the user reviews their text against the
		// newer version and saves with it as the base.
		mine := uniqueName("mine")
		res, err = c.UpdateIfUnchanged(ctx, apps, nil, base.ID, ce.Current, withName(t, base.Raw, mine))
		if err != nil || res.After.Name != mine || !bytes.Equal(res.Before, ce.Current) {
			t.Fatalf("update against the newer base: after %s, before %s: %v", res.After.Raw, res.Before, err)
		}
	})

	t.Run("the same value spelt differently is not a change", func(t *testing.T) {
		base := fresh(t)
		spelt := respell(t, base.Raw)
		if bytes.Equal(spelt, base.Raw) || !bytes.Contains(spelt, []byte(".0")) {
			t.Fatalf("respell changed nothing: %s", spelt)
		}
		mine := uniqueName("mine")
		log.Mark()
		res, err := c.UpdateIfUnchanged(ctx, apps, nil, base.ID, spelt, withName(t, base.Raw, mine))
		if err != nil || res.After.Name != mine {
			t.Fatalf("update: after %s: %v", res.After.Raw, err)
		}
		if got := log.methods(); !slices.Contains(got, "PUT") {
			t.Fatalf("requests: %q, want a PUT", log.Since())
		}
	})

	t.Run("a body that cannot be made is refused before any request", func(t *testing.T) {
		base := fresh(t)
		for _, edited := range []string{`[1,2]`, `not json`, ``} {
			log.Mark()
			_, err := c.UpdateIfUnchanged(ctx, apps, nil, base.ID, base.Raw, []byte(edited))
			if err == nil || !strings.Contains(err.Error(), "apps") {
				t.Fatalf("edited %q: err = %v", edited, err)
			}
			var ce *api.ConflictError
			if errors.As(err, &ce) {
				t.Fatalf("edited %q: a conflict: %v", edited, err)
			}
			if got := log.Since(); len(got) != 0 {
				t.Fatalf("edited %q: requests %q, want none", edited, got)
			}
		}
	})

	t.Run("no base is an error, nothing sent", func(t *testing.T) {
		base := fresh(t)
		log.Mark()
		if _, err := c.UpdateIfUnchanged(ctx, apps, nil, base.ID, nil, base.Raw); err == nil {
			t.Fatal("no error without a base")
		}
		if got := log.Since(); len(got) != 0 {
			t.Fatalf("requests %q, want none", got)
		}
	})

	t.Run("a deleted entity: the re-read's 404 surfaces", func(t *testing.T) {
		id := strconv.FormatInt(sandbox.SeedEmptyAppID, 10)
		base, err := c.Get(ctx, apps, nil, id)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Delete(ctx, apps, nil, id); err != nil {
			t.Fatal(err)
		}
		log.Mark()
		res, err := c.UpdateIfUnchanged(ctx, apps, nil, id, base.Raw, withName(t, base.Raw, "renamed"))
		var ae *api.Error
		if !errors.Is(err, api.ErrNotFound) || !errors.As(err, &ae) || ae.Status != 404 {
			t.Fatalf("err = %v, want the 404", err)
		}
		if !strings.Contains(err.Error(), "re-reading apps") || res.Before != nil {
			t.Fatalf("err = %v, Before = %s", err, res.Before)
		}
		if got := log.methods(); !slices.Equal(got, []string{"GET"}) {
			t.Fatalf("requests: %q, want the re-read only", log.Since())
		}
	})

	t.Run("a kind without update", func(t *testing.T) {
		log.Mark()
		_, err := c.UpdateIfUnchanged(ctx, kind(t, "workspaces"), nil, "4302", []byte(`{}`), []byte(`{}`))
		if !errors.Is(err, api.ErrNotSupported) || len(log.Since()) != 0 {
			t.Fatalf("err = %v, requests %q", err, log.Since())
		}
	})

	t.Run("overwrite: the last writer wins", func(t *testing.T) {
		base := fresh(t)
		theirs := uniqueName("theirs")
		if _, err := c.Update(ctx, apps, nil, base.ID, []byte(fmt.Sprintf(`{"name":%q}`, theirs))); err != nil {
			t.Fatal(err)
		}
		mine := uniqueName("mine")
		log.Mark()
		res, err := c.Overwrite(ctx, apps, nil, base.ID, withName(t, base.Raw, mine))
		if err != nil || res.After.Name != mine {
			t.Fatalf("overwrite: after %s: %v", res.After.Raw, err)
		}
		if got := log.methods(); !slices.Equal(got, []string{"GET", "PUT", "GET"}) {
			t.Fatalf("requests: %q", log.Since())
		}
		var before struct{ Name string }
		if err := json.Unmarshal(res.Before, &before); err != nil || before.Name != theirs {
			t.Fatalf("Before = %s, want the other writer's version", res.Before)
		}
		if got := serverName(t, base.ID); got != mine {
			t.Fatalf("server has %q", got)
		}
	})
}

// The server's refusal of a protected change (a calculated attribute's
// name, once activated) comes back as the API's error, with Before set.
func TestUpdateIfUnchangedServerRefuses(t *testing.T) {
	ctx := context.Background()
	c, log := updateSandbox(t)
	wss, err := c.List(ctx, kind(t, "workspaces"), nil)
	if err != nil {
		t.Fatal(err)
	}
	var ws api.Ref
	for _, w := range wss {
		if w.ID == strconv.FormatInt(sandbox.SeedWorkspaceID, 10) {
			ws = w.Ref()
		}
	}
	if ws == nil {
		t.Fatalf("no workspace %d", sandbox.SeedWorkspaceID)
	}
	ca := kind(t, "calculatedattributes")
	id := strconv.FormatInt(sandbox.SeedCAActive, 10)
	base, err := c.Get(ctx, ca, ws, id)
	if err != nil {
		t.Fatal(err)
	}
	log.Mark()
	res, err := c.UpdateIfUnchanged(ctx, ca, ws, id, base.Raw, withName(t, base.Raw, uniqueName("renamed")))
	const want = "Calculated attribute name cannot be changed once the calculated attribute has been activated."
	var ae *api.Error
	if !errors.Is(err, api.ErrValidation) || !errors.As(err, &ae) || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want the API's refusal", err)
	}
	if !bytes.Equal(res.Before, base.Raw) || res.After.ID != "" {
		t.Fatalf("result: before %s, after %s", res.Before, res.After.Raw)
	}
	if got := log.methods(); !slices.Equal(got, []string{"GET", "PUT"}) {
		t.Fatalf("requests: %q, want the re-read and the refused PUT", log.Since())
	}
	if after, err := c.Get(ctx, ca, ws, id); err != nil || after.Name != base.Name {
		t.Fatalf("name on the server: %q %v, want %q", after.Name, err, base.Name)
	}
}

// A calculated attribute with no draft (active only, or never activated
// and its draft discarded) takes a new description: its null draft, which
// the API refuses as a value, is left out of the update. A draft the edit
// turns to null is sent, so the API says why it is refused.
func TestUpdateOfACalculatedAttributeWithNoDraft(t *testing.T) {
	c, _ := updateSandbox(t)
	ctx := context.Background()
	d, _ := api.Lookup("calculatedattributes")
	ws := api.Ref{"workspace": strconv.FormatInt(sandbox.SeedWorkspaceID, 10)}
	field := func(raw []byte, k string) string {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			t.Fatal(err)
		}
		return string(obj[k])
	}
	set := func(raw []byte, k, v string) []byte {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			t.Fatal(err)
		}
		obj[k] = json.RawMessage(v)
		b, err := json.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	items, err := c.List(ctx, d, ws)
	if err != nil {
		t.Fatal(err)
	}
	var noDraft, withDraft api.Entity
	for _, e := range items {
		switch draft := field(e.Raw, "draft_definition"); {
		case draft == "null" && noDraft.ID == "":
			noDraft = e
		case draft != "null" && draft != "" && withDraft.ID == "":
			withDraft = e
		}
	}
	if noDraft.ID == "" || withDraft.ID == "" {
		t.Fatal("the seed has no calculated attribute with no draft, or none with one")
	}

	res, err := c.UpdateIfUnchanged(ctx, d, ws, noDraft.ID, noDraft.Raw, set(noDraft.Raw, "description", `"set without a draft"`))
	if err != nil {
		t.Fatalf("updating the description of %s (no draft): %v", noDraft.ID, err)
	}
	if got := field(res.After.Raw, "description"); got != `"set without a draft"` {
		t.Fatalf("description after the update: %s", got)
	}
	if got := field(res.After.Raw, "draft_definition"); got != "null" {
		t.Fatalf("the update gave %s a draft: %s", noDraft.ID, got)
	}
	if got, want := field(res.After.Raw, "active_definition"), field(noDraft.Raw, "active_definition"); got != want {
		t.Fatalf("active definition changed: %s → %s", want, got)
	}

	_, err = c.UpdateIfUnchanged(ctx, d, ws, withDraft.ID, withDraft.Raw, set(withDraft.Raw, "draft_definition", "null"))
	if err == nil || !strings.Contains(err.Error(), "draft_definition") {
		t.Fatalf("a draft turned to null: %v, want the API's refusal naming draft_definition", err)
	}
}
