package pipeline

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const correlationDoc = `title: Login
id: login-rule
name: login
logsource: {product: windows}
detection:
    sel: {EventType: login}
    condition: sel
---
title: Many Logins
id: many-logins
correlation:
    type: value_count
    rules: [login]
    group-by: [User, Host, src]
    aliases:
        src:
            login: SourceIp
    timespan: 5m
    condition: {gte: 3, field: TargetUser}
`

func TestPipelinesOnCorrelationRules(t *testing.T) {
	tests := []struct {
		name, pipeline, want, wantErr string
	}{
		{"field_name_mapping_expands_group_by_and_maps_aliases_and_condition_field",
			"transformations:\n- type: field_name_mapping\n  mapping: {User: [user.name, user.id], SourceIp: source.ip, TargetUser: target.user, src: never}\n",
			"group-by: [user.name, user.id, Host, src]|login: source.ip|field: target.user", ""},
		{"prefix_and_custom_attribute",
			"transformations:\n- type: field_name_prefix\n  prefix: 'x.'\n- type: set_custom_attribute\n  attribute: rsigma.correlation_event_mode\n  value: full\n",
			"group-by: [x.User, x.Host, src]|login: x.SourceIp|field: x.TargetUser|rsigma.correlation_event_mode: full", ""},
		{"detection_only_transformations_skip_correlations",
			"transformations:\n- type: add_condition\n  conditions: {a: b}\n- type: change_logsource\n  product: linux\n",
			"group-by: [User, Host, src]|", ""},
		{"gated_on_is_sigma_correlation_rule",
			"transformations:\n- type: field_name_suffix\n  suffix: '.kw'\n  rule_conditions: [{type: is_sigma_correlation_rule}]\n",
			"group-by: [User.kw, Host.kw, src]|", ""},
		{"one_to_many_on_condition_field_is_an_error",
			"transformations:\n- type: field_name_mapping\n  mapping: {TargetUser: [a, b]}\n",
			"", "condition.field: field \"TargetUser\" maps to several fields"},
		{"rule_failure_rejects_correlations",
			"transformations:\n- type: rule_failure\n  message: no\n  rule_conditions: [{type: is_sigma_correlation_rule}]\n",
			"", "rejected by pipeline: no"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs := loadRules(t, correlationDoc)
			if len(rs.Correlations) != 1 {
				t.Fatalf("want 1 correlation, got %d", len(rs.Correlations))
			}
			Apply([]*Pipeline{mustParse(t, tc.pipeline)}, rs)
			if tc.wantErr != "" {
				if len(rs.Correlations) != 0 || !strings.Contains(joinErrs(rs.Rejected), tc.wantErr) {
					t.Fatalf("want rejection %q, got %s", tc.wantErr, joinErrs(rs.Rejected))
				}
				return
			}
			if len(rs.Rejected) > 0 {
				t.Fatal(joinErrs(rs.Rejected))
			}
			out, _ := yaml.Marshal(rs.Correlations[0].Node)
			text := strings.ReplaceAll(string(out), "\n", " ")
			for _, w := range strings.Split(tc.want, "|") {
				if w != "" && !strings.Contains(text, w) {
					t.Errorf("document lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
