package api_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox"
)

// TestCalculatedAttributeActionsApplyByState checks the catalogue's rule
// for which calculated-attribute actions apply against the sandbox: for
// each seeded lifecycle state, an action said to be unavailable is one the
// server refuses or ignores, and one said to apply succeeds.
func TestCalculatedAttributeActionsApplyByState(t *testing.T) {
	cas, _ := api.Lookup("calculatedattributes")
	ws := api.Ref{"workspace": strconv.FormatInt(sandbox.SeedWorkspaceID, 10)}
	tests := []struct {
		name     string
		id       int64
		activate string // "" when it applies, else a word of the reason
		discard  string
	}{
		{"active with a draft", sandbox.SeedCAActiveWithDraft, "", ""},
		{"draft only", sandbox.SeedCADraftOnly, "", ""},
		{"active, draft discarded", sandbox.SeedCAActive, "no draft definition", "no draft definition"},
		{"never activated, draft discarded", sandbox.SeedCADiscarded, "no draft definition", "no draft definition"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startSandbox(t, sandbox.Options{})
			c := newClient(t, sandboxConfig(t, srv))
			ctx := context.Background()
			id := strconv.FormatInt(tt.id, 10)
			e, err := c.Get(ctx, cas, ws, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, step := range []struct{ action, want string }{{"discard-draft", tt.discard}, {"activate", tt.activate}} {
				a, _ := cas.Action(step.action)
				why := a.Why(e.Raw)
				if (why == "") != (step.want == "") || !strings.Contains(why, step.want) {
					t.Fatalf("%s: Why = %q, want %q", step.action, why, step.want)
				}
				if step.action == "discard-draft" {
					continue // discarding would change what activate finds; activate is checked on the entity as it is
				}
				_, err := c.Act(ctx, cas, ws, id, step.action)
				var ae *api.Error
				switch {
				case why == "" && err != nil:
					t.Fatalf("%s said to apply, but the server refused: %v", step.action, err)
				case why != "" && (!errors.As(err, &ae) || !strings.Contains(err.Error(), "No draft definition was found to activate.")):
					t.Fatalf("%s said not to apply (%s), but the server answered %v", step.action, why, err)
				}
			}
		})
	}
	// Discarding a draft that is not there changes nothing on the server.
	srv := startSandbox(t, sandbox.Options{})
	c := newClient(t, sandboxConfig(t, srv))
	id := strconv.FormatInt(sandbox.SeedCAActive, 10)
	before, err := c.Get(context.Background(), cas, ws, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Act(context.Background(), cas, ws, id, "discard-draft"); err != nil {
		t.Fatal(err)
	}
	after, _ := c.Get(context.Background(), cas, ws, id)
	if string(before.Raw) != string(after.Raw) {
		t.Fatalf("discarding a missing draft changed the attribute:\n%s\n%s", before.Raw, after.Raw)
	}
}
