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
	rng := rand.New(rand.NewSource(3))
	const alphabet = `abcdefghijklmnopqrstuvwxyz0123456789\.-_ :/`
	needles := make([]string, 20000)
	ids := make([]int32, len(needles))
	for i := range needles {
		var b strings.Builder
		for n := 4 + rng.Intn(24); n > 0; n-- {
			b.WriteByte(alphabet[rng.Intn(len(alphabet))])
		}
		needles[i], ids[i] = b.String(), int32(i)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	a := buildSubstrings(needles, ids, 0) // split: deep lists as in a large automaton
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d states, size %d, allocated %d (x%.2f)", a.States(), a.Size(), allocated, float64(allocated)/float64(a.Size()))
	// The trie being built, the breadth-first graph and the sorted keys
	// take about as much again as the tables (x2.35; x4.31 when the
	// arrays grew by appending).
	if limit := uint64(3 * a.Size()); allocated > limit {
		t.Errorf("building %d states (%d bytes) allocated %d bytes, want at most %d", a.States(), a.Size(), allocated, limit)
	}
}
