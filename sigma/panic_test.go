package sigma

import (
	"errors"
	"strings"
	"testing"
)

func TestIsolateTurnsPanicIntoError(t *testing.T) {
	var s []int
	err := Isolate(func() error { _ = s[3]; return nil })
	if !errors.Is(err, ErrInternal) {
		t.Fatalf("got %v, want an error wrapping ErrInternal", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "index out of range") || !strings.Contains(msg, "panic_test.go:") {
		t.Fatalf("%q does not name the panic and where it happened", msg)
	}
	want := errors.New("plain")
	if err := Isolate(func() error { return want }); err != want {
		t.Fatalf("an ordinary error came back as %v", err)
	}
}

// A rule whose compilation panics (here a nil detection item, as a faulty
// rewrite could leave behind) is that rule's load error; the other rules of
// the set still compile and match.
func TestCompileIsolatesAPanickingRule(t *testing.T) {
	rs, _ := LoadBytes("rules.yml", []byte(ruleDoc("sel: {CommandLine|contains: malware}")+"---\n"+
		strings.Replace(ruleDoc("sel: {CommandLine|contains: beacon}"), "title: t", "title: broken", 1)))
	if len(rs.Rules) != 2 {
		t.Fatalf("loaded %d rules, want 2: %v", len(rs.Rules), rs.Rejected)
	}
	broken := rs.Rules[1].Detection.Searches[0].Groups[0]
	broken.Items = append(broken.Items, nil)
	e, rejected, err := Compile(rs, CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rejected) != 1 || !errors.Is(rejected[0], ErrInternal) || rejected[0].File != "rules.yml" || rejected[0].Rule != "broken" {
		t.Fatalf("rejected %v, want the broken rule with an internal error", rejected)
	}
	ev := NewJSONEvent(e.Fields())
	if err := ev.Reset([]byte(`{"CommandLine":"malware.exe"}`)); err != nil {
		t.Fatal(err)
	}
	if m := e.Evaluate(ev, nil); len(m) != 1 {
		t.Fatalf("%d matches from the rule that compiled, want 1", len(m))
	}
}
