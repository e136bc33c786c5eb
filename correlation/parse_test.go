package correlation

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/sigma"
	"gopkg.in/yaml.v3"
)

func parseOne(t *testing.T, doc string) (*Rule, error) {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &n); err != nil {
		t.Fatalf("yaml: %v", err)
	}
	return ParseNode("rules/c.yml", &n)
}

func TestParseRejects(t *testing.T) {
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"C73 event_count without condition", `{title: t, correlation: {type: event_count, rules: [a], timespan: 1m}}`,
			"rules/c.yml: t: correlation.condition: missing condition (required for event_count)"},
		{"C73 timespan without unit", `{title: t, correlation: {type: event_count, rules: [a], timespan: 10, condition: {gte: 1}}}`,
			"correlation.timespan: duration \"10\": unit must be"},
		{"C73 timespan unit is case-sensitive", `{title: t, correlation: {type: event_count, rules: [a], timespan: 1H, condition: {gte: 1}}}`,
			"correlation.timespan"},
		{"C73 value_count without field", `{title: t, correlation: {type: value_count, rules: [a], timespan: 1m, condition: {gte: 1}}}`,
			"correlation.condition.field: missing field (required for value_count)"},
		{"C73 unknown condition key", `{title: t, correlation: {type: event_count, rules: [a], timespan: 1m, condition: {gte: 3, foo: 1}}}`,
			"correlation.condition.foo: unknown condition key \"foo\""},
		{"C73 value_sum with two fields", `{title: t, correlation: {type: value_sum, rules: [a], timespan: 1m, condition: {gte: 3, field: [a, b]}}}`,
			"value_sum aggregates exactly one field"},
		{"C73 expression on event_count", `{title: t, correlation: {type: event_count, rules: [ra, rb], timespan: 1m, condition: 'ra and rb'}}`,
			"only allowed for temporal types"},
		{"C73 session without gap", `{title: t, rsigma.window: session, correlation: {type: event_count, rules: [a], timespan: 1m, condition: {gte: 1}}}`,
			"session window needs a gap"},
		{"gap without session", `{title: t, correlation: {type: event_count, rules: [a], timespan: 1m, gap: 5s, condition: {gte: 1}}}`,
			"correlation.gap: gap is only valid with a session window"},
		{"unknown type", `{title: t, correlation: {type: event_sum, rules: [a], timespan: 1m, condition: {gte: 1}}}`,
			"correlation.type: unknown correlation type \"event_sum\""},
		{"missing type", `{title: t, correlation: {rules: [a], timespan: 1m, condition: {gte: 1}}}`, "missing type"},
		{"missing rules", `{title: t, correlation: {type: event_count, timespan: 1m, condition: {gte: 1}}}`, "correlation.rules: missing rules"},
		{"empty rules", `{title: t, correlation: {type: event_count, rules: [], timespan: 1m, condition: {gte: 1}}}`, "empty rules list"},
		{"missing timespan", `{title: t, correlation: {type: event_count, rules: [a], condition: {gte: 1}}}`, "missing timespan"},
		{"no operator", `{title: t, correlation: {type: event_count, rules: [a], timespan: 1m, condition: {}}}`, "no operator"},
		{"non-numeric threshold", `{title: t, correlation: {type: event_count, rules: [a], timespan: 1m, condition: {gte: many}}}`,
			"correlation.condition.gte: threshold \"many\" is not a number"},
		{"percentile out of range", `{title: t, correlation: {type: value_percentile, rules: [a], timespan: 1m, condition: {field: x, percentile: 101, gte: 1}}}`,
			"percentile must be a number between 0 and 100"},
		{"expression and rules differ", `{title: t, correlation: {type: temporal, rules: [ra, rb], timespan: 1m, condition: 'ra and rc'}}`,
			"must name the same rules"},
		{"selector in expression", `{title: t, correlation: {type: temporal, rules: [ra], timespan: 1m, condition: '1 of ra'}}`,
			"not allowed"},
		{"generate not boolean", `{title: t, generate: 'yes', correlation: {type: event_count, rules: [a], timespan: 1m, condition: {gte: 1}}}`,
			"generate: expected true or false"},
		{"aliases not a mapping of mappings", `{title: t, correlation: {type: temporal, rules: [a], timespan: 1m, aliases: {ip: x}}}`,
			"correlation.aliases.ip: alias must be a mapping"},
		{"missing title", `{correlation: {type: event_count, rules: [a], timespan: 1m, condition: {gte: 1}}}`, "title: missing or empty title"},
		{"duplicate key", "title: t\ntitle: u\ncorrelation: {type: event_count, rules: [a], timespan: 1m, condition: {gte: 1}}\n",
			"title: duplicate key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseOne(t, tc.doc)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			var le *sigma.LoadError
			if !errors.As(err, &le) || le.File != "rules/c.yml" {
				t.Fatalf("error %v is not a LoadError naming the file", err)
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	r, err := parseOne(t, `
title: Brute
id: b-1
name: brute
level: high
tags: [attack.t1110]
x-team: blue
custom_attributes: {rsigma.suppress: 5m, owner: soc}
correlation:
  type: temporal
  rules: [ra, rb]
  group-by: User
  timeframe: 90m
  generate: true
`)
	if err != nil {
		t.Fatal(err)
	}
	if r.Type != Temporal || r.Timespan != 90*time.Minute || !r.Generate || r.GroupBy[0] != "User" {
		t.Fatalf("parsed %+v", r)
	}
	if !r.Condition.Defaulted || r.Condition.String() != ">= 2" {
		t.Fatalf("temporal default condition = %q", r.Condition.String())
	}
	var keys []string
	for _, a := range r.CustomAttributes {
		keys = append(keys, a.Key)
	}
	if strings.Join(keys, ",") != "x-team,rsigma.suppress,owner" {
		t.Fatalf("custom attributes %v", keys)
	}
	if r.StableKey() != "b-1" {
		t.Fatalf("stable key %q", r.StableKey())
	}
	e, err := parseOne(t, `{title: t, correlation: {type: temporal_ordered, timespan: 1m, condition: 'a and b'}}`)
	if err != nil || strings.Join(e.Refs, ",") != "a,b" {
		t.Fatalf("rules derived from the expression: %v %v", e, err)
	}
}

func TestParseTimespan(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"30s": 30 * time.Second, "5m": 5 * time.Minute, "1h": time.Hour, "2d": 48 * time.Hour,
		"1w": 7 * 24 * time.Hour, "1M": 2629746 * time.Second, "1y": 31556952 * time.Second,
	} {
		if got, err := ParseTimespan(in); err != nil || got != want {
			t.Errorf("%s: got %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "m", "10", "0s", "5m30s", "1.5h", "1H", " 5m", "-5m", "99999999999s", "9999999999y"} {
		if _, err := ParseTimespan(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestCompileRejects(t *testing.T) {
	dets := []*sigma.Rule{{Title: "A", Name: "a", ID: "id-a"}, {Title: "B", Name: "dup"}, {Title: "C", Name: "dup"}}
	for _, tc := range []struct{ name, docs, want string }{
		{"C73 dangling reference", `{title: t, correlation: {type: event_count, rules: [nope], timespan: 1m, condition: {gte: 1}}}`,
			"rules/c.yml: t: correlation.rules[0]: unknown rule reference \"nope\""},
		{"ambiguous name", `{title: t, correlation: {type: event_count, rules: [dup], timespan: 1m, condition: {gte: 1}}}`,
			"ambiguous rule reference \"dup\""},
		{"C73 cycle", `
title: A2B
name: x
correlation: {type: event_count, rules: [y], timespan: 1m, condition: {gte: 1}}
---
title: B2A
name: y
correlation: {type: event_count, rules: [x], timespan: 1m, condition: {gte: 1}}
`, "reference cycle: A2B → B2A → A2B"},
		{"self reference", `{title: s, name: s, correlation: {type: event_count, rules: [s], timespan: 1m, condition: {gte: 1}}}`,
			"reference cycle: s → s"},
		{"value_count over a correlation", `
title: P
correlation: {type: value_count, rules: [k], timespan: 1m, condition: {field: f, gte: 1}}
---
title: K
name: k
correlation: {type: event_count, rules: [a], timespan: 1m, condition: {gte: 1}}
`, "value_count cannot aggregate over correlation"},
		{"bad rsigma.suppress attribute", `{title: t, rsigma.suppress: 5x, correlation: {type: event_count, rules: [a], timespan: 1m, condition: {gte: 1}}}`,
			"custom_attributes.rsigma.suppress"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rules []*Rule
			dec := yaml.NewDecoder(strings.NewReader(tc.docs))
			for {
				var n yaml.Node
				if dec.Decode(&n) != nil {
					break
				}
				r, err := ParseNode("rules/c.yml", &n)
				if err != nil {
					t.Fatal(err)
				}
				rules = append(rules, r)
			}
			eng, errs := Compile(rules, dets, nil, Options{})
			if len(errs) == 0 || !strings.Contains(errs[0].Error(), tc.want) {
				t.Fatalf("errors %v, want one containing %q", errs, tc.want)
			}
			if eng == nil || eng.Len() != len(rules)-len(errs) {
				t.Fatalf("engine keeps %d correlations with %d errors", eng.Len(), len(errs))
			}
		})
	}
}

func TestCompileChildFailureRejectsParent(t *testing.T) {
	rules := parseRules(t, `
title: Parent
correlation: {type: event_count, rules: [child], timespan: 1m, condition: {gte: 1}}
---
title: Child
name: child
correlation: {type: event_count, rules: [missing], timespan: 1m, condition: {gte: 1}}
---
title: Fine
correlation: {type: event_count, rules: [id-a], timespan: 1m, condition: {gte: 1}}
`)
	eng, errs := Compile(rules, []*sigma.Rule{{Title: "A", ID: "id-a"}}, nil, Options{})
	if len(errs) != 2 || !strings.Contains(errs[0].Error(), "references correlation \"Child\", which failed to load") {
		t.Fatalf("errors: %v", errs)
	}
	if eng.Len() != 1 || eng.Rules()[0].Title != "Fine" {
		t.Fatalf("loaded %d", eng.Len())
	}
}

func TestParseExpr(t *testing.T) {
	e, err := ParseExpr("a or b and not (c or d)")
	if err != nil {
		t.Fatal(err)
	}
	if got := e.String(); got != "(a or (b and not (c or d)))" {
		t.Fatalf("precedence: %s", got)
	}
	for _, bad := range []string{"", "a and", "(a", "a b", "all of them", "x*"} {
		if _, err := ParseExpr(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
