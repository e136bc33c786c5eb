package sigma_test

import (
	"fmt"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

const exampleRule = `title: Whoami Execution
id: 8f8f0d6e-3b7c-4d9a-9a51-3f1f5e0f7a11
level: medium
tags: [attack.discovery, attack.t1033]
logsource: {category: process_creation, product: windows}
custom_attributes:
  rsigma.include_event: "true"
detection:
  selection:
    Image|endswith: '\whoami.exe'
  filter_system:
    User: 'NT AUTHORITY\SYSTEM'
  condition: selection and not filter_system
`

// Load a rule from YAML text, compile it and evaluate one JSON event.
func Example() {
	rs, _ := sigma.LoadBytes("whoami.yml", []byte(exampleRule))
	engine, rejected, err := sigma.Compile(rs, sigma.CompileOptions{})
	if err != nil || len(rejected) > 0 {
		panic(fmt.Sprint(err, rejected))
	}
	ev := sigma.NewJSONEvent(engine.Fields())
	if err := ev.Reset([]byte(`{"Image":"C:\\Windows\\System32\\WHOAMI.EXE","User":"CORP\\alice"}`)); err != nil {
		panic(err)
	}
	for _, m := range engine.Evaluate(ev, nil) {
		fmt.Println(m.Rule.Title, m.Rule.Level, m.Selections)
		for _, f := range m.Fields {
			fmt.Printf("  %s = %s\n", f.Field, f.Value.Str)
		}
	}
	// Output:
	// Whoami Execution medium [selection]
	//   Image = C:\Windows\System32\WHOAMI.EXE
}

// Rejected documents do not stop the load: each error names the file, the
// rule and the YAML path of the offending item.
func ExampleLoadBytes_rejected() {
	rs, _ := sigma.LoadBytes("rules/bad.yml", []byte(`title: Bad modifier
logsource: {product: windows}
detection:
  selection:
    Image|foo: 'x.exe'
  condition: selection
`))
	for _, le := range rs.Rejected {
		fmt.Println(le)
	}
	// Output:
	// rules/bad.yml: Bad modifier: detection.selection.Image|foo: unknown modifier "foo"
}

// Rule metadata needed for detection results is on the Rule.
func ExampleRule() {
	rs, _ := sigma.LoadBytes("whoami.yml", []byte(exampleRule))
	r := rs.Rules[0]
	fmt.Println(r.ID, r.Level, r.Tags, r.Logsource.Category)
	for _, a := range r.CustomAttributes {
		fmt.Printf("%s=%v\n", a.Key, a.Value)
	}
	// Output:
	// 8f8f0d6e-3b7c-4d9a-9a51-3f1f5e0f7a11 medium [attack.discovery attack.t1033] process_creation
	// rsigma.include_event=true
}

// Filters (meta rules) are ANDed into the rules they target before compiling.
func ExampleRuleSet_ApplyFilters() {
	rs, _ := sigma.LoadBytes("rules.yml", []byte(exampleRule+`---
title: Ignore admin workstations
logsource: {product: windows}
filter:
  rules: [8f8f0d6e-3b7c-4d9a-9a51-3f1f5e0f7a11]
  admin_ws:
    Computer|startswith: 'ADM-'
  condition: not admin_ws
`))
	rs.ApplyFilters()
	fmt.Println(rs.Rules[0].Detection.Conditions[0].Expr)
	engine, _, _ := sigma.Compile(rs, sigma.CompileOptions{})
	for _, js := range []string{
		`{"Image":"C:\\Windows\\System32\\whoami.exe","Computer":"ADM-01"}`,
		`{"Image":"C:\\Windows\\System32\\whoami.exe","Computer":"WS-01"}`,
	} {
		ev := sigma.NewJSONEvent(engine.Fields())
		_ = ev.Reset([]byte(js))
		fmt.Println(len(engine.Evaluate(ev, nil)))
	}
	// Output:
	// (selection and not filter_system) and not __filter1_admin_ws
	// 0
	// 1
}

// ParseCondition exposes the condition grammar (precedence: or < and < not).
func ExampleParseCondition() {
	expr, err := sigma.ParseCondition("a or b and not 1 of filter_*")
	fmt.Println(expr, err)
	_, err = sigma.ParseCondition("sel | count() > 5")
	fmt.Println(err)
	// Output:
	// a or (b and not 1 of filter_*) <nil>
	// condition "sel | count() > 5" at offset 4: legacy aggregation with '|' is not supported; use a correlation rule
}
