package sigma

import "testing"

// A negated one-item filter vetoes the rule exactly when the filter holds;
// the verdict stays that of the engine without index, for scalar, array,
// number, mixed-case, null and missing values, and for filters that cannot
// veto (a shortened or wildcard literal, a two-item group, a cased value).
func TestVetoesDropOnlyRulesThatCannotMatch(t *testing.T) {
	doc := ruleDoc(`
sel: {CommandLine|contains: 'run'}
f_prefix: {Image|startswith: 'C:\Windows\System32\'}
f_suffix: {Image|endswith: ['.tmp', '.dat']}
f_exact: {User: 'SYSTEM'}
f_contains: {Parent|contains: 'agent'}
f_number: {Code: 42}
f_glob: {Image|contains: 'temp*x'}
f_pair: {Image|endswith: '.bin', User: 'bob'}
f_cased: {Host|contains|cased: 'Lab'}
condition: sel and not 1 of f_*`)
	on, off, err := compileDoc(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		event  string
		vetoed bool
	}{
		{`{"CommandLine":"run","Image":"C:\\Program Files\\x.exe"}`, false},
		{`{"CommandLine":"run","Image":"c:\\windows\\system32\\cmd.exe"}`, true},
		{`{"CommandLine":"run","Image":"C:\\Windows\\System3"}`, false},
		{`{"CommandLine":"run","Image":["D:\\a.exe","C:\\Windows\\System32\\b.exe"]}`, true},
		{`{"CommandLine":"run","Image":"X.TMP"}`, true},
		{`{"CommandLine":"run","Image":"x.tmp.exe"}`, false},
		{`{"CommandLine":"run","User":"system"}`, true},
		{`{"CommandLine":"run","User":"systems"}`, false},
		{`{"CommandLine":"run","User":null}`, false},
		{`{"CommandLine":"run","Parent":"my-Agent-1"}`, true},
		{`{"CommandLine":"run","Code":42}`, false}, // numbers are not vetoes
		{`{"CommandLine":"run","Image":"temp-x"}`, false},
		{`{"CommandLine":"run","Image":"a.bin","User":"bob"}`, false},
		{`{"CommandLine":"run","Image":"a.bin","User":"alice"}`, false},
		{`{"CommandLine":"run","Host":"lab"}`, false},
		{`{"CommandLine":"run","Host":"Lab"}`, false},
	}
	for _, c := range cases {
		if vetoed := candidatesAgreeing(t, on, off, c.event) == 0; vetoed != c.vetoed {
			t.Errorf("%s: vetoed = %v, want %v", c.event, vetoed, c.vetoed)
		}
	}
}

// Only conditions that need an item false yield vetoes.
func TestRuleVetoesFollowTheCondition(t *testing.T) {
	cases := map[string]int{
		"sel and not f":           1,
		"not (f or g)":            2,
		"sel and not (f and g)":   0,
		"sel or not f":            0,
		"not sel and not 1 of f*": 2,
		"sel and not all of g":    1,
	}
	for cond, want := range cases {
		doc := ruleDoc(`
sel: {A: 'x'}
f: {B: 'y'}
g: {C|endswith: 'z'}
condition: ` + cond)
		on, _, err := compileDoc(t, doc)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(ruleVetoes(on.rules[0])); got != want {
			t.Errorf("%s: %d vetoes, want %d", cond, got, want)
		}
	}
}

// A rule without positive literals that needs `field: null` false is
// indexed by that field's presence instead of being evaluated on every event.
func TestNegatedNullItemsIndexAlwaysRules(t *testing.T) {
	doc := ruleDoc(`
f_null: {Image: null}
f_ext: {Image|endswith: '.exe'}
condition: not 1 of f_*`)
	on, off, err := compileDoc(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	if st := on.IndexStats(); st.Always != 0 {
		t.Fatalf("%d always-evaluated rules, want 0", st.Always)
	}
	cases := []struct {
		event     string
		candidate bool
	}{
		{`{"Other":"x"}`, false},
		{`{"Image":null}`, false},
		{`{"Image":"a.exe"}`, false}, // present, but vetoed
		{`{"Image":"a.com"}`, true},
		{`{"Image":""}`, true},
	}
	for _, c := range cases {
		ev := NewJSONEvent(on.Fields())
		if err := ev.Reset([]byte(c.event)); err != nil {
			t.Fatal(err)
		}
		sc := on.scratch.Get().(*evalScratch)
		got := len(on.index.candidates(ev, sc, nil)) == 1
		sc.reset()
		on.scratch.Put(sc)
		if got != c.candidate {
			t.Errorf("%s: candidate = %v, want %v", c.event, got, c.candidate)
		}
		offEv := NewJSONEvent(off.Fields())
		_ = offEv.Reset([]byte(c.event))
		if a, b := len(on.Evaluate(ev, nil)), len(off.Evaluate(offEv, nil)); a != b {
			t.Errorf("%s: %d matches with the index, %d without", c.event, a, b)
		}
	}
}
