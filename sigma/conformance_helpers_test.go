package sigma

import (
	"strings"
	"testing"
)

// ev is one event of a conformance case and whether the rule must match it.
type ev struct {
	json  string
	match bool
}

func M(js string) ev { return ev{js, true} }
func N(js string) ev { return ev{js, false} }

// ruleDoc materialises a detection fragment into a full rule document
// (conformance-notes.md conventions: title t, logsource product test, default
// condition sel).
func ruleDoc(detection string) string {
	detection = strings.Trim(detection, "\n")
	if !strings.Contains(detection, "condition:") {
		detection += "\ncondition: sel"
	}
	var b strings.Builder
	b.WriteString("title: t\nlogsource: {product: test}\ndetection:\n")
	for _, line := range strings.Split(detection, "\n") {
		b.WriteString("  " + line + "\n")
	}
	return b.String()
}

// compileDoc loads and compiles YAML text; it returns the engines with the
// candidate index on and off, or the first load/compile error.
func compileDoc(t testing.TB, doc string) (on, off *Engine, err error) {
	t.Helper()
	rs, _ := LoadBytes("case.yml", []byte(doc))
	if len(rs.Rejected) > 0 {
		return nil, nil, rs.Rejected[0]
	}
	return compileSet(t, rs)
}

func compileSet(t testing.TB, rs *RuleSet) (on, off *Engine, err error) {
	rs.ApplyFilters()
	on, rej, err := Compile(rs, CompileOptions{})
	if err != nil {
		return nil, nil, err
	}
	if len(rej) > 0 {
		return nil, nil, rej[0]
	}
	off, _, _ = Compile(rs, CompileOptions{DisableCandidateIndex: true})
	return on, off, nil
}

// checkEvents asserts each event's verdict with the index on and off.
func checkEvents(t *testing.T, on, off *Engine, events []ev) {
	t.Helper()
	for _, e := range events {
		event := newTestEvent(t, e.json)
		gotOn := len(on.Evaluate(event, nil)) > 0
		gotOff := len(off.Evaluate(event, nil)) > 0
		if gotOn != gotOff {
			t.Errorf("event %s: index on=%v off=%v", e.json, gotOn, gotOff)
		}
		if gotOff != e.match {
			t.Errorf("event %s: matched=%v, want %v", e.json, gotOff, e.match)
		}
		// The same verdict through the production raw-JSON event.
		raw := NewJSONEvent(on.Fields())
		if err := raw.Reset([]byte(e.json)); err != nil {
			t.Fatalf("JSONEvent.Reset(%s): %v", e.json, err)
		}
		if gotRaw := len(on.Evaluate(raw, nil)) > 0; gotRaw != e.match {
			t.Errorf("event %s through JSONEvent: matched=%v, want %v", e.json, gotRaw, e.match)
		}
	}
}

// conformanceCase is one rule with its events, or a rule that must fail.
type conformanceCase struct {
	name      string
	detection string // fragment, materialised by ruleDoc
	doc       string // full document(s) instead of detection
	err       bool
	events    []ev
}

func runCases(t *testing.T, cases []conformanceCase) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := c.doc
			if doc == "" {
				doc = ruleDoc(c.detection)
			}
			on, off, err := compileDoc(t, doc)
			if c.err {
				if err == nil {
					t.Fatalf("rule loaded, want an error:\n%s", doc)
				}
				t.Logf("error as expected: %v", err)
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v\n%s", err, doc)
			}
			checkEvents(t, on, off, c.events)
		})
	}
}
