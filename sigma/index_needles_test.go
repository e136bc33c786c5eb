package sigma

import "testing"

// The candidate index keeps its substring needles only as long as the
// optional pre-filter needs them to be made: the automata answer every
// lookup, and at 30k rules the lists are several MB. With the pre-filter
// the filters are made first, and the verdicts are the same either way.
func TestCompiledIndexKeepsNoNeedleLists(t *testing.T) {
	doc := ruleDoc("sel:\n  CommandLine|contains:\n    - ' -encodedcommand '\n    - 'downloadstring('\n" +
		"  Image|endswith: '\\powershell.exe'\nkw:\n  - 'mimikatz'\n  - 'sekurlsa::'\ncondition: sel or kw")
	rs, _ := LoadBytes("case.yml", []byte(doc))
	_, off, err := compileSet(t, rs)
	if err != nil {
		t.Fatal(err)
	}
	for _, bloom := range []bool{false, true} {
		e, rej, err := Compile(rs, CompileOptions{BloomPrefilter: bloom})
		if err != nil || len(rej) > 0 {
			t.Fatalf("Compile: %v %v", err, rej)
		}
		x := e.index
		if x.keywords == nil || x.keywordNeedles != nil {
			t.Errorf("bloom %v: keyword automaton %v, %d keyword needles kept, want an automaton and none", bloom, x.keywords != nil, len(x.keywordNeedles))
		}
		substr, blooms := 0, 0
		for _, fi := range x.fields {
			if fi.substr != nil {
				substr++
			}
			if fi.bloom != nil {
				blooms++
			}
			if fi.needles != nil {
				t.Errorf("bloom %v: field %s keeps %d needles, want none", bloom, fi.field.Name, len(fi.needles))
			}
		}
		if substr == 0 || bloom != (blooms > 0) || bloom != (x.keywordBloom != nil) {
			t.Errorf("bloom %v: %d substring automata, %d field filters, keyword filter %v", bloom, substr, blooms, x.keywordBloom != nil)
		}
		checkEvents(t, e, off, []ev{
			M(`{"CommandLine":"powershell -EncodedCommand abc","Image":"C:\\x\\powershell.exe"}`),
			N(`{"CommandLine":"powershell -EncodedCommand abc","Image":"C:\\x\\cmd.exe"}`),
			M(`{"msg":"ran sekurlsa::logonpasswords"}`),
		})
	}
}
