package sigma

import (
	"fmt"
	"math/bits"
	"math/rand"
	"strings"
	"testing"
)

// markTestRules returns n rules of four shapes, cycling: one clause, two
// clauses, a veto (`sel and not filter`), and rules without witnesses
// (evaluated on every event).
func markTestRules(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "title: r%d\nid: 00000000-0000-0000-0000-%012d\nlogsource: {product: test}\ndetection:\n", i, i)
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "  sel: {CommandLine|contains: 'tok%dx'}\n  condition: sel\n", i)
		case 1:
			fmt.Fprintf(&b, "  sel: {CommandLine|contains: 'tok%dx', Image|endswith: '\\img%d.exe'}\n  condition: sel\n", i, i)
		case 2:
			fmt.Fprintf(&b, "  sel: {CommandLine|contains: 'tok%dx'}\n  filter: {Image|endswith: '\\veto%d.exe'}\n  condition: sel and not filter\n", i, i)
		default:
			if i%64 == 3 {
				fmt.Fprintf(&b, "  filter: {User: 'nobody%d'}\n  condition: not filter\n", i)
			} else {
				fmt.Fprintf(&b, "  sel: {CommandLine|contains: 'tok%dx'}\n  condition: sel\n", i)
			}
		}
		b.WriteString("---\n")
	}
	return b.String()
}

// markTestEvent witnesses rule i (and, when veto, vetoes it).
func markTestEvent(i int, image string) string {
	return fmt.Sprintf(`{"CommandLine":"run tok%dx now","Image":"C:\\x\\%s","User":"u"}`, i, image)
}

// TestCandidatesReadOnlyTheWordsAnEventMarks checks the two-level rule marks
// (index_marks.go): an event that witnesses one rule touches a few words of
// the mark table however many rules there are, reset leaves no mark behind,
// and no true candidate is dropped (every event, in sequence, matches as
// without the index, with and without a rule subset).
func TestCandidatesReadOnlyTheWordsAnEventMarks(t *testing.T) {
	const n = 64 * 40
	on, off, err := compileDoc(t, markTestRules(n))
	if err != nil {
		t.Fatal(err)
	}
	var half []int
	for i := 0; i < n; i += 2 {
		half = append(half, i)
	}
	subOn, subOff := on.Subset(half), off.Subset(half)
	rng := rand.New(rand.NewSource(1))
	sc := newEvalScratch(len(on.rules), on.index)
	checked := 0
	for k := 0; k < 3000; k++ {
		i := rng.Intn(n)
		image := []string{fmt.Sprintf("img%d.exe", i), fmt.Sprintf("veto%d.exe", i), "other.exe"}[rng.Intn(3)]
		doc := markTestEvent(i, image)
		if k%7 == 0 {
			doc = `{"CommandLine":"nothing here","Image":"C:\\x\\y.exe","User":"nobody3"}`
		}
		ev := newTestEvent(t, doc)
		for _, sub := range []*RuleSubset{nil, subOn} {
			cands := on.index.candidates(ev, sc, sub)
			if touched := popCount(sc.touched); touched > markRegions+len(on.index.alwaysWords) {
				t.Fatalf("%s: %d words of the mark table touched, want at most %d (candidates %v)", doc, touched, markRegions+len(on.index.alwaysWords), cands)
			}
			sc.reset()
			for w, word := range sc.marks {
				if word != 0 {
					t.Fatalf("%s: mark word %d is %#x after reset", doc, w, word)
				}
			}
			if popCount(sc.touched) != 0 {
				t.Fatalf("%s: touched words left after reset", doc)
			}
		}
		got, want := describeMatches(on.Evaluate(ev, nil)), describeMatches(off.Evaluate(ev, nil))
		if got != want {
			t.Fatalf("%s: index on:\n%s\nindex off:\n%s", doc, got, want)
		}
		gotSub, wantSub := describeMatches(on.EvaluateSubset(ev, subOn, nil)), describeMatches(off.EvaluateSubset(ev, subOff, nil))
		if gotSub != wantSub {
			t.Fatalf("%s, subset: index on:\n%s\nindex off:\n%s", doc, gotSub, wantSub)
		}
		if want != "" {
			checked++
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d events matched a rule; the comparison proves little", checked)
	}
}

func popCount(set []uint64) int {
	n := 0
	for _, w := range set {
		n += bits.OnesCount64(w)
	}
	return n
}
