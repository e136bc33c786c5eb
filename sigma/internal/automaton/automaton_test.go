package automaton

import (
	"math/rand"
	"strings"
	"testing"
)

func TestSubstringSetFindsEveryOccurrence(t *testing.T) {
	needles := []string{"he", "she", "his", "hers", "a", "abcab", "bca", "\\windows\\", "é"}
	ids := make([]int32, len(needles))
	for i := range ids {
		ids[i] = int32(i)
	}
	set := NewSubstrings(needles, ids)
	rng := rand.New(rand.NewSource(1))
	alphabet := "abcehirs\\windowsé "
	for trial := 0; trial < 2000; trial++ {
		text := randomString(rng, alphabet, rng.Intn(30))
		got := map[int32]bool{}
		set.Scan(text, func(id int32) { got[id] = true })
		for i, nd := range needles {
			want := strings.Contains(text, nd)
			// Non-ASCII bytes share one class: such needles may report
			// extra occurrences, never miss one.
			exact := !strings.ContainsFunc(nd, func(r rune) bool { return r >= 0x80 })
			if want && !got[int32(i)] || exact && !want && got[int32(i)] {
				t.Fatalf("text %q needle %q: found=%v, want %v", text, nd, got[int32(i)], want)
			}
		}
	}
}

func TestAffixSetFindsPrefixesAndSuffixes(t *testing.T) {
	needles := []string{"c:\\", "c:\\windows\\", ".exe", "\\cmd.exe", "x", ""}
	ids := []int32{0, 1, 2, 3, 4, 5}
	pre := NewAffixes(needles, ids, false)
	suf := NewAffixes(needles, ids, true)
	for _, text := range []string{"c:\\windows\\system32\\cmd.exe", "x", "", "c:", "d:\\x.exe", "xx"} {
		gotPre, gotSuf := map[int32]bool{}, map[int32]bool{}
		pre.Match(text, func(id int32) { gotPre[id] = true })
		suf.Match(text, func(id int32) { gotSuf[id] = true })
		for i, nd := range needles {
			wantPre := nd != "" && strings.HasPrefix(text, nd)
			wantSuf := nd != "" && strings.HasSuffix(text, nd)
			if gotPre[int32(i)] != wantPre || gotSuf[int32(i)] != wantSuf {
				t.Errorf("text %q needle %q: prefix %v/%v suffix %v/%v", text, nd, gotPre[int32(i)], wantPre, gotSuf[int32(i)], wantSuf)
			}
		}
	}
}

// Deep states (past denseDepth, index_ac_layout.go) follow failure links:
// long needles over a tiny alphabet exercise long failure chains.
func TestSubstringSetDeepStatesFindEveryOccurrence(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	alphabet := "abAB"
	word := func(n int) string {
		var b strings.Builder
		for ; n > 0; n-- {
			b.WriteByte(alphabet[rng.Intn(2)]) // needles: lower case only
		}
		return b.String()
	}
	needles := make([]string, 40)
	ids := make([]int32, len(needles))
	for i := range needles {
		needles[i] = word(3 + rng.Intn(10))
		ids[i] = int32(i)
	}
	set := buildSubstrings(needles, ids, 0) // split: the test needs deep states
	if set.dense >= int32(set.States()) {
		t.Fatalf("no deep states: %d dense of %d", set.dense, set.States())
	}
	for trial := 0; trial < 3000; trial++ {
		text := randomString(rng, alphabet, rng.Intn(60))
		folded := strings.ToLower(text)
		got := map[int32]bool{}
		set.Scan(folded, func(id int32) { got[id] = true })
		viaFold := map[int32]bool{}
		set.ScanFolding([]byte(text), func(id int32) { viaFold[id] = true })
		any := false
		for i, nd := range needles {
			want := strings.Contains(folded, nd)
			any = any || want
			if got[int32(i)] != want || viaFold[int32(i)] != want {
				t.Fatalf("text %q needle %q: scan=%v folding=%v, want %v", text, nd, got[int32(i)], viaFold[int32(i)], want)
			}
		}
		if set.ContainsAny(folded) != any {
			t.Fatalf("text %q: containsAny=%v, want %v", text, !any, any)
		}
	}
}
