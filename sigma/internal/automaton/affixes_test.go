package automaton

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// randomAffixNeedles returns n needles over a small alphabet, so that many
// share prefixes, some repeat and some are prefixes of others; ids repeat
// too (one rule, several needles).
func randomAffixNeedles(rng *rand.Rand, n int) ([]string, []int32) {
	needles := make([]string, n)
	ids := make([]int32, n)
	for i := range needles {
		b := make([]byte, rng.IntN(6))
		for j := range b {
			b[j] = "ab\\.x"[rng.IntN(5)]
		}
		needles[i], ids[i] = string(b), int32(rng.IntN(n/2+1))
	}
	return needles, ids
}

// TestAffixSetMatchesEveryPrefixAndSuffix compares the tries with a direct
// test of every needle on random needle sets and texts.
func TestAffixSetMatchesEveryPrefixAndSuffix(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 18))
	for round := 0; round < 200; round++ {
		needles, ids := randomAffixNeedles(rng, 1+rng.IntN(40))
		pre := NewAffixes(needles, ids, false)
		suf := NewAffixes(needles, ids, true)
		for range 20 {
			text, _ := randomAffixNeedles(rng, 2)
			s := text[0] + text[1]
			var gotPre, gotSuf, wantPre, wantSuf []int32
			pre.Match(s, func(id int32) { gotPre = append(gotPre, id) })
			suf.Match(s, func(id int32) { gotSuf = append(gotSuf, id) })
			for i, nd := range needles {
				if nd != "" && strings.HasPrefix(s, nd) {
					wantPre = append(wantPre, ids[i])
				}
				if nd != "" && strings.HasSuffix(s, nd) {
					wantSuf = append(wantSuf, ids[i])
				}
			}
			for _, l := range [][]int32{gotPre, gotSuf, wantPre, wantSuf} {
				slices.Sort(l)
			}
			if !slices.Equal(slices.Compact(gotPre), slices.Compact(wantPre)) || !slices.Equal(slices.Compact(gotSuf), slices.Compact(wantSuf)) {
				t.Fatalf("needles %q ids %v text %q: prefix ids %v, want %v; suffix ids %v, want %v",
					needles, ids, s, gotPre, wantPre, gotSuf, wantSuf)
			}
		}
	}
}

// TestAffixSetBuildsInFewAllocations guards the linear build: the tries
// are built in a few flat arrays, not a node (and its child lists) at a
// time, whose child searches made the build super-linear in the needles of
// a large rule set.
func TestAffixSetBuildsInFewAllocations(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	needles := make([]string, 20000)
	ids := make([]int32, len(needles))
	for i := range needles {
		b := make([]byte, 8+rng.IntN(24))
		for j := range b {
			b[j] = byte('a' + rng.IntN(26))
		}
		needles[i], ids[i] = string(b), int32(i)
	}
	for _, reverse := range []bool{false, true} {
		allocs := testing.AllocsPerRun(2, func() { NewAffixes(needles, ids, reverse) })
		limit := 200.0
		if reverse {
			limit += float64(len(needles)) // one reversed key per needle
		}
		if allocs > limit {
			t.Errorf("reverse=%v: %.0f allocations for %d needles, want at most %.0f", reverse, allocs, len(needles), limit)
		}
	}
}
