package sigma

import (
	"strings"
	"testing"
)

// TestNeedleSetAgreesWithSeparateSearches checks the collapsed OR of many
// contains values against the per-value definition.
func TestNeedleSetAgreesWithSeparateSearches(t *testing.T) {
	needles := []string{"-enc", "-nop", "hidden", "iex", "downloadstring", "frombase64", "bypass", "net.webclient", "é-x"}
	var doc strings.Builder
	doc.WriteString("sel:\n  CommandLine|contains:\n")
	for _, n := range needles {
		doc.WriteString("    - '" + strings.ToUpper(n) + "'\n")
	}
	on, _, err := compileDoc(t, ruleDoc(doc.String()))
	if err != nil {
		t.Fatal(err)
	}
	it := on.rules[0].searches[0].groups[0][0]
	if _, ok := it.orValues[0].(*needleSetMatcher); !ok {
		t.Fatalf("values were not collapsed: %T", it.orValues[0])
	}
	for _, text := range []string{"powershell -NoP -w Hidden", "x", "", "IEX(x)", "a.DownloadString(", "é-x", "ñ-x", "net.webclien", "-en c"} {
		want := false
		for _, n := range needles {
			want = want || strings.Contains(strings.ToLower(text), n)
		}
		got := len(on.Evaluate(newTestEvent(t, `{"CommandLine":`+quoteJSON(text)+`}`), nil)) == 1
		if got != want {
			t.Errorf("%q: matched=%v, want %v", text, got, want)
		}
	}
}

func quoteJSON(s string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
}
