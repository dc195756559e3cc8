package ui_test

import (
	"strings"
	"testing"
)

// A calculated attribute's calculation status, opened as a kind and
// inspected, is titled by its kind's singular: "calculation 8".
func TestACalculationStatusIsTitledByItsKind(t *testing.T) {
	_, d := startLive(t)
	caList(d)
	moveTo(t, d, "Cart Adds")
	d.key("enter")
	d.waitFor("Activation status", "Calculation status")
	moveTo(t, d, "Calculation status")
	d.key("enter")
	d.waitFor("REVISION")
	d.settle()
	d.key("enter")
	s := d.waitFor(`"is_calculated"`)
	if !strings.Contains(s, "calculation 8") || strings.Contains(s, "cacalculation") {
		t.Fatalf("the inspector's title is not the kind's singular:\n%s", s)
	}
}

// With one row marked the bulk editor's notice speaks of one entity, not
// of what "the 1 platform all share".
func TestABulkEditOfOneSaysSo(t *testing.T) {
	d := start(t, fixture{})
	openPlatforms(d)
	d.key("space")
	d.waitFor("1 marked")
	d.key("e")
	s := d.waitFor("1 platform · shared fields")
	if strings.Contains(s, "all share") || !strings.Contains(s, "the fields of 1 platform") {
		t.Fatalf("the notice does not speak of one platform:\n%s", s)
	}
}
