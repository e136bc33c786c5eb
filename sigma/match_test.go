package sigma

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestMatchReportsSelectionsAndFields(t *testing.T) {
	doc := ruleDoc(`
sel_img: {Image|endswith: '\x.exe', User: alice}
sel_cli: {CommandLine|contains: evil}
kw: [marker]
flt: {Parent: y}
gone: {Missing: null}
condition:
  - never and sel_img
  - 1 of sel_* and not flt or kw and gone
never: {Nope: 1}`)
	cases := []struct {
		name       string
		event      string
		selections []string
		fields     []string
	}{
		{"all_true_identifiers_in_condition_order",
			`{"Image":"C:\\x.exe","User":"Alice","CommandLine":"run evil","Other":"marker"}`,
			[]string{"sel_img", "sel_cli", "kw", "gone"}, []string{"Image", "User", "CommandLine"}},
		{"false_selection_not_listed",
			`{"Image":"C:\\x.exe","User":"Alice"}`,
			[]string{"sel_img", "gone"}, []string{"Image", "User"}},
		{"keyword_only_match_lists_no_fields",
			`{"Other":"a MARKER b"}`,
			[]string{"kw", "gone"}, nil},
	}
	on, off, err := compileDoc(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, e := range []*Engine{on, off} {
				ms := e.Evaluate(newTestEvent(t, c.event), nil)
				if len(ms) != 1 {
					t.Fatalf("want one match, got %d", len(ms))
				}
				var fields []string
				for _, f := range ms[0].Fields {
					fields = append(fields, f.Field)
				}
				if !reflect.DeepEqual(ms[0].Selections, c.selections) || !reflect.DeepEqual(fields, c.fields) {
					t.Errorf("selections %v fields %v, want %v %v", ms[0].Selections, fields, c.selections, c.fields)
				}
			}
		})
	}
}

func TestMatchFieldValueIsTheEventValue(t *testing.T) {
	on, _, err := compileDoc(t, ruleDoc(`sel: {Tags: admin, EventID: 4624}`))
	if err != nil {
		t.Fatal(err)
	}
	ms := on.Evaluate(newTestEvent(t, `{"Tags":["user","ADMIN"],"EventID":4624}`), nil)
	if len(ms) != 1 || len(ms[0].Fields) != 2 {
		t.Fatalf("got %+v", ms)
	}
	if v := ms[0].Fields[0].Value; v.Kind != KindArray || len(v.Items) != 2 {
		t.Errorf("Tags value %+v, want the whole array", v)
	}
	if v := ms[0].Fields[1].Value; v.Kind != KindNumber || v.Str != "4624" {
		t.Errorf("EventID value %+v, want number 4624", v)
	}
}

func TestFilterIdentifiersAreNotReported(t *testing.T) {
	rs, _ := LoadBytes("f.yml", []byte(c58Rule+"---\n"+c58Filter("{product: windows}", "not sel")))
	on, _, err := compileSet(t, rs)
	if err != nil {
		t.Fatal(err)
	}
	ms := on.Evaluate(newTestEvent(t, `{"Image":"C:\\w\\whoami.exe","User":"bob"}`), nil)
	if len(ms) != 1 || !reflect.DeepEqual(ms[0].Selections, []string{"sel"}) {
		t.Fatalf("got %+v", ms)
	}
}

func TestRuleMetadata(t *testing.T) {
	rs, _ := LoadBytes("m.yml", []byte(`title: Meta
id: 1234
name: meta_rule
status: experimental
level: high
author: someone
date: 2024-01-02
tags: attack.t1059
references: [https://example.org]
falsepositives: Admins
custom_field: top
custom_attributes:
  rsigma.suppress: 5m
  custom_field: explicit
  n: 0x10
  nested: {a: [1, true, null]}
related:
  - {id: abc, type: derived}
logsource: {category: process_creation, product: windows, custom_dim: x}
detection: {sel: {A: 1}, condition: sel}
`))
	if len(rs.Rejected) > 0 {
		t.Fatal(rs.Rejected[0])
	}
	r := rs.Rules[0]
	if r.Title != "Meta" || r.ID != "1234" || r.Name != "meta_rule" || r.Level != "high" || r.Status != "experimental" || r.Date != "2024-01-02" {
		t.Errorf("scalars: %+v", r)
	}
	if !reflect.DeepEqual(r.Tags, []string{"attack.t1059"}) || !reflect.DeepEqual(r.FalsePositives, []string{"Admins"}) {
		t.Errorf("string-or-list keys: %v %v", r.Tags, r.FalsePositives)
	}
	var keys []string
	for _, a := range r.CustomAttributes {
		keys = append(keys, a.Key)
	}
	if !reflect.DeepEqual(keys, []string{"custom_field", "rsigma.suppress", "n", "nested"}) {
		t.Errorf("custom attribute order %v", keys)
	}
	if v, _ := r.CustomAttribute("custom_field"); v != "explicit" {
		t.Errorf("explicit custom attribute must win, got %v", v)
	}
	if v, _ := r.CustomAttribute("n"); v != jsonNumber("16") {
		t.Errorf("numbers become JSON numbers, got %#v", v)
	}
	if len(r.Related) != 1 || r.Logsource.Custom[0].Key != "custom_dim" {
		t.Errorf("related %v logsource %+v", r.Related, r.Logsource)
	}
}

func jsonNumber(s string) json.Number { return json.Number(s) }

// TestAddConditionIsInvisibleToThem mirrors a pipeline add_condition (C59):
// the injected identifier narrows the rule but `1 of them` ignores it.
func TestAddConditionIsInvisibleToThem(t *testing.T) {
	rs, _ := LoadBytes("a.yml", []byte(ruleDoc("sel: {User: x}\ncondition: 1 of them")))
	d := rs.Rules[0].Detection
	d.AddCondition(&Search{Name: "_cond_eventid", Groups: []*Group{{Items: []*Item{{Field: "EventID", Values: []*RuleValue{{Kind: RuleNumber, Text: "1", Int: 1, IsInt: true, Float: 1}}}}}}}, false)
	on, off, err := compileSet(t, rs)
	if err != nil {
		t.Fatal(err)
	}
	checkEvents(t, on, off, []ev{M(`{"User":"x","EventID":1}`), N(`{"User":"x","EventID":2}`), N(`{"EventID":1}`)})
}

func TestFilterSearchesArePrivatePerRule(t *testing.T) {
	rs, _ := LoadBytes("f.yml", []byte(c58Rule+"---\n"+strings.Replace(c58Rule, "whoami_exec", "other", 1)+"---\n"+
		"title: F\nlogsource: {product: windows}\nfilter:\n  rules: any\n  sel: {User: x}\n  condition: not sel\n"))
	rs.ApplyFilters()
	a := rs.Rules[0].Detection.Searches[1].Groups[0].Items[0]
	b := rs.Rules[1].Detection.Searches[1].Groups[0].Items[0]
	if a == b {
		t.Fatal("filter items are shared between rules")
	}
	a.Field = "renamed"
	if b.Field != "User" {
		t.Errorf("renaming one rule's filter item changed the other's to %q", b.Field)
	}
}

func TestRuleSetWarnings(t *testing.T) {
	rs, _ := LoadBytes("w.yml", []byte("title: A\nid: x\nlevel: severe\ndetection: {sel: {A: 1}, condition: sel, timeframe: 5m}\n---\ntitle: B\nid: x\nlogsource: {product: p}\ndetection: {sel: {A: 1}, condition: sel}\n"))
	got := strings.Join(rs.Warnings(), "\n")
	for _, want := range []string{`w.yml: A: invalid level "severe"`, "w.yml: A: missing logsource", "w.yml: A: detection.timeframe", "w.yml: B: duplicate id x"} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings lack %q:\n%s", want, got)
		}
	}
}

// TestEngineIsSafeForConcurrentUse evaluates one engine from several
// goroutines (run with -race); every goroutine must see the same matches.
func TestEngineIsSafeForConcurrentUse(t *testing.T) {
	on, _, err := compileDoc(t, ruleDoc(`
sel: {Image|endswith: '\x.exe', CommandLine|contains: [evil, bad]}
kw: [marker, other]
condition: sel or kw`))
	if err != nil {
		t.Fatal(err)
	}
	events := []string{`{"Image":"C:\\x.exe","CommandLine":"so evil"}`, `{"m":"a marker"}`, `{"Image":"C:\\y.exe"}`}
	want := []int{1, 1, 0}
	done := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func() {
			ev := NewJSONEvent(on.Fields())
			var out []Match
			for i := 0; i < 300; i++ {
				k := i % len(events)
				if err := ev.Reset([]byte(events[k])); err != nil {
					done <- err
					return
				}
				if out = on.Evaluate(ev, out[:0]); len(out) != want[k] {
					done <- fmt.Errorf("event %s: %d matches, want %d", events[k], len(out), want[k])
					return
				}
			}
			done <- nil
		}()
	}
	timeout := time.After(2 * time.Minute)
	for g := 0; g < 4; g++ {
		select {
		case err := <-done:
			if err != nil {
				t.Error(err)
			}
		case <-timeout:
			t.Fatalf("%d of 4 goroutines still evaluating after 2 minutes", 4-g)
		}
	}
}
