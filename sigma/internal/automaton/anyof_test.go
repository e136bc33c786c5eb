package automaton

import (
	"math/rand"
	"testing"
)

// AnyOf answers what Substrings.ContainsAny answers, in under half the
// table (16-bit transitions, no rows where a needle ends), and declines a
// set whose table 16 bits cannot address.
func TestAnyOfAgreesWithSubstrings(t *testing.T) {
	rng := rand.New(rand.NewSource(6))
	const alphabet = `abcdeKZ\.: -é`
	word := func(max int) string { return randomString(rng, alphabet, 1+rng.Intn(max)) }
	for set := 0; set < 50; set++ {
		needles := make([]string, 4+rng.Intn(60))
		for i := range needles {
			needles[i] = word(10)
		}
		needles = append(needles, "") // ignored
		a, s := NewAnyOf(needles), NewSubstrings(needles, make([]int32, len(needles)))
		if a == nil {
			t.Fatalf("set %d: no AnyOf for %d needles", set, len(needles))
		}
		if a.Size() > s.Size()/2 {
			t.Errorf("set %d: AnyOf %d bytes, Substrings %d: want at most half", set, a.Size(), s.Size())
		}
		for trial := 0; trial < 200; trial++ {
			text := word(40)
			if a.ContainsAny(text) != s.ContainsAny(text) {
				t.Fatalf("set %d, text %q: AnyOf %v, Substrings %v", set, text, a.ContainsAny(text), s.ContainsAny(text))
			}
			if a.Folding != nil && a.ContainsAnyClasses(text, a.Folding) != s.ContainsAnyClasses(text, s.Folding) {
				t.Fatalf("set %d, text %q: folding scans differ", set, text)
			}
		}
	}
	large := make([]string, 5000)
	for i := range large {
		large[i] = word(20)
	}
	if NewAnyOf(large) != nil {
		t.Errorf("an AnyOf for 5000 needles: its table cannot fit 16-bit transitions")
	}
	if NewAnyOf([]string{""}) != nil {
		t.Errorf("an AnyOf without needles")
	}
}
