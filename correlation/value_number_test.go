package correlation

import (
	"fmt"
	"slices"
	"testing"
)

// TestValueTypesReadNumbersLikeDetection feeds the event values of
// conformance C39 to every value_* type: a value detection matching reads as
// the number 4624 is one entry (the window holds 4624 alone, so every
// aggregate is 4624 and `eq: 4624` fires); any other value adds no entry, so
// the empty window is not evaluated (correlation.md §8.5, §8.6).
func TestValueTypesReadNumbersLikeDetection(t *testing.T) {
	values := []struct {
		v      any
		number bool
	}{
		{4624, true}, {"4624", true}, {4624.0, true}, {"4624.0", true}, {"04624", true},
		{" 4624", false}, {"4624 ", false}, {"0x1210", false}, {"4624a", false}, {[]any{1, 4624}, false},
	}
	for _, typ := range []string{"value_sum", "value_avg", "value_percentile", "value_median"} {
		for _, tc := range values {
			t.Run(fmt.Sprintf("%s/%q", typ, fmt.Sprint(tc.v)), func(t *testing.T) {
				h := newHarness(t, "title: N\ncorrelation: {type: "+typ+
					", rules: [r], timespan: 60s, condition: {field: Bytes, eq: 4624}}\n", Options{}, fieldIs("r", "X", 1))
				got := fired(h.feed(0, testEvent{"X": 1, "Bytes": tc.v}))
				var want []string
				if tc.number {
					want = []string{"N@0=4624[]"}
				}
				if !slices.Equal(got, want) {
					t.Fatalf("Bytes %#v: fired %q, want %q", tc.v, got, want)
				}
			})
		}
	}
}

// TestValueSumIgnoresSpacedNumericText is the reproduction of issue 21 item
// 1: Bytes 10 and " 12" must not sum to 22.
func TestValueSumIgnoresSpacedNumericText(t *testing.T) {
	runScenarios(t, []scenario{{name: "a numeric string with a leading space is not a number",
		corr: `
title: N
correlation: {type: value_sum, rules: [r], timespan: 60s, condition: {field: Bytes, gt: 20}}
`, dets: []detection{fieldIs("r", "X", 1)}, steps: []step{
			{0, testEvent{"X": 1, "Bytes": 10}, nil}, {1, testEvent{"X": 1, "Bytes": " 12"}, nil},
		}}})
}
