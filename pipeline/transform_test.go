package pipeline

import (
	"reflect"
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// ruleDoc builds a process-creation rule around a detection block (indented
// by four spaces).
func ruleDoc(detection string) string {
	return `title: Test Rule
id: 11111111-1111-1111-1111-111111111111
status: test
level: high
author: Someone
tags: [attack.execution, attack.t1059]
logsource:
    category: process_creation
    product: windows
fields: [Image, CommandLine]
detection:
` + detection
}

type transformCase struct {
	name      string
	detection string
	pipeline  string
	match     []string // events the transformed rule must fire on
	nomatch   []string // events it must not fire on
	wantErr   string   // substring of the rule's rejection
	check     func(t *testing.T, r *sigma.Rule)
}

func runTransformCases(t *testing.T, cases []transformCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rs := loadRules(t, ruleDoc(tc.detection))
			r := rs.Rules[0]
			eng, rej := engineFor(t, rs, mustParse(t, tc.pipeline))
			if tc.wantErr != "" {
				if len(rej) == 0 || !strings.Contains(joinErrs(rej), tc.wantErr) {
					t.Fatalf("want rejection containing %q, got %q", tc.wantErr, joinErrs(rej))
				}
				return
			}
			if len(rej) > 0 {
				t.Fatalf("unexpected rejection: %s", joinErrs(rej))
			}
			for _, ev := range tc.match {
				if !fires(t, eng, ev) {
					t.Errorf("rule does not fire on %s", ev)
				}
			}
			for _, ev := range tc.nomatch {
				if fires(t, eng, ev) {
					t.Errorf("rule fires on %s", ev)
				}
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

func TestFieldNameTransformations(t *testing.T) {
	runTransformCases(t, []transformCase{{
		name:      "field_name_mapping_renames_one_to_one",
		detection: "    sel: {Image|endswith: '\\cmd.exe'}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: field_name_mapping\n  mapping: {Image: process.executable}\n",
		match:     []string{`{"process":{"executable":"C:\\w\\cmd.exe"}}`},
		nomatch:   []string{`{"Image":"C:\\w\\cmd.exe"}`},
		check: func(t *testing.T, r *sigma.Rule) {
			if !reflect.DeepEqual(r.Fields, []string{"process.executable", "CommandLine"}) {
				t.Errorf("fields list = %v", r.Fields)
			}
		},
	}, {
		name:      "field_name_mapping_one_to_many_becomes_or_of_product",
		detection: "    sel: {Image|endswith: '\\cmd.exe', User: x}\n    condition: 1 of them\n",
		pipeline: "transformations:\n- type: field_name_mapping\n  mapping: {Image: [process.executable, process.name]}\n" +
			"- type: add_condition\n  conditions: {EventID: 1}\n",
		match: []string{`{"process.name":"C:\\cmd.exe","User":"x","EventID":1}`,
			`{"process.executable":"C:\\cmd.exe","User":"x","EventID":"1"}`},
		nomatch: []string{`{"process.executable":"C:\\cmd.exe","User":"x","EventID":2}`,
			`{"Image":"C:\\cmd.exe","User":"x","EventID":1}`},
	}, {
		name:      "field_name_mapping_renames_fieldref_targets",
		detection: "    sel: {ParentUser|fieldref: User}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: field_name_mapping\n  mapping: {User: user.name, ParentUser: parent.user}\n",
		match:     []string{`{"parent.user":"bob","user.name":"bob"}`},
		nomatch:   []string{`{"parent.user":"bob","user.name":"alice"}`},
	}, {
		name:      "field_name_mapping_respects_field_name_conditions",
		detection: "    sel: {Image: a, ParentImage: b}\n    condition: sel\n",
		pipeline: "transformations:\n- type: field_name_mapping\n  mapping: {Image: x.image, ParentImage: x.parent}\n" +
			"  field_name_conditions: [{type: exclude_fields, fields: [ParentImage]}]\n",
		match: []string{`{"x.image":"a","ParentImage":"b"}`},
	}, {
		name:      "field_name_prefix_mapping_longest_prefix_wins",
		detection: "    sel: {ProcessName: a, ProcessId: 4}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: field_name_prefix_mapping\n  mapping: {Process: 'p.', ProcessName: 'name.'}\n",
		match:     []string{`{"name.":"a","p.Id":4}`},
		nomatch:   []string{`{"ProcessName":"a","ProcessId":4}`},
	}, {
		name:      "field_name_prefix_on_selected_fields",
		detection: "    sel: {Image: a, User: b}\n    condition: sel\n",
		pipeline: "transformations:\n- type: field_name_prefix\n  prefix: 'winlog.event_data.'\n" +
			"  field_name_conditions: [{type: include_fields, fields: ['^Im'], match_type: regex}]\n",
		match: []string{`{"winlog":{"event_data":{"Image":"a"}},"User":"b"}`},
	}, {
		name:      "field_name_suffix",
		detection: "    sel: {Image: a}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: field_name_suffix\n  suffix: .keyword\n",
		match:     []string{`{"Image.keyword":"a"}`},
		nomatch:   []string{`{"Image":"a"}`},
	}, {
		name:      "field_name_transform_snake_case_with_override",
		detection: "    sel: {ParentImage: a, CommandLine: b}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: field_name_transform\n  transform_func: snake_case\n  mapping: {CommandLine: cmdline}\n",
		match:     []string{`{"parent_image":"a","cmdline":"b"}`},
	}, {
		name:      "field_name_transform_lower_leaves_keywords",
		detection: "    sel: {Image: a}\n    kw: [needle]\n    condition: sel and kw\n",
		pipeline:  "transformations:\n- type: field_name_transform\n",
		match:     []string{`{"image":"a","msg":"a needle"}`},
	}})
}

func TestDetectionTransformations(t *testing.T) {
	runTransformCases(t, []transformCase{{
		name:      "drop_detection_item_removes_selected_items",
		detection: "    sel: {Image: a, CommandLine: b}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: drop_detection_item\n  field_name_conditions: [{type: include_fields, fields: CommandLine}]\n",
		match:     []string{`{"Image":"a"}`},
	}, {
		name:      "drop_detection_item_emptying_a_search_rejects_the_rule",
		detection: "    sel: {CommandLine: b}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: drop_detection_item\n  field_name_conditions: [{type: include_fields, fields: CommandLine}]\n",
		wantErr:   `left search identifier "sel" empty`,
	}, {
		name:      "add_condition_ands_a_hidden_search",
		detection: "    sel: {Image: a}\n    condition: 1 of them\n",
		pipeline:  "transformations:\n- type: add_condition\n  conditions: {EventID: [1, 2], 'Channel|startswith': Sys}\n",
		match:     []string{`{"Image":"a","EventID":2,"Channel":"Sysmon"}`},
		nomatch:   []string{`{"Image":"a","EventID":3,"Channel":"Sysmon"}`, `{"Image":"a"}`},
		check: func(t *testing.T, r *sigma.Rule) {
			if len(r.Detection.Searches) != 2 || r.Detection.Searches[1].Scope == "" {
				t.Errorf("want one private search added, got %+v", r.Detection.Searches)
			}
		},
	}, {
		name:      "add_condition_negated_with_field_refs",
		detection: "    sel: {Image: a}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: add_condition\n  negated: true\n  field_refs: {User: TargetUser}\n",
		match:     []string{`{"Image":"a","User":"x","TargetUser":"y"}`},
		nomatch:   []string{`{"Image":"a","User":"x","TargetUser":"x"}`},
	}, {
		name:      "change_logsource_overwrites_given_keys",
		detection: "    sel: {Image: a}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: change_logsource\n  service: sysmon\n  category: process\n",
		match:     []string{`{"Image":"a"}`},
		check: func(t *testing.T, r *sigma.Rule) {
			ls := r.Logsource
			if ls.Category != "process" || ls.Product != "windows" || ls.Service != "sysmon" {
				t.Errorf("logsource = %+v", ls)
			}
		},
	}, {
		name:      "hashes_fields_splits_into_or_of_algorithms",
		detection: "    sel: {Hashes|contains: ['SHA256=AB12', 'MD5=CD34', 'IMPHASH=EF']}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: hashes_fields\n  valid_hash_algos: [MD5, SHA256]\n",
		match:     []string{`{"FileSHA256":"xxAB12"}`, `{"FileMD5":"CD34"}`},
		nomatch:   []string{`{"Hashes":"SHA256=AB12"}`, `{"FileIMPHASH":"EF"}`},
	}, {
		name:      "hashes_fields_drop_prefix_and_length_inference",
		detection: "    sel: {Hashes: 0123456789abcdef0123456789abcdef}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: hashes_fields\n  drop_algo_prefix: true\n",
		match:     []string{`{"MD5":"0123456789ABCDEF0123456789ABCDEF"}`},
	}, {
		name:      "detection_item_failure_rejects_rules_with_selected_items",
		detection: "    sel: {Hashes: x}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: detection_item_failure\n  message: hashes not supported\n  field_name_conditions: [{type: include_fields, fields: [Hashes]}]\n",
		wantErr:   "hashes not supported",
	}, {
		name:      "detection_item_failure_ignores_rules_without_them",
		detection: "    sel: {Image: x}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: detection_item_failure\n  message: hashes not supported\n  field_name_conditions: [{type: include_fields, fields: [Hashes]}]\n",
		match:     []string{`{"Image":"x"}`},
	}, {
		name:      "rule_failure_names_pipeline_item_and_message",
		detection: "    sel: {Image: x}\n    condition: sel\n",
		pipeline:  "transformations:\n- id: no_windows\n  type: rule_failure\n  message: windows rules are not supported here\n",
		wantErr:   "test.yml: transformations[0] (id no_windows): rule_failure: rejected by pipeline: windows rules are not supported here",
	}})
}

func TestValueTransformations(t *testing.T) {
	runTransformCases(t, []transformCase{{
		name:      "replace_string_translates_pysigma_backreferences",
		detection: "    sel: {Image|endswith: '\\cmd.exe'}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: replace_string\n  regex: '(\\w+)\\.exe$'\n  replacement: '\\1.com'\n",
		match:     []string{`{"Image":"C:\\cmd.com"}`},
		nomatch:   []string{`{"Image":"C:\\cmd.exe"}`},
	}, {
		name:      "replace_string_reparses_wildcards_without_skip_special",
		detection: "    sel: {Image: '*.exe'}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: replace_string\n  regex: '\\*'\n  replacement: 'x'\n",
		match:     []string{`{"Image":"x.exe"}`},
		nomatch:   []string{`{"Image":"a.exe"}`},
	}, {
		name:      "replace_string_skip_special_keeps_wildcards",
		detection: "    sel: {Image: '*.exe'}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: replace_string\n  regex: 'exe'\n  replacement: 'com'\n  skip_special: true\n",
		match:     []string{`{"Image":"a.com"}`},
		nomatch:   []string{`{"Image":"a.exe"}`},
	}, {
		name:      "replace_string_touches_keywords",
		detection: "    kw: [evil]\n    condition: kw\n",
		pipeline:  "transformations:\n- type: replace_string\n  regex: evil\n  replacement: bad\n",
		match:     []string{`{"m":"so bad"}`},
		nomatch:   []string{`{"m":"so evil"}`},
	}, {
		name:      "map_string_one_to_many_adds_alternatives",
		detection: "    sel: {Image: cmd.exe}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: map_string\n  mapping: {cmd.exe: [cmd.exe, pwsh.exe]}\n",
		match:     []string{`{"Image":"cmd.exe"}`, `{"Image":"pwsh.exe"}`},
		nomatch:   []string{`{"Image":"bash"}`},
	}, {
		name:      "set_value_replaces_all_values",
		detection: "    sel: {Image: [a, b], User: u}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: set_value\n  value: z\n  field_name_conditions: [{type: include_fields, fields: Image}]\n",
		match:     []string{`{"Image":"z","User":"u"}`},
		nomatch:   []string{`{"Image":"a","User":"u"}`},
	}, {
		name:      "convert_type_int_compares_numerically",
		detection: "    sel: {Port: '443'}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: convert_type\n  target_type: int\n",
		match:     []string{`{"Port":"443.0"}`, `{"Port":443}`},
	}, {
		name:      "convert_type_str_keeps_string_semantics",
		detection: "    sel: {Port: 443}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: convert_type\n  target_type: str\n",
		match:     []string{`{"Port":"443"}`},
		nomatch:   []string{`{"Port":"443.0"}`},
	}, {
		name:      "case_transformation_upper",
		detection: "    sel: {Image|cased: cmd.exe}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: case_transformation\n  case_type: upper\n",
		match:     []string{`{"Image":"CMD.EXE"}`},
		nomatch:   []string{`{"Image":"cmd.exe"}`},
	}, {
		name:      "regex_is_a_no_op_for_evaluation",
		detection: "    sel: {Image: a}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: regex\n  method: ignore_case_brackets\n",
		match:     []string{`{"Image":"a"}`},
	}, {
		name:      "value_placeholders_expand_vars_to_or_list",
		detection: "    sel: {ComputerName|expand: '%Workstations%'}\n    condition: sel\n",
		pipeline:  "vars: {Workstations: ['ws-*', lab01]}\ntransformations:\n- type: value_placeholders\n",
		match:     []string{`{"ComputerName":"WS-0042"}`, `{"ComputerName":"lab01"}`},
		nomatch:   []string{`{"ComputerName":"srv01"}`},
	}, {
		name:      "value_placeholders_unknown_var_rejects_rule",
		detection: "    sel: {ComputerName|expand: '%Nope%'}\n    condition: sel\n",
		pipeline:  "vars: {Workstations: [a]}\ntransformations:\n- type: value_placeholders\n",
		wantErr:   "unknown placeholder %Nope%",
	}, {
		name:      "value_placeholders_empty_var_rejects_rule",
		detection: "    sel: {ComputerName|expand: '%Workstations%'}\n    condition: sel\n",
		pipeline:  "vars: {Workstations: []}\ntransformations:\n- type: value_placeholders\n",
		wantErr:   "expand to no values",
	}, {
		// README, "Pipelines and placeholders": as rsigma, values without |expand are filled too.
		name:      "value_placeholders_fill_values_without_expand",
		detection: "    sel: {CommandLine|contains: '%cmds%'}\n    condition: sel\n",
		pipeline:  "vars: {cmds: [malware.exe, 'evil*.bat']}\ntransformations:\n- type: value_placeholders\n",
		match:     []string{`{"CommandLine":"malware.exe --payload"}`, `{"CommandLine":"run evil-2.bat"}`},
		nomatch:   []string{`{"CommandLine":"%cmds%"}`, `{"CommandLine":"notepad.exe"}`},
	}, {
		name:      "value_placeholders_without_expand_keep_unknown_names_and_other_text_literal",
		detection: "    sel: {CommandLine: '%TEMP%\\%tool%\\50% *'}\n    condition: sel\n",
		pipeline:  "vars: {tool: [x.exe]}\ntransformations:\n- type: value_placeholders\n",
		match:     []string{`{"CommandLine":"%TEMP%\\x.exe\\50% -y"}`},
		nomatch:   []string{`{"CommandLine":"C:\\Temp\\x.exe\\50% -y"}`, `{"CommandLine":"%TEMP%\\%tool%\\50% -y"}`},
	}, {
		name:      "value_placeholders_without_expand_respect_exclude",
		detection: "    sel: {CommandLine|contains: '%a%-%b%'}\n    condition: sel\n",
		pipeline:  "vars: {a: [x], b: [y]}\ntransformations:\n- type: value_placeholders\n  exclude: [b]\n",
		match:     []string{`{"CommandLine":"x-%b%"}`},
		nomatch:   []string{`{"CommandLine":"x-y"}`},
	}, {
		// pySigma's include list: only the named placeholders are filled.
		name:      "value_placeholders_respect_include",
		detection: "    sel: {CommandLine|contains: '%a%-%b%'}\n    condition: sel\n",
		pipeline:  "vars: {a: [x], b: [y]}\ntransformations:\n- type: value_placeholders\n  include: [a]\n",
		match:     []string{`{"CommandLine":"x-%b%"}`},
		nomatch:   []string{`{"CommandLine":"x-y"}`},
	}, {
		name:      "wildcard_placeholders_respect_include",
		detection: "    sel: {CommandLine|expand: '%b%-x'}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: wildcard_placeholders\n  include: [b]\n",
		match:     []string{`{"CommandLine":"anything-x"}`},
		nomatch:   []string{`{"CommandLine":"anything-y"}`},
	}, {
		name:      "wildcard_placeholders_leave_names_outside_include",
		detection: "    sel: {CommandLine|expand: '%a%-x'}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: wildcard_placeholders\n  include: [b]\n",
		wantErr:   "unresolved placeholder %a%",
	}, {
		name:      "value_placeholders_without_expand_leave_regexes_alone",
		detection: "    sel: {CommandLine|re: '%a%'}\n    condition: sel\n",
		pipeline:  "vars: {a: [x]}\ntransformations:\n- type: value_placeholders\n",
		match:     []string{`{"CommandLine":"%a%"}`},
		nomatch:   []string{`{"CommandLine":"x"}`},
	}, {
		name:      "wildcard_placeholders_leave_values_without_expand_alone",
		detection: "    sel: {CommandLine|contains: '%APPDATA%'}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: wildcard_placeholders\n",
		match:     []string{`{"CommandLine":"%APPDATA%\\x"}`},
		nomatch:   []string{`{"CommandLine":"C:\\Users\\x"}`},
	}, {
		name:      "value_placeholders_exclude_then_wildcard_placeholders",
		detection: "    sel: {CommandLine|expand: '%a% %b%'}\n    condition: sel\n",
		pipeline: "vars: {a: [x], b: [y]}\ntransformations:\n- type: value_placeholders\n  exclude: [b]\n" +
			"- type: wildcard_placeholders\n",
		match:   []string{`{"CommandLine":"x anything"}`},
		nomatch: []string{`{"CommandLine":"z y"}`},
	}, {
		name:      "query_expression_placeholders_has_no_effect",
		detection: "    sel: {Image: a}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: query_expression_placeholders\n  expression: '{field} in list'\n",
		match:     []string{`{"Image":"a"}`},
	}})
}

func TestRuleMetadataTransformations(t *testing.T) {
	runTransformCases(t, []transformCase{{
		name:      "add_remove_set_field_edit_the_fields_list",
		detection: "    sel: {Image: a}\n    condition: sel\n",
		pipeline: "transformations:\n- type: add_field\n  field: [User, Image]\n- type: remove_field\n  field: CommandLine\n" +
			"- type: add_field\n  field: Host\n",
		check: func(t *testing.T, r *sigma.Rule) {
			if want := []string{"Image", "User", "Host"}; !reflect.DeepEqual(r.Fields, want) {
				t.Errorf("fields = %v, want %v", r.Fields, want)
			}
		},
	}, {
		name:      "set_field_replaces_the_fields_list",
		detection: "    sel: {Image: a}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: set_field\n  fields: [a, b]\n",
		check: func(t *testing.T, r *sigma.Rule) {
			if want := []string{"a", "b"}; !reflect.DeepEqual(r.Fields, want) {
				t.Errorf("fields = %v, want %v", r.Fields, want)
			}
		},
	}, {
		name:      "set_custom_attribute_stringifies_scalars",
		detection: "    sel: {Image: a}\n    condition: sel\n",
		pipeline:  "transformations:\n- type: set_custom_attribute\n  attribute: rsigma.include_event\n  value: true\n",
		check: func(t *testing.T, r *sigma.Rule) {
			if v, _ := r.CustomAttribute("rsigma.include_event"); v != "true" {
				t.Errorf("custom attribute = %#v", v)
			}
		},
	}, {
		name:      "set_state_feeds_processing_state_conditions",
		detection: "    sel: {Image: a}\n    condition: sel\n",
		pipeline: "transformations:\n- type: set_state\n  key: backend\n  val: ecs\n" +
			"- type: field_name_prefix\n  prefix: 'x.'\n  rule_conditions: [{type: processing_state, key: backend, val: ecs}]\n" +
			"- type: field_name_prefix\n  prefix: 'never.'\n  rule_conditions: [{type: processing_state, key: backend, val: other}]\n",
		match: []string{`{"x.Image":"a"}`},
	}, {
		name:      "nest_combines_outer_and_inner_conditions",
		detection: "    sel: {Image: a, User: b, CommandLine: c}\n    condition: sel\n",
		pipeline: "transformations:\n- type: nest\n  rule_conditions: [{type: logsource, product: windows}]\n" +
			"  field_name_conditions: [{type: exclude_fields, fields: [User]}]\n  items:\n" +
			"  - type: field_name_prefix\n    prefix: 'p.'\n    field_name_conditions: [{type: exclude_fields, fields: [CommandLine]}]\n",
		match: []string{`{"p.Image":"a","User":"b","CommandLine":"c"}`},
	}})
}

// A filter's searches are shared by every rule it applies to; a pipeline
// pass over one rule must not rewrite the others' copies again.
func TestValueTransformsRunOncePerRuleWithSharedFilters(t *testing.T) {
	src := ruleDoc("    sel: {Image: a}\n    condition: sel\n") + `---
title: Second
logsource: {category: process_creation, product: windows}
detection:
    sel: {Image: b}
    condition: sel
---
title: Filter
logsource: {product: windows}
filter:
    rules: any
    f: {User: x}
    condition: not f
`
	rs := loadRules(t, src)
	rs.ApplyFilters()
	eng, rej := engineFor(t, rs, mustParse(t, "transformations:\n- type: replace_string\n  regex: x\n  replacement: xx\n"))
	if len(rej) > 0 {
		t.Fatal(joinErrs(rej))
	}
	if fires(t, eng, `{"Image":"a","User":"xx"}`) || !fires(t, eng, `{"Image":"a","User":"xxx"}`) {
		t.Fatal("filter value rewritten more than once")
	}
}
