package sigma

import (
	"testing"

	"github.com/rsigma-connect/rsigma-connect/sigma/internal/automaton"
)

// The raw-leaf scan must answer exactly what Keywords plus containsAny on
// each leaf's text answers: plain, escaped, \u-escaped (to ASCII and beyond),
// Unicode-folded (the Kelvin sign folds to an ASCII k) and nested leaves.
func TestAnyLeafContainsAgreesWithKeywords(t *testing.T) {
	docs := []string{
		`{"a":"Show Version","b":"x"}`,
		`{"p":"C:\\Windows\\System32\\cmd.exe /c DIR"}`,
		`{"p":"line\nbreak","q":"tab\tstop","r":"quote \"dir\""}`,
		`{"u":"\u0064\u0069\u0072 escaped","v":"caf\u00e9 dir"}`,
		`{"k":"\u212aerberos","m":"\u212aey"}`,
		`{"k":"Kerberos::list"}`,
		`{"nested":{"arr":["one",{"deep":"Mimikatz"}],"n":5,"b":true,"z":null}}`,
		`{"n":123,"b":false}`,
		`"just a string with DIR"`,
		`{"x":"nothing here"}`,
		`{"bs":"\\n and \\t are not escapes here","s":"\/dir\/"}`,
	}
	needleSets := [][]string{
		{"dir"},
		{"show version", "show users"},
		{"kerberos::", "mimikatz", "key"},
		{"\n", "\"dir\"", "\\n"},
		{"/dir/", "é"},
		{"Kerberos", "DIR"}, // cased
	}
	for _, needles := range needleSets {
		ids := make([]int32, len(needles))
		sets := []anyNeedles{automaton.NewSubstrings(needles, ids)}
		if a := automaton.NewAnyOf(needles); a != nil {
			sets = append(sets, a)
		}
		for _, set := range sets {
			for _, cased := range []bool{false, true} {
				classes, folding := set.ClassTables()
				if !cased {
					if classes = folding; classes == nil {
						continue
					}
				}
				for _, doc := range docs {
					e, _ := jsonEventFor(t, nil, doc)
					want := e.Keywords(func(v *Value) bool {
						s, ok := text(v, cased)
						return ok && set.ContainsAny(s)
					})
					if got := e.anyLeafContains(set, classes, cased); got != want {
						t.Errorf("%T needles %q cased=%v doc %s: raw scan %v, Keywords %v", set, needles, cased, doc, got, want)
					}
				}
			}
		}
	}
}
