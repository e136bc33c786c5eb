package sigma

import (
	"errors"
	"strings"
	"testing"
)

const c57Global = `action: global
title: T
logsource: {product: windows}
detection: {condition: sel}
---
logsource: {category: process_creation}
detection: {sel: {Image|endswith: '\a.exe'}}
---
action: repeat
detection: {sel: {Image|endswith: '\b.exe'}}
`

func TestConformanceCollections(t *testing.T) {
	t.Run("C57_global_and_repeat", func(t *testing.T) {
		rs, _ := LoadBytes("c57.yml", []byte(c57Global))
		if len(rs.Rejected) > 0 || len(rs.Rules) != 2 {
			t.Fatalf("want 2 rules, got %d (rejected %v)", len(rs.Rules), rs.Rejected)
		}
		for _, r := range rs.Rules {
			if r.Title != "T" || r.Logsource.Product != "windows" || r.Logsource.Category != "process_creation" {
				t.Errorf("rule %+v lacks the merged template", r)
			}
		}
		on, off, err := compileSet(t, rs)
		if err != nil {
			t.Fatal(err)
		}
		got := on.Evaluate(newTestEvent(t, `{"Image":"C:\\b.exe"}`), nil)
		if len(got) != 1 || got[0].Rule != rs.Rules[1] {
			t.Errorf(`\b.exe should match rule 2 only, got %d matches`, len(got))
		}
		checkEvents(t, on, off, []ev{M(`{"Image":"C:\\a.exe"}`)})
		if n := len(on.Evaluate(newTestEvent(t, `{"Image":"C:\\a.exe"}`), nil)); n != 1 {
			t.Errorf(`\a.exe should match rule 1 only, got %d`, n)
		}
	})
	t.Run("C57_reset_then_untitled_rule_fails", func(t *testing.T) {
		rs, _ := LoadBytes("c57.yml", []byte("action: global\ntitle: T\n---\naction: reset\n---\nlogsource: {product: x}\ndetection: {sel: {A: 1}, condition: sel}\n"))
		if len(rs.Rules) != 0 || len(rs.Rejected) != 1 || !strings.Contains(rs.Rejected[0].Error(), "title") {
			t.Fatalf("want one title error, got rules=%d rejected=%v", len(rs.Rules), rs.Rejected)
		}
	})
	t.Run("C57_unknown_action_rejects_only_that_document", func(t *testing.T) {
		rs, _ := LoadBytes("c57.yml", []byte("action: bogus\n---\n"+ruleDoc("sel: {A: 1}")))
		if len(rs.Rules) != 1 || len(rs.Rejected) != 1 || !strings.Contains(rs.Rejected[0].Error(), `unknown collection action "bogus"`) {
			t.Fatalf("got rules=%d rejected=%v", len(rs.Rules), rs.Rejected)
		}
	})
	t.Run("repeat_without_previous_document", func(t *testing.T) {
		rs, _ := LoadBytes("r.yml", []byte("action: repeat\ntitle: x\n"))
		if len(rs.Rejected) != 1 {
			t.Fatalf("got %v", rs.Rejected)
		}
	})
}

const c58Rule = `title: R
id: 11111111-1111-1111-1111-111111111111
name: whoami_exec
logsource: {product: windows, category: process_creation}
detection:
  sel: {Image|endswith: '\whoami.exe'}
  condition: sel
`

func c58Filter(logsource, condition string) string {
	return "title: F\nlogsource: " + logsource + "\nfilter:\n  rules: [whoami_exec]\n  sel: {User|startswith: 'adm_'}\n  condition: " + condition + "\n"
}

func TestConformanceFilters(t *testing.T) {
	events := []string{
		`{"Image":"C:\\w\\whoami.exe","User":"adm_bob"}`,
		`{"Image":"C:\\w\\whoami.exe","User":"bob"}`,
		`{"Image":"C:\\w\\whoami.exe"}`,
	}
	cases := []struct {
		name   string
		filter string
		want   []bool
	}{
		{"C58_not_selection_suppresses_admins", c58Filter("{product: windows}", "not sel"), []bool{false, true, true}},
		{"C58_logsource_mismatch_not_applied", c58Filter("{category: file_event}", "not sel"), []bool{true, true, true}},
		{"C58_filter_condition_anded_verbatim", c58Filter("{product: windows}", "sel"), []bool{true, false, false}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs, _ := LoadBytes("c58.yml", []byte(c58Rule+"---\n"+c.filter))
			if len(rs.Rejected) > 0 || len(rs.Filters) != 1 {
				t.Fatalf("load: filters=%d rejected=%v", len(rs.Filters), rs.Rejected)
			}
			on, off, err := compileSet(t, rs)
			if err != nil {
				t.Fatal(err)
			}
			var evs []ev
			for i, js := range events {
				evs = append(evs, ev{js, c.want[i]})
			}
			checkEvents(t, on, off, evs)
		})
	}
	t.Run("C58_filter_identifiers_do_not_collide", func(t *testing.T) {
		rs, _ := LoadBytes("c58.yml", []byte(c58Rule+"---\n"+c58Filter("{product: windows}", "not sel")))
		rs.ApplyFilters()
		var names []string
		for _, s := range rs.Rules[0].Detection.Searches {
			names = append(names, s.Name)
		}
		if len(names) != 2 || names[0] != "sel" || names[1] == "sel" {
			t.Errorf("searches after filtering: %v", names)
		}
	})
}

// TestConformanceExpandWithResolvedPlaceholders simulates what the
// value_placeholders pipeline does (C36): once the placeholder is replaced by
// the variable's values, the rule compiles and matches them.
func TestConformanceExpandWithResolvedPlaceholders(t *testing.T) {
	rs, _ := LoadBytes("c36.yml", []byte(ruleDoc(`sel: {ComputerName|expand: '%Workstations%'}`)))
	if len(rs.Rejected) > 0 {
		t.Fatalf("expand must load before pipelines run: %v", rs.Rejected)
	}
	item := rs.Rules[0].Detection.Searches[0].Groups[0].Items[0]
	item.Values = []*RuleValue{StringValue("ws-*"), StringValue("lab01")}
	on, off, err := compileSet(t, rs)
	if err != nil {
		t.Fatal(err)
	}
	checkEvents(t, on, off, []ev{M(`{"ComputerName":"WS-0042"}`), M(`{"ComputerName":"lab01"}`), N(`{"ComputerName":"srv01"}`)})
}

func TestLoadErrorsNameFileRuleAndPath(t *testing.T) {
	cases := []struct {
		name, doc, want string
	}{
		{"unknown_modifier", "title: My rule\nlogsource: {product: x}\ndetection:\n  selection:\n    Image|foo: a\n  condition: selection\n",
			`rules/x.yml: My rule: detection.selection.Image|foo: unknown modifier "foo"`},
		{"untitled_rule_named_by_id", "id: abc\nlogsource: {product: x}\ndetection: {sel: {A: 1}, condition: sel}\n",
			`rules/x.yml: abc: title: missing or empty title`},
		{"duplicate_key", "title: D\nlogsource: {product: x}\ndetection:\n  sel:\n    A: 1\n    A: 2\n  condition: sel\n",
			`rules/x.yml: D: detection.sel.A: duplicate key "A"`},
		{"not_modifier_points_to_condition", "title: N\ndetection:\n  sel: {X|not: a}\n  condition: sel\n",
			`rules/x.yml: N: detection.sel.X|not: "not" is not a modifier: negation belongs in the condition (not selection)`},
		{"condition_path", "title: C\ndetection:\n  sel: {A: 1}\n  condition: sel and nope\n",
			`rules/x.yml: C: detection.condition: condition references undefined search identifier "nope"`},
		{"non_mapping_document", "- a\n- b\n", `rules/x.yml: document 1: document is not a mapping`},
		{"yaml_syntax", "title: [\n", `rules/x.yml: document 1: YAML syntax`},
		{"mapping_as_value", "title: V\ndetection:\n  sel: {A: {b: 1}}\n  condition: sel\n",
			`rules/x.yml: V: detection.sel.A: a mapping cannot be used as a value`},
		{"nested_list", "title: L\ndetection:\n  sel: [{A: 1}, [x]]\n  condition: sel\n",
			`rules/x.yml: L: detection.sel[1]: nested list in a search identifier`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs, _ := LoadBytes("rules/x.yml", []byte(c.doc))
			if len(rs.Rejected) != 1 {
				t.Fatalf("want one rejection, got %v", rs.Rejected)
			}
			if got := rs.Rejected[0].Error(); !strings.HasPrefix(got, c.want) {
				t.Errorf("error\n got: %s\nwant: %s", got, c.want)
			}
		})
	}
}

func TestLoadPathMissingIsErrRulesPath(t *testing.T) {
	_, err := LoadPath(t.TempDir() + "/nope")
	if !errors.Is(err, ErrRulesPath) {
		t.Fatalf("got %v", err)
	}
}

func TestArraySelectorsAreRejectedOnlyWhenEnabled(t *testing.T) {
	rs, _ := LoadBytes("v3.yml", []byte("title: t\nsigma-version: 3\ndetection:\n  sel:\n    'conns[any].ip': 1.2.3.4\n  condition: sel\n"))
	if len(rs.Rejected) != 1 || !strings.Contains(rs.Rejected[0].Error(), "array selectors") {
		t.Errorf("sigma-version 3 with brackets: %v", rs.Rejected)
	}
	rs, _ = LoadBytes("v2.yml", []byte("title: t\ndetection:\n  sel:\n    'conns[any].ip': 1.2.3.4\n  condition: sel\n"))
	if len(rs.Rejected) != 0 {
		t.Errorf("brackets are literal without sigma-version 3: %v", rs.Rejected)
	}
}

func TestAliasBombIsRejected(t *testing.T) {
	doc := "title: t\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g"} {
		doc += name + ": &" + name + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+", ", 10), ", ") + "]\n"
		prev = name
	}
	doc += "detection: {sel: {A: 1}, condition: sel}\n"
	rs, _ := LoadBytes("bomb.yml", []byte(doc))
	if len(rs.Rejected) != 1 || !strings.Contains(rs.Rejected[0].Error(), "aliases") {
		t.Fatalf("got rules=%d rejected=%v", len(rs.Rules), rs.Rejected)
	}
}
