package pipeline

import (
	"errors"
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// A rule that makes a transformation panic (here a nil detection item, as
// a faulty earlier rewrite could leave behind) is rejected on its own with
// an internal error naming its file; the other rules are rewritten.
func TestApplyIsolatesAPanickingRule(t *testing.T) {
	rs := loadRules(t, ruleDoc("    sel: {CommandLine|contains: malware}\n    condition: sel\n")+"---\n"+
		strings.Replace(ruleDoc("    sel: {CommandLine|contains: beacon}\n    condition: sel\n"), "title: Test Rule", "title: Broken Rule", 1))
	g := rs.Rules[1].Detection.Searches[0].Groups[0]
	g.Items = append(g.Items, nil)
	pl := mustParse(t, "name: p\ntransformations:\n  - type: field_name_mapping\n    mapping: {CommandLine: cmd}\n")
	eng, rejected := engineFor(t, rs, pl)
	if len(rejected) != 1 || !errors.Is(rejected[0], sigma.ErrInternal) || rejected[0].File != "rule.yml" || rejected[0].Rule != "Broken Rule" {
		t.Fatalf("rejected:\n%s\nwant only Broken Rule with an internal error", joinErrs(rejected))
	}
	if !fires(t, eng, `{"cmd":"malware.exe"}`) {
		t.Fatal("the other rule was not rewritten")
	}
}

// A placeholder that value_placeholders finds no var for stays literal and
// gives one warning per rule, naming file, rule and every such name that
// is still in the rule after all pipelines.
func TestApplyWarnsOncePerRuleOnUndefinedPlaceholders(t *testing.T) {
	rs := loadRules(t, ruleDoc("    sel: {CommandLine|contains: ['%TEMP%\\%tool%', '%other%'], Image: '%late%'}\n    condition: sel\n")+"---\n"+
		strings.Replace(ruleDoc("    sel: {CommandLine|contains: plain}\n    condition: sel\n"), "title: Test Rule", "title: Plain Rule", 1))
	first := mustParse(t, "name: first\npriority: 10\nvars: {tool: [x.exe]}\ntransformations:\n  - type: value_placeholders\n")
	second := mustParse(t, "name: second\npriority: 20\nvars: {late: [y.exe]}\ntransformations:\n  - type: value_placeholders\n")
	rep := Apply([]*Pipeline{first, second}, rs)
	want := "rule.yml: Test Rule: placeholder %TEMP%, %other% defined by no pipeline var, kept as literal text"
	if len(rep.Warnings) != 1 || rep.Warnings[0] != want || len(rs.Rejected) != 0 {
		t.Fatalf("warnings %q, rejected %v\nwant only %q", rep.Warnings, rs.Rejected, want)
	}
	if rep := Apply(nil, loadRules(t, ruleDoc("    sel: {CommandLine|contains: '%TEMP%'}\n    condition: sel\n"))); len(rep.Warnings) != 0 {
		t.Fatalf("warnings %q without any value_placeholders", rep.Warnings)
	}
}
