package main

import (
	"strings"
	"testing"
)

// TestGetPlansAndRoles: `get` prints the data plan and custom role kinds
// through the catalogue, with no change to the command.
func TestGetPlansAndRoles(t *testing.T) {
	isolate(t)
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{"plans", []string{"plans", "--parent", "workspace=4302", "--sandbox"}, 0,
			[]string{"PLAN ID", "ACTIVE", "mobile_data_plan", "checkout_plan", "v1 production, v2 development"}, nil},
		{"one plan", []string{"plan", "foo_bar", "--parent", "ws=4302", "--sandbox", "-o", "json"}, 0,
			[]string{`"data_plan_id": "foo_bar"`}, nil},
		{"versions", []string{"versions", "--parent", "workspace=4302", "--parent", "plan=checkout_plan", "--sandbox"}, 0,
			[]string{"VERSION", "ENVIRONMENT", "DATA POINTS", "development"}, nil},
		{"one version", []string{"version", "2", "--parent", "workspace=5101", "--parent", "plan=staging_plan", "--sandbox", "-o", "json"}, 0,
			[]string{`"version": 2`, `"version_document"`}, nil},
		{"roles", []string{"roles", "--sandbox"}, 0, []string{"ROLE ID", "marketer_role", "admin-role"}, nil},
		{"tasks", []string{"tasks", "--sandbox"}, 0, []string{"TASK ID", "audiences:*", "user:core"}, nil},
		{"manifest", []string{"manifest", "--sandbox", "-o", "json"}, 0, []string{`"version": 1`, `"roles"`}, nil},
		{"versions need a plan", []string{"versions", "--parent", "workspace=4302", "--sandbox"}, 2, nil,
			[]string{"versions need plan", "--parent plan=ID"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := getRun(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d: %s", code, tc.code, errs)
			}
			for _, w := range tc.stdout {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tc.stderr {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errs)
				}
			}
		})
	}
}
