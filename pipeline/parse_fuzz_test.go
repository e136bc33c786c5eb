package pipeline

import (
	"errors"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// Malformed pipelines must produce errors, never panics, and a pipeline
// that parses must apply to a rule without panicking (Apply and Compile
// recover a panic into an ErrInternal rejection, which fails here too).
func FuzzParseAndApply(f *testing.F) {
	for _, seed := range []string{
		"", "name: x\npriority: 3\n", "transformations: [1, x, null]\n", "vars: 5\n", "priority: [1]\n",
		"transformations:\n- type: field_name_mapping\n  mapping: {Image: [a, b]}\n",
		"transformations:\n- type: nest\n  items:\n  - type: nest\n    items: [{type: set_state, key: k, val: v}]\n",
		"transformations:\n- type: add_condition\n  conditions: {a: {b: c}}\n",
		"transformations:\n- type: hashes_fields\n- type: value_placeholders\n  include: [x]\n",
		"transformations:\n- type: replace_string\n  regex: '(a)'\n  replacement: '\\1\\2$3'\n",
		"transformations:\n- type: field_name_suffix\n  suffix: x\n  rule_conditions: {a: {type: tag, tag: t}}\n  rule_cond_expr: 'not (a or'\n",
		"transformations:\n- include: ${source.x}\n",
		"vars: {x: [a, 'b*'], y: ['%x%']}\ntransformations:\n- type: value_placeholders\n  exclude: [z]\n- type: wildcard_placeholders\n",
	} {
		f.Add(seed)
	}
	rule := "title: T\nlogsource: {category: process_creation, product: windows}\ndetection:\n" +
		"    sel: {Image|endswith: '\\cmd.exe', Hashes|contains: 'MD5=0123', CommandLine|expand: '%x%', User|contains: ['%y%-%x%', '50%']}\n" +
		"    kw: [a, b]\n    condition: sel or kw\n"
	f.Fuzz(func(t *testing.T, src string) {
		pl, err := Parse("fuzz.yml", []byte(src))
		if err != nil {
			return
		}
		rs, err := sigma.LoadBytes("rule.yml", []byte(rule))
		if err != nil || len(rs.Rules) != 1 {
			t.Fatalf("fixture rule: %v", err)
		}
		Apply([]*Pipeline{pl}, rs)
		_, rejected, err := sigma.Compile(rs, sigma.CompileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, le := range append(rs.Rejected, rejected...) {
			if errors.Is(le, sigma.ErrInternal) {
				t.Fatal(le)
			}
		}
	})
}
