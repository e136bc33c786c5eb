package pipeline

import (
	"strings"
	"testing"
)

// A field_name_prefix gated by conditions shows whether they held.
func TestRuleConditions(t *testing.T) {
	detection := "    sel: {Image: a, Hashes: h}\n    condition: sel\n"
	tests := []struct {
		name  string
		gate  string
		fires bool
	}{
		{"logsource_matches_case_insensitively", "rule_conditions: [{type: logsource, category: Process_Creation}]", true},
		{"logsource_key_missing_in_rule_is_false", "rule_conditions: [{type: logsource, service: security}]", false},
		{"contains_detection_item_with_value", "rule_conditions: [{type: contains_detection_item, field: image, value: A}]", true},
		{"contains_detection_item_wrong_value", "rule_conditions: [{type: contains_detection_item, field: Image, value: b}]", false},
		{"contains_field", "rule_conditions: [{type: contains_field, field: Hashes}]", true},
		{"tag", "rule_conditions: [{type: tag, tag: attack.t1059}]", true},
		{"rule_attribute_level", "rule_conditions: [{type: rule_attribute, attribute: level, value: HIGH}]", true},
		{"rule_attribute_id_is_exact", "rule_conditions: [{type: rule_attribute, attribute: id, value: '11111111-1111-1111-1111-111111111111'}]", true},
		{"is_sigma_rule", "rule_conditions: [{type: is_sigma_rule}]", true},
		{"is_sigma_correlation_rule", "rule_conditions: [{type: is_sigma_correlation_rule}]", false},
		{"conditions_and_by_default", "rule_conditions: [{type: is_sigma_rule}, {type: tag, tag: nope}]", false},
		{"cond_op_or", "rule_conditions: [{type: is_sigma_rule}, {type: tag, tag: nope}]\n  rule_cond_op: or", true},
		{"cond_not", "rule_conditions: [{type: tag, tag: nope}]\n  rule_cond_not: true", true},
		{"cond_expr_over_mapping_ids", "rule_conditions: {w: {type: logsource, product: windows}, t: {type: tag, tag: nope}}\n  rule_cond_expr: w and not t", true},
		{"cond_expression_rsigma_spelling_with_list_ids", "rule_conditions: [{type: tag, tag: nope}, {id: win, type: logsource, product: windows}]\n  rule_cond_expression: cond_0 or win", true},
		{"processing_item_applied", "rule_conditions: [{type: processing_item_applied, processing_item_id: first}]", true},
		{"processing_item_applied_unknown", "rule_conditions: [{type: processing_item_applied, processing_item_id: other}]", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pl := mustParse(t, "transformations:\n- id: first\n  type: set_state\n  key: k\n  val: v\n"+
				"- type: field_name_prefix\n  prefix: 'x.'\n  "+tc.gate+"\n")
			eng, rej := engineFor(t, loadRules(t, ruleDoc(detection)), pl)
			if len(rej) > 0 {
				t.Fatal(joinErrs(rej))
			}
			if got := fires(t, eng, `{"x.Image":"a","x.Hashes":"h"}`); got != tc.fires {
				t.Fatalf("transformation applied = %v, want %v", got, tc.fires)
			}
		})
	}
}

func TestDetectionItemConditions(t *testing.T) {
	detection := "    sel: {Image: 'C:\\cmd.exe', CommandLine: '*whoami*', User: null}\n    condition: sel\n"
	tests := []struct {
		name, cond, event string
	}{
		{"match_string_selects_items_by_value_regex", "detection_item_conditions: [{type: match_string, pattern: '^C:'}]",
			`{"x.Image":"C:\\cmd.exe","CommandLine":"a whoami b"}`},
		{"match_string_negate", "detection_item_conditions: [{type: match_string, pattern: '^C:', negate: true}]",
			`{"Image":"C:\\cmd.exe","x.CommandLine":"a whoami b"}`},
		{"is_null_selects_null_items", "detection_item_conditions: [{type: is_null}]",
			`{"Image":"C:\\cmd.exe","CommandLine":"a whoami b","User":"someone"}`},
		{"contains_wildcard", "detection_item_conditions: [{type: contains_wildcard}]",
			`{"Image":"C:\\cmd.exe","x.CommandLine":"a whoami b"}`},
		{"processing_item_applied_per_item", "detection_item_conditions: [{type: processing_item_applied, processing_item_id: map}]",
			`{"x.exe":"C:\\cmd.exe","CommandLine":"a whoami b"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pl := mustParse(t, "transformations:\n- id: map\n  type: field_name_mapping\n  mapping: {Image: exe}\n"+
				"- type: field_name_prefix\n  prefix: 'x.'\n  "+tc.cond+"\n")
			if !strings.Contains(tc.name, "processing_item_applied") {
				pl.Items = pl.Items[1:]
			}
			eng, rej := engineFor(t, loadRules(t, ruleDoc(detection)), pl)
			if len(rej) > 0 {
				t.Fatal(joinErrs(rej))
			}
			if !fires(t, eng, tc.event) {
				t.Fatalf("rule does not fire on %s", tc.event)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"unknown_type", "transformations:\n- type: bogus\n", `test.yml: transformations[0]: type: unknown transformation type "bogus"`},
		{"unsupported_pysigma_type", "transformations:\n- type: extract_fields\n", `unsupported transformation "extract_fields"`},
		{"unknown_item_key", "transformations:\n- id: m\n  type: field_name_suffix\n  suffix: x\n  rule_condition: []\n", `transformations[0] (id m): unknown key "rule_condition"`},
		{"unknown_condition_type", "transformations:\n- type: field_name_suffix\n  suffix: x\n  rule_conditions: [{type: nope}]\n", `rule_conditions[0]: type: unknown rule condition type "nope"`},
		{"bad_regex", "transformations:\n- type: replace_string\n  regex: '('\n", "invalid regex"},
		{"bad_field_regex", "transformations:\n- type: field_name_suffix\n  suffix: x\n  field_name_conditions: [{type: include_fields, fields: ['('], match_type: re}]\n", "invalid regex"},
		{"expression_unknown_id", "transformations:\n- type: field_name_suffix\n  suffix: x\n  rule_conditions: [{type: is_sigma_rule}]\n  rule_cond_expr: nope\n", `unknown condition id "nope"`},
		{"sources_block_rejected", "sources: []\n", "declare sources in a separate file loaded with --source"},
		{"missing_mapping", "transformations:\n- type: field_name_mapping\n", "mapping: required"},
		{"bad_priority", "priority: high\n", `priority: expected an integer`},
		{"vars_must_be_strings", "vars: {a: {b: c}}\n", "vars.a: expected a string or a list of strings"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("test.yml", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want containing %q", err, tc.want)
			}
		})
	}
}

func TestParseDefaultsAndOrdering(t *testing.T) {
	a := mustParse(t, "vars: {n: 5, l: [a, 1]}\npostprocessing: []\nfinalizers: []\n")
	if a.Name != "unnamed" || a.Priority != 0 || a.Vars[0].Values[0] != "5" || a.Vars[1].Values[1] != "1" {
		t.Fatalf("defaults/vars wrong: %+v", a)
	}
	b := mustParse(t, "name: b\npriority: 10\n")
	c := mustParse(t, "name: c\npriority: 10\n")
	d := mustParse(t, "name: d\npriority: -1\n")
	pls := []*Pipeline{b, a, c, d}
	Sort(pls)
	var got []string
	for _, p := range pls {
		got = append(got, p.Name)
	}
	if strings.Join(got, ",") != "d,unnamed,b,c" {
		t.Fatalf("order = %v", got)
	}
}

func TestProcessingItemAppliedMeansRuleConditionsHeld(t *testing.T) {
	tests := []struct {
		name, gate string
		applied    bool
	}{
		{"applied_without_changes", "[{type: logsource, product: windows}]", true},
		{"not_applied_when_gate_fails", "[{type: logsource, product: linux}]", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pl := mustParse(t, "transformations:\n- id: noop\n  type: field_name_mapping\n  mapping: {NotInRule: x}\n  rule_conditions: "+tc.gate+"\n"+
				"- type: field_name_prefix\n  prefix: 'x.'\n  rule_conditions: [{type: processing_item_applied, processing_item_id: noop}]\n")
			eng, rej := engineFor(t, loadRules(t, ruleDoc("    sel: {Image: a}\n    condition: sel\n")), pl)
			if len(rej) > 0 {
				t.Fatal(joinErrs(rej))
			}
			if got := fires(t, eng, `{"x.Image":"a"}`); got != tc.applied {
				t.Fatalf("processing_item_applied = %v, want %v", got, tc.applied)
			}
		})
	}
}
