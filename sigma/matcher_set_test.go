package sigma

import (
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/sigma/internal/automaton"
)

// TestKeywordNeedleSetAgreesWithSeparateSearches checks the one-pass keyword
// OR list against the per-value definition.
func TestKeywordNeedleSetAgreesWithSeparateSearches(t *testing.T) {
	needles := []string{"mimikatz", "sekurlsa::", "show arp", "dir", "é-x"}
	var doc strings.Builder
	doc.WriteString("keywords:\n")
	for _, n := range needles {
		doc.WriteString("  - '" + strings.ToUpper(n) + "'\n")
	}
	doc.WriteString("condition: keywords")
	on, _, err := compileDoc(t, ruleDoc(doc.String()))
	if err != nil {
		t.Fatal(err)
	}
	ascii := ruleDoc(strings.Replace(doc.String(), "  - 'É-X'\n", "", 1))
	onASCII, _, err := compileDoc(t, ascii)
	if err != nil {
		t.Fatal(err)
	}
	if keywordNeedleSet(on.rules[0].searches[0].groups[0][0]) != nil {
		t.Error("a non-ASCII needle must keep per-value matching")
	}
	if keywordNeedleSet(onASCII.rules[0].searches[0].groups[0][0]) == nil {
		t.Fatal("ASCII keyword list was not turned into a needle set")
	}
	for _, text := range []string{"run MIMIKATZ", "x", "", "Show ARP", "show  arp", "a/dir/b", "Sekurlsa:"} {
		want := false
		for _, n := range needles[:4] {
			want = want || strings.Contains(strings.ToLower(text), n)
		}
		got := len(onASCII.Evaluate(newTestEvent(t, `{"a":{"b":[`+quoteJSON(text)+`]}}`), nil)) == 1
		if got != want {
			t.Errorf("%q: matched=%v, want %v", text, got, want)
		}
	}
}

func quoteJSON(s string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
}

// A keyword item's needle set is the 16-bit AnyOf when it fits: it answers
// the one question the item asks in about half the table of a Substrings.
func TestKeywordNeedleSetIsAnAnyOf(t *testing.T) {
	on, _, err := compileDoc(t, ruleDoc("keywords:\n  - mimikatz\n  - 'sekurlsa::'\n  - show arp\n  - dir\ncondition: keywords"))
	if err != nil {
		t.Fatal(err)
	}
	n := on.rules[0].searches[0].groups[0][0]
	if n.bound == nil || n.bound.kwSet == nil {
		t.Fatal("the keyword item has no needle set")
	}
	if _, ok := n.bound.kwSet.set.(*automaton.AnyOf); !ok {
		t.Errorf("needle set is a %T, want *automaton.AnyOf", n.bound.kwSet.set)
	}
}
