package sigma

import (
	"strings"
	"testing"
)

// One-item rules of plain literals are reported from the index alone; their
// matches (selections, fields and values) are those of the engine without
// index. Rules whose literals the index shortens or cannot test exactly are
// evaluated as before.
func TestDecidedRulesMatchAsWithoutIndex(t *testing.T) {
	rules := map[string]bool{ // detection → decided by the index
		"keywords: ['dir', 'Show Version']\ncondition: keywords":                true,
		"sel: {Image|endswith: ['\\calc.exe', '.SCR']}":                         true,
		"sel: {Image|startswith: 'C:\\Temp\\'}":                                 true,
		"sel: {User: 'SYSTEM'}":                                                 true,
		"sel: {CommandLine|contains: ['-enc ', 'iex']}":                         true,
		"sel: {CommandLine|contains: 'a-literal-longer-than-twelve'}":           false,
		"sel: {CommandLine|contains|cased: 'IEX'}":                              false,
		"sel: {CommandLine|contains: 'do*wn'}":                                  false,
		"sel: {Image|endswith: '.exe', User: 'bob'}":                            true,
		"sel: {Image|endswith: '.exe', User: 'bob', CommandLine|contains: 'x'}": false,
		"sel: {Image|endswith: '.exe', User|contains: 'a*b'}":                   false,
		"sel: {User|contains|all: ['ad', 'min']}":                               false,
		"sel: {Hash|contains: '0123456789abcdef0123'}":                          false,
		"sel: {User: 'SYSTEM'}\nflt: {Image: 'x'}\ncondition: sel and not flt":  false,
	}
	events := []string{
		`{"Image":"C:\\Windows\\calc.exe","User":"system","CommandLine":"iex x"}`,
		`{"Image":["c:\\temp\\a.scr","b"],"User":"SYSTEM ","CommandLine":"powershell -enc AAA"}`,
		`{"Image":"C:\\TEMP\\x","CommandLine":"dir /s; a-literal-longer-than-twelve","User":"bob"}`,
		`{"Msg":"show version 1","Image":1,"User":null,"CommandLine":"IEX down"}`,
		`{"Hash":"x0123456789abcdef0123","User":["admin"]}`,
		`{"Other":"nothing"}`,
		`{"Image":"a.EXE","User":"Bob","CommandLine":"x"}`,
		`{"Image":"a.exe","User":"alice"}`,
	}
	for detection, wantDecided := range rules {
		on, off, err := compileDoc(t, ruleDoc(detection))
		if err != nil {
			t.Fatalf("%s: %v", detection, err)
		}
		if got := on.index.decided(0); got != wantDecided {
			t.Errorf("%q: decided = %v, want %v", detection, got, wantDecided)
		}
		for _, js := range events {
			a, b := NewJSONEvent(on.Fields()), NewJSONEvent(off.Fields())
			if err := a.Reset([]byte(js)); err != nil {
				t.Fatal(err)
			}
			_ = b.Reset([]byte(js))
			got, want := matchSignature(on.Evaluate(a, nil)), matchSignature(off.Evaluate(b, nil))
			if got != want {
				t.Errorf("%q on %s:\nwith index %q\nwithout    %q", strings.ReplaceAll(detection, "\n", "; "), js, got, want)
			}
		}
	}
}
