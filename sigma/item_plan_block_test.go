package sigma

import (
	"fmt"
	"testing"
)

// The string matchers of one item plan come from one allocation
// (matcherBlock): a large rule set has ~300k of them, made while its files
// are parsed, and one object each left them scattered among the parsing
// garbage. Each further plain value costs one allocation (its parsed
// pattern, garbage once planned), not two.
func TestPlanAllocatesItsStringMatchersOnce(t *testing.T) {
	allocs := func(values int) float64 {
		it := &Item{Field: "CommandLine", Modifiers: []string{"contains"}, Path: "detection.sel.CommandLine|contains"}
		for i := range values {
			it.Values = append(it.Values, StringValue(fmt.Sprintf("needle-%d", i)))
		}
		return testing.AllocsPerRun(20, func() {
			if _, err := planItem(it); err != nil {
				t.Fatal(err)
			}
		})
	}
	if few, many := allocs(2), allocs(32); many-few > 30 {
		t.Errorf("planning 32 values made %.0f allocations, 2 values %.0f: want at most one more per value", many, few)
	}
}
