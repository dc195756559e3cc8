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
