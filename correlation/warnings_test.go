package correlation

import (
	"slices"
	"testing"
)

// TestWarningsNameFileAndRule lists every load warning of the compiled
// correlations with the file and rule it belongs to.
func TestWarningsNameFileAndRule(t *testing.T) {
	h := newHarness(t, `
title: No Group
correlation:
    type: event_count
    rules: [fail]
    timespan: 60s
    condition: {gte: 3}
    aliases:
        ip: {other_rule: src, fail: dst}
    windw: tumbling
---
title: Clean
correlation: {type: event_count, rules: [fail], group-by: [User], timespan: 60s, condition: {gte: 3}}
`, Options{}, fail)
	want := []string{
		"test.yml: No Group: correlation.windw: unknown key ignored",
		"test.yml: No Group: correlation.group-by: absent, all events form one group",
		"test.yml: No Group: correlation.aliases.ip.other_rule: not a rule of this correlation",
	}
	if got := h.eng.Warnings(); !slices.Equal(got, want) {
		t.Fatalf("Warnings() =\n%q\nwant\n%q", got, want)
	}
}
