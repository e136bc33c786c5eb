package sigma

import (
	"fmt"
	"regexp"
	"testing"
)

// TestRegexRequirements lists the literal sets a regular expression's
// matches must contain, which the matcher looks up before running it.
func TestRegexRequirements(t *testing.T) {
	cases := []struct {
		expr  string
		want  string
		cased bool
	}{
		// Case-sensitive: the literals keep their case, and a run across
		// parts counts even when every part is one character, and the
		// character after the run (\s? then one of \s " ') joins it.
		{`-(W|R)\s?(\s|"|')([0-9a-fA-F]{2}\s?){2,20}(\s|"|')`, "[[-R\t -R\n -R\f -R\r -R  -R\" -R' -W\t -W\n -W\f -W\r -W  -W\" -W']]", true},
		{`\\(Windows|System32)\\cmd\.exe`, `[[Windows System32] [\cmd.exe] [\Windows\cmd.exe \System32\cmd.exe]]`, true},
		// (?i) also matches 's' as 'ſ': only fold-safe runs are kept.
		{`(?i)\\(Windows|System32)\\cmd\.exe`, `[[\cmd.exe]]`, false},
		{`cmd\.exe.{0,20}/c`, `[[cmd.exe] [/c]]`, true},
		{`^.*$`, `[]`, true},
	}
	for _, c := range cases {
		reqs, cased := regexRequirements(c.expr)
		if got := fmt.Sprint(reqs); got != c.want || cased != c.cased {
			t.Errorf("%s: %s cased=%v, want %s cased=%v", c.expr, got, cased, c.want, c.cased)
		}
	}
}

// TestRegexMatcherRequirementsChangeNoResult: with or without the literal
// look-up before it, the matcher answers as the regular expression does.
func TestRegexMatcherRequirementsChangeNoResult(t *testing.T) {
	exprs := []string{`-(W|R)\s?(\s|"|')([0-9a-fA-F]{2}\s?){2,20}(\s|"|')`, `\\(Windows|System32)\\cmd\.exe`, `(?i)AbC(d|E)`, `x(?i:Y)z`}
	texts := []string{`pnscan -W "41 42 43"`, `pnscan -w "41 42 43"`, `svchost.exe -k netsvcs -p -r`, `C:\Windows\cmd.exe`, `c:\windows\cmd.exe`,
		`abce`, `ABCD`, `xyz`, `xYz`, `XYZ`, ``}
	for _, e := range exprs {
		re := regexp.MustCompile(e)
		m := newRegexMatcher(re)
		for _, text := range texts {
			if got, want := m.match(KindString, text, foldString(text)), re.MatchString(text); got != want {
				t.Errorf("%s on %q: %v, want %v", e, text, got, want)
			}
		}
	}
}
