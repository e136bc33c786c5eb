package automaton

import (
	"math/rand"
	"runtime"
	"strings"
	"testing"
)

// A large automaton's build allocates its tables at their size: the trie,
// the output lists and the deep lists are counted before they are filled,
// so that loading a large rule set leaves no grown copies behind (they were
// most of the free pages at the end of a 30k-rule load, and so of its peak
// RSS). Measured: bytes allocated by one build against the automaton's
// size.
func TestBuildAllocatesTheTablesOnce(t *testing.T) {
	needles, ids := randomWords(rand.New(rand.NewSource(3)), pathAlphabet, 20000, 4, 24)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	a := buildSubstrings(needles, ids, 0) // split: deep lists as in a large automaton
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d states, size %d, allocated %d (x%.2f)", a.States(), a.Size(), allocated, float64(allocated)/float64(a.Size()))
	// The trie being built, the breadth-first graph and the sorted keys
	// take about as much again as the tables (x2.5; x4.3 when the
	// arrays grew by appending).
	if limit := uint64(3 * a.Size()); allocated > limit {
		t.Errorf("building %d states (%d bytes) allocated %d bytes, want at most %d", a.States(), a.Size(), allocated, limit)
	}
}

// A large automaton keeps dense rows for its top levels only (largeDenseDepth):
// at 30k rules the rows of the states four to six bytes deep were ~15 MB
// that a scan rarely reads; deeper states list their transitions. Matching
// is unchanged.
func TestLargeAutomatonHasDenseRowsForItsTopLevels(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	needles, ids := randomWords(rng, pathAlphabet, 20000, 2, 20)
	top := map[string]bool{"": true} // the states up to largeDenseDepth bytes deep
	for _, nd := range needles {
		for d := 1; d <= min(largeDenseDepth, len(nd)); d++ {
			top[nd[:d]] = true
		}
	}
	a := NewSubstrings(needles, ids)
	if int(a.dense) != len(top) {
		t.Errorf("%d dense states, want the %d states up to %d bytes deep", a.dense, len(top), largeDenseDepth)
	}
	for trial := 0; trial < 300; trial++ {
		text := randomString(rng, pathAlphabet, rng.Intn(200))
		text += needles[rng.Intn(len(needles))] // at least one occurrence
		got := map[int32]bool{}
		a.Scan(text, func(id int32) { got[id] = true })
		for i, nd := range needles {
			if strings.Contains(text, nd) != got[int32(i)] {
				t.Fatalf("text %q needle %q: found %v", text, nd, got[int32(i)])
			}
		}
	}
}

// An affix trie numbers its nodes breadth-first, so that an edge's target
// is implied by its position: nine bytes per node and one per output (the
// edge target array cost four more per node), and matching is unchanged.
func TestAffixTrieNeedsNoEdgeTargets(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	const alphabet = `abc\.:`
	needles, ids := randomWords(rng, alphabet, 3000, 1, 12)
	for _, reverse := range []bool{false, true} {
		a := NewAffixes(needles, ids, reverse)
		nodes := len(a.edgeStart) - 1
		if limit := 4*256 + 9*nodes + 4*len(a.outIDs) + 8; a.Size() > limit {
			t.Errorf("reverse %v: %d nodes take %d bytes, want at most %d", reverse, nodes, a.Size(), limit)
		}
		for trial := 0; trial < 500; trial++ {
			text := randomString(rng, alphabet, rng.Intn(16))
			got := map[int32]bool{}
			a.Match(text, func(id int32) { got[id] = true })
			for i, nd := range needles {
				want := strings.HasPrefix(text, nd)
				if reverse {
					want = strings.HasSuffix(text, nd)
				}
				if want != got[int32(i)] {
					t.Fatalf("reverse %v, text %q, needle %q: found %v, want %v", reverse, text, nd, got[int32(i)], want)
				}
			}
		}
	}
}

// pathAlphabet is the bytes of the needles of path-like fields.
const pathAlphabet = `abcdefghijklmnopqrstuvwxyz0123456789\.-_ :/`
