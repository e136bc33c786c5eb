package sigma

import (
	"fmt"
	"math/rand"
	"regexp"
	"strings"
	"testing"
)

func TestRegexLiteralsAreRequired(t *testing.T) {
	cases := map[string]string{
		`ami\s+/all$`:                     "/all",
		`(?i)\\(cmd|powershell)\.exe$`:    ".exe", // (?i)s also matches ſ, whose lower case is not s
		`(?i)\\(cmd|pwrx)\.exe$`:          `\cmd.exe \pwrx.exe`,
		`a*b`:                             "b",
		`(foo|bar)`:                       "foo bar",
		`x{2,}yz`:                         "xx", // as long as "yz": the first found wins
		`(?i)invoke-mimikatz`:             "invoke-mimikatz",
		`-(W|R)\s?([0-9a-f]{2}\s?){2,20}`: "-r -w",
		`[ab]c[de]`:                       "acd ace bcd bce",
		`.*`:                              "",
		`a|.*`:                            "",
	}
	for expr, want := range cases {
		if got := strings.Join(regexLiterals(expr), " "); got != want {
			t.Errorf("regexLiterals(%q) = %q, want %q", expr, got, want)
		}
	}
}

// TestIndexKeepsEveryMatchOnLanes evaluates the whole corpus on generated
// benchmark lanes with the candidate index on and off and requires identical
// match sets (rule, selections, fields).
func TestIndexKeepsEveryMatchOnLanes(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the corpus")
	}
	_, on, off := loadCorpus(t)
	for _, lane := range []string{"sysmon_proc", "syslog_raw"} {
		events, matches := 0, 0
		for _, line := range generatedLane(t, lane, equivalenceLaneSize)[:600] {
			ev := newTestEvent(t, string(line))
			a, b := describeMatches(on.Evaluate(ev, nil)), describeMatches(off.Evaluate(ev, nil))
			if a != b {
				t.Fatalf("%s event %d: index on:\n%s\nindex off:\n%s", lane, events, a, b)
			}
			events++
			matches += strings.Count(b, "\n")
		}
		if matches == 0 {
			t.Errorf("%s: no matches at all in %d events; the comparison proves nothing", lane, events)
		}
		t.Logf("%s: %d events, %d matches, identical with and without the index", lane, events, matches)
	}
}

func describeMatches(ms []Match) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "%s %v", m.Rule.Title, m.Selections)
		for _, f := range m.Fields {
			fmt.Fprintf(&b, " %s=%q", f.Field, f.Value.Str)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func TestHexRunKey(t *testing.T) {
	cases := map[string]string{
		"imphash=0123456789abcdef0123":   "0123456789abcdef",
		"0123456789abcdef0123":           "", // not preceded by a non-hex character
		"md5=0123456789abcde":            "", // too short
		"sha1=zz,x=00112233445566778899": "0011223344556677",
	}
	for lit, want := range cases {
		if got := hexRunKey(lit); got != want {
			t.Errorf("hexRunKey(%q) = %q, want %q", lit, got, want)
		}
	}
	var runs []string
	forHexRuns("sha1=0123456789abcdef01,md5=abc,x=fedcba9876543210", func(k string) { runs = append(runs, k) })
	if strings.Join(runs, " ") != "0123456789abcdef01"[:16]+" fedcba9876543210" {
		t.Errorf("runs %v", runs)
	}
}

// TestRegexPrefilterNeverChangesTheVerdict compares the prefiltered regex
// matcher with the plain regular expression on random texts.
func TestRegexPrefilterNeverChangesTheVerdict(t *testing.T) {
	exprs := []string{`(?i)(?:set).*&&\s?set.*(?:environment|invoke|\$\{?input).*&&.*"`, `ami\s+/all$`, `(?i)\.exe["']?\s+[^"]{0,64}werfaultsecure\.exe`, `-(W|R)\s?([0-9a-f]{2}\s?){2,20}`, `a*b`}
	rng := rand.New(rand.NewSource(2))
	words := []string{"set", "SET", "ſet", "&&", " ", "invoke", "ENVIRONMENT", "${input", "\"", "ami", "/all", ".exe", "werfaultſecure", "WerFaultSecure.exe", "-W", "-r", "0a", "ff", "b", "x"}
	for _, expr := range exprs {
		m := newRegexMatcher(regexp.MustCompile(expr))
		for trial := 0; trial < 3000; trial++ {
			var b strings.Builder
			for n := rng.Intn(12); n > 0; n-- {
				b.WriteString(words[rng.Intn(len(words))])
			}
			s := b.String()
			if got, want := m.match(KindString, s, strings.ToLower(s)), m.re.MatchString(s); got != want {
				t.Fatalf("%s on %q: prefiltered %v, regexp %v (requirements %q)", expr, s, got, want, m.required)
			}
		}
	}
}

// An OR of ANDs is indexed by a clause per field (orClauses): an event that
// only witnesses the first field is not a candidate, and every way of
// matching still is.
func TestOrOfAndsIsIndexedByBothFields(t *testing.T) {
	doc := ruleDoc(`
sel_a: {Image|endswith: '\a.exe', Target|endswith: '.ps1'}
sel_b: {Image|endswith: '\b.exe', Target|endswith: '.vbs'}
condition: 1 of sel_*`)
	on, off, err := compileDoc(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		event     string
		candidate bool
	}{
		{`{"Image":"C:\\a.exe"}`, false},
		{`{"Image":"C:\\b.exe","Target":"x.txt"}`, false},
		{`{"Image":"C:\\a.exe","Target":"x.vbs"}`, true},
		{`{"Image":"C:\\b.exe","Target":"x.vbs"}`, true},
		{`{"Image":"C:\\a.exe","Target":"x.ps1"}`, true},
	}
	for _, c := range cases {
		if got := candidatesAgreeing(t, on, off, c.event) == 1; got != c.candidate {
			t.Errorf("%s: candidate = %v, want %v", c.event, got, c.candidate)
		}
	}
}

// candidatesAgreeing returns how many candidates on's index gives event, and
// checks that on (indexed) and off (not indexed) match it as often.
func candidatesAgreeing(t *testing.T, on, off *Engine, event string) int {
	t.Helper()
	ev := NewJSONEvent(on.Fields())
	if err := ev.Reset([]byte(event)); err != nil {
		t.Fatal(err)
	}
	sc := on.scratch.Get().(*evalScratch)
	n := len(on.index.candidates(ev, sc))
	sc.reset()
	on.scratch.Put(sc)
	offEv := NewJSONEvent(off.Fields())
	_ = offEv.Reset([]byte(event))
	if a, b := len(on.Evaluate(ev, nil)), len(off.Evaluate(offEv, nil)); a != b {
		t.Errorf("%s: %d matches with the index, %d without", event, a, b)
	}
	return n
}

// TestCaseSensitiveRegexWitnessKeepsCase: the witness of a case-sensitive
// regular expression is its literal as written, so a text holding it only
// in another case leaves the rule out of the candidates; matches stay the
// same with the index on and off.
func TestCaseSensitiveRegexWitnessKeepsCase(t *testing.T) {
	doc := "title: pnscan\nlogsource: {product: linux}\ndetection:\n  sel:\n    CommandLine|re: '-(W|R)\\s?(\\s|\"|'')([0-9a-fA-F]{2}\\s?){2,20}(\\s|\"|'')'\n  condition: sel\n"
	on, off, err := compileDoc(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		cmd        string
		candidates int
		matches    int
	}{
		{`pnscan -w "0a 0b 0c" 10.0.0.0/8`, 0, 0}, // "-w" in lower case only
		{`tar -rf x.tar -p`, 0, 0},
		{`Start-Process x -Wait`, 0, 0}, // "-W" not followed by a space or quote
		{`pnscan -W "0a 0b 0c" 10.0.0.0/8`, 1, 1},
		{`pnscan -R 'ff ee dd' x`, 1, 1},
		{`pnscan -W 'zz'`, 1, 0}, // witnessed, the expression decides
	}
	for _, c := range cases {
		js := fmt.Sprintf(`{"CommandLine":%q}`, c.cmd)
		if got := CandidateCount(on, newTestEvent(t, js)); got != c.candidates {
			t.Errorf("%s: %d candidates, want %d", c.cmd, got, c.candidates)
		}
		for name, e := range map[string]*Engine{"on": on, "off": off} {
			if got := len(e.Evaluate(newTestEvent(t, js), nil)); got != c.matches {
				t.Errorf("%s: index %s: %d matches, want %d", c.cmd, name, got, c.matches)
			}
		}
	}
}

func TestRegexWitnessLiteralsKeepCaseWhenCaseSensitive(t *testing.T) {
	cases := map[string]string{
		`-(W|R)\s?`:         "-R -W",
		`(?i)-(W|R)\s?`:     "-r -w",
		`(?i:ab)CD`:         "abcd", // not case-sensitive throughout: folded
		`Ärger\d?`:          "ärger",
		`[A-Z]{2}`:          "",
		`Invoke-Mimikatz\b`: "Invoke-Mimikatz",
	}
	for expr, want := range cases {
		lits, _ := regexWitnessLiterals(expr)
		if got := strings.Join(lits, " "); got != want {
			t.Errorf("regexWitnessLiterals(%q) = %q, want %q", expr, got, want)
		}
	}
}
