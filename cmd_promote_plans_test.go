package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mpconsole/mpconsole/api"
)

// TestPromotePlanVersionsBetweenAccounts: account 1's data plans are
// exported and applied to account 2, whose "mP Traveller" has checkout_plan
// v1 and v2 only: version 3 and the two plans it lacks are created there,
// with account 1's documents, and nothing is left to apply.
func TestPromotePlanVersionsBetweenAccounts(t *testing.T) {
	e := startPromoteEnv(t)
	code, out, errs := cliRun(t, "", "diff", "1", "2", "--kinds", "versions")
	if code != diffChanged || !strings.Contains(out, "+ version mP Traveller/checkout_plan/3\n") ||
		!strings.Contains(out, "+ plan mP Traveller/mobile_data_plan\n") || strings.Contains(out, "version mP Traveller/checkout_plan/2") {
		t.Fatalf("diff 1 2: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	dir := filepath.Join(t.TempDir(), "plans")
	if code, out, errs := cliRun(t, "", "export", dir, "--kinds", "versions"); code != 0 {
		t.Fatalf("export: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	e.sentWrites()
	code, out, errs = cliRun(t, "", "apply", dir, "--account", "2", "--yes")
	if code != 0 || !strings.Contains(out, "+ version mP Traveller/checkout_plan/3") {
		t.Fatalf("apply: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	w := e.sentWrites()
	slices.Sort(w)
	if want := []string{"POST /platform/v2/workspaces/5102/plans", "POST /platform/v2/workspaces/5102/plans",
		"POST /platform/v2/workspaces/5102/plans/checkout_plan/versions"}; !slices.Equal(w, want) {
		t.Errorf("writes %q, want %q", w, want)
	}

	versions, _ := api.Lookup("versions")
	doc := func(c *api.Client, ws string) any {
		t.Helper()
		ent, err := c.Get(context.Background(), versions, api.Ref{"workspace": ws, "plan": "checkout_plan"}, "3")
		if err != nil {
			t.Fatalf("version 3 in workspace %s: %v", ws, err)
		}
		var v struct {
			Doc any `json:"version_document"`
		}
		if err := json.Unmarshal(ent.Raw, &v); err != nil || v.Doc == nil {
			t.Fatalf("version 3 in workspace %s: %s", ws, ent.Raw)
		}
		return v.Doc
	}
	if a, b := doc(e.client(t, 1), "4302"), doc(e.client(t, 2), "5102"); !reflect.DeepEqual(a, b) {
		t.Errorf("version 3's document in account 2 differs from account 1's:\n%v\n%v", b, a)
	}
	if code, out, errs := cliRun(t, "", "diff", "1", "2", "--kinds", "versions"); code != 0 || !strings.Contains(errs, "0 writes to apply") {
		t.Fatalf("diff after apply: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
}
