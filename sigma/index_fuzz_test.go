package sigma

import "testing"

// FuzzIndexChangesNoResult: for any rule that compiles, the engine with the
// candidate index (clauses, vetoes, decided rules, kept verdicts) reports
// the same matches as the engine that evaluates every rule, on events of
// varied shapes, each evaluated twice (the second time from the memo).
func FuzzIndexChangesNoResult(f *testing.F) {
	for _, seed := range []string{
		ruleDoc("sel: {Image|endswith: '\\x.exe', User: [a, b]}"),
		ruleDoc("sel: {Image|endswith: '.exe'}\nf: {Image|startswith: 'C:\\Windows\\'}\nn: {Image: null}\ncondition: sel and not 1 of f* and not n"),
		ruleDoc("kw: ['dir', 'show ver', 'x1', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']\ncondition: kw"),
		ruleDoc("sel: {CommandLine|contains|all: ['-enc', 'iex']}\nsel2: {CommandLine|re: 'net\\s+user'}\ncondition: sel or sel2"),
		ruleDoc("sel: {A|re|i: '^a.*b$'}\nkw: [x, 'y*z']\ncondition: sel or 1 of k*"),
		ruleDoc("sel: {A|cidr: [10.0.0.0/8]}\ncondition: not sel"),
		ruleDoc("sel: {User: SYSTEM, Image|endswith: '.exe'}\nf: {CommandLine|contains: [' -nop ', 'iex(', 'misc::', 'rpc::', 'sid::', 'x', 'y']}\ncondition: sel and not f"),
	} {
		f.Add(seed)
	}
	events := []string{
		`{}`,
		`{"Image":"C:\\Windows\\x.exe","A":["a b",1,null,{"x":1}],"User":"a","CommandLine":"iex -enc net  user"}`,
		`{"Image":"D:\\X.EXE","User":"SYSTEM","CommandLine":"dir -nop misc:: Show Ver","A":"AB"}`,
		`{"Image":null,"User":["b","SYSTEM"],"CommandLine":["x","rpc::"],"A":"10.1.2.3"}`,
		`{"Image":"c:\\windows\\y.EXE","msg":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","A":"a\u212ab"}`,
		`{"Image":"","User":"","CommandLine":"","A":12}`,
	}
	f.Fuzz(func(t *testing.T, doc string) {
		rs, _ := LoadBytes("fuzz.yml", []byte(doc))
		if len(rs.Rules) == 0 {
			return
		}
		on, _, err := Compile(rs, CompileOptions{})
		if err != nil {
			return
		}
		off, _, _ := Compile(rs, CompileOptions{DisableCandidateIndex: true})
		a, b := NewJSONEvent(on.Fields()), NewJSONEvent(off.Fields())
		for pass := 0; pass < 2; pass++ {
			for _, js := range events {
				if a.Reset([]byte(js)) != nil || b.Reset([]byte(js)) != nil {
					t.Fatalf("bad test event %s", js)
				}
				got, want := matchSignature(on.Evaluate(a, nil)), matchSignature(off.Evaluate(b, nil))
				if got != want {
					t.Fatalf("event %s, pass %d:\nwith index %q\nwithout    %q", js, pass, got, want)
				}
			}
		}
	})
}
