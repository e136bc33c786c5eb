package sigma

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// FuzzLoadCompileEvaluate feeds arbitrary rule text through the whole path:
// bad input must give errors, never panics (loading recovers a panic into
// an ErrInternal load error, which fails here too).
func FuzzLoadCompileEvaluate(f *testing.F) {
	for _, seed := range []string{
		ruleDoc("sel: {Image|endswith: '\\x.exe', User: [a, b]}"),
		ruleDoc("sel: {A|re|i: '^a.*b$'}\nkw: [x, 'y*z']\ncondition: sel or 1 of k*"),
		ruleDoc("sel: {A|windash|base64offset|contains: ' -x'}"),
		ruleDoc("sel: {A|cidr: [10.0.0.0/8]}\ncondition: not sel"),
		c57Global,
		c58Rule + "---\n" + c58Filter("{product: windows}", "not sel"),
		"action: global\n---\n- x\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		tm := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("slow input %q", doc)) })
		defer tm.Stop()
		rs, _ := LoadBytes("fuzz.yml", []byte(doc))
		loadRejected := append([]*LoadError(nil), rs.Rejected...)
		e, rejected, err := Compile(rs, CompileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, le := range append(loadRejected, rejected...) {
			if errors.Is(le, ErrInternal) {
				t.Fatal(le)
			}
		}
		for _, js := range []string{`{}`, `{"Image":"C:\\x.exe","A":["a b",1,null,{"x":1}],"User":"a"}`} {
			ev := NewJSONEvent(e.Fields())
			if err := ev.Reset([]byte(js)); err != nil {
				t.Fatal(err)
			}
			e.Evaluate(ev, nil)
		}
	})
}

// FuzzParseCondition: any condition text parses or fails cleanly, and a
// parsed expression renders to text that parses to the same rendering.
func FuzzParseCondition(f *testing.F) {
	for _, seed := range []string{"a or b and not c", "1 of sel_* and not all of filter*", "not (a and (b or c))", "x | count() > 1", "(((a)))"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		expr, err := ParseCondition(text)
		if err != nil {
			return
		}
		again, err := ParseCondition(expr.String())
		if err != nil {
			t.Fatalf("%q rendered as %q which does not parse: %v", text, expr.String(), err)
		}
		if again.String() != expr.String() {
			t.Fatalf("%q: %q re-renders as %q", text, expr.String(), again.String())
		}
	})
}
