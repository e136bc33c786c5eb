package automaton

import "math"

// AnyOf answers whether any of its needles occurs in a text, and nothing
// more: a DFA like Substrings', with 16-bit transitions and no rows for the
// states where a needle ends (a scan stops there). A keyword item's needle
// set needs no more; SigmaHQ grown 10 times has ~350 such sets, 8.9 MB as
// Substrings, about half as AnyOf.
type AnyOf struct {
	Classes [256]uint8 // byte → class, as Substrings.Classes
	// Folding is Classes with A-Z mapped like a-z, nil when a needle has an
	// upper-case letter (fold.go).
	Folding  *[256]uint8
	nClasses uint32
	// next[row+class] is the row offset of the next state, or anyAccept.
	next []uint16
}

// anyAccept is the transition into a state where a needle ends.
const anyAccept = math.MaxUint16

// NewAnyOf builds the set of needles, or returns nil when its table does not
// fit 16-bit transitions (then use Substrings). Empty needles are ignored.
func NewAnyOf(needles []string) *AnyOf {
	probe := &Substrings{}
	probe.assignClasses(needles)
	keys, order := probe.sortedClassKeys(needles)
	if len(order) == 0 || trieStates(keys, order)*probe.nClasses >= anyAccept {
		return nil
	}
	s := buildSubstrings(needles, make([]int32, len(needles)), math.MaxInt) // every row dense
	nc := int32(s.nClasses)
	states := int32(s.States())
	row := make([]int32, states) // the row offset of a state without outputs
	rows := int32(0)
	for n := range states {
		if s.outStart[n] == s.outStart[n+1] {
			row[n] = rows * nc
			rows++
		}
	}
	a := &AnyOf{Classes: s.Classes, Folding: s.Folding, nClasses: uint32(nc), next: make([]uint16, rows*nc)}
	for n := range states {
		if s.outStart[n] < s.outStart[n+1] {
			continue
		}
		for c := range nc {
			to := uint16(anyAccept)
			if code := s.next[n*nc+c]; code >= 0 {
				to = uint16(row[code/nc])
			}
			a.next[row[n]+c] = to
		}
	}
	return a
}

// ContainsAny reports whether any needle occurs in text; exact for ASCII
// needles (non-ASCII bytes share one class, as in Substrings).
func (a *AnyOf) ContainsAny(text string) bool { return a.ContainsAnyClasses(text, &a.Classes) }

// ContainsAnyClasses is ContainsAny with the class table classes
// (a.Classes or a.Folding).
func (a *AnyOf) ContainsAnyClasses(text string, classes *[256]uint8) bool {
	next := a.next
	s := uint32(0)
	for i := 0; i < len(text); i++ {
		s = uint32(next[s+uint32(classes[text[i]])])
		if s == anyAccept {
			return true
		}
	}
	return false
}

// ClassTables returns the class tables: as the needles are, and with A-Z
// folded (nil when a needle has an upper-case letter).
func (a *AnyOf) ClassTables() (cased, folding *[256]uint8) { return &a.Classes, a.Folding }

// Size returns the memory of the transition table in bytes.
func (a *AnyOf) Size() int { return 2 * len(a.next) }
