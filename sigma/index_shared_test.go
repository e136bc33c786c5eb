package sigma

import (
	"fmt"
	"strings"
	"testing"
)

// sharedClauseRules returns n rules, each with its own exact Image (the
// first clause) and one of three further requirements that many rules
// share: CommandLine containing " -" or ":", the same in another order
// with a repetition, and " -" alone.
func sharedClauseRules(n int) string {
	shared := []string{`[' -', ':']`, `[':', ' -', ':']`, `[' -']`}
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "title: r%d\nid: 00000000-0000-0000-0000-%012d\nlogsource: {product: test}\ndetection:\n", i, i)
		fmt.Fprintf(&b, "  sel:\n    Image: 'C:\\x\\img%d.exe'\n    CommandLine|contains: %s\n  condition: sel\n---\n", i, shared[i%3])
	}
	return b.String()
}

// TestSharedClauseIsMarkedOnce checks the shared witness marks
// (index_shared.go): an event that holds a requirement shared by many
// rules sets one mark per distinct witness, not one per rule, and a rule
// is a candidate exactly when its own first clause and one of its further
// witnesses hold (the same matches as without the index).
func TestSharedClauseIsMarkedOnce(t *testing.T) {
	const n = 600
	on, off, err := compileDoc(t, sharedClauseRules(n))
	if err != nil {
		t.Fatal(err)
	}
	x := on.index
	sc := newEvalScratch(len(on.rules), x)
	ev := newTestEvent(t, `{"CommandLine":"run -q c:\\d","Image":"C:\\y\\other.exe"}`)
	if c := x.candidates(ev, sc, nil); len(c) != 0 {
		t.Fatalf("candidates %v, want none", c)
	}
	set := popCount(sc.marks) // no rule has one clause: no presets
	sc.reset()
	if set > 2 { // the two distinct witnesses " -" and ":"
		t.Fatalf("an event holding a requirement of %d rules set %d clause marks, want at most 2", n, set)
	}
	for i := 0; i < n; i += 7 {
		for _, cmd := range []string{"run -q c:\\d", "run c:\\d", "run -q", "run"} {
			doc := fmt.Sprintf(`{"CommandLine":%q,"Image":"C:\\x\\img%d.exe"}`, cmd, i)
			e := newTestEvent(t, doc)
			got, want := describeMatches(on.Evaluate(e, nil)), describeMatches(off.Evaluate(e, nil))
			if got != want {
				t.Fatalf("%s: index on:\n%s\nindex off:\n%s", doc, got, want)
			}
			if cmd == "run -q c:\\d" && want == "" {
				t.Fatalf("%s: rule %d does not match; the comparison proves little", doc, i)
			}
		}
	}
}
