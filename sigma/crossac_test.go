package sigma

import (
	"testing"
)

const crossACRules = `
title: Any Needle
id: 00000000-0000-0000-0000-000000000001
logsource: {category: test}
detection:
    sel:
        CommandLine|contains:
            - ' -enc '
            - 'DownloadString'
    condition: sel
---
title: All Needles
id: 00000000-0000-0000-0000-000000000002
logsource: {category: test}
detection:
    sel:
        CommandLine|contains|all:
            - 'vssadmin'
            - 'delete shadows'
    condition: sel
---
title: Negated Needle
id: 00000000-0000-0000-0000-000000000003
logsource: {category: test}
detection:
    sel:
        Image|endswith: '.exe'
    filter:
        CommandLine|contains: 'safe'
    condition: sel and not filter
---
title: Cased Needle Stays Exact
id: 00000000-0000-0000-0000-000000000004
logsource: {category: test}
detection:
    sel:
        CommandLine|contains|cased: 'CaSe'
    condition: sel
`

func TestCrossRuleACAnswersLikeTheMatchers(t *testing.T) {
	rs, err := LoadBytes("cross.yml", []byte(crossACRules))
	if err != nil || len(rs.Rejected) > 0 {
		t.Fatalf("load: %v %v", err, rs.Rejected)
	}
	plain, _, err := Compile(rs, CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rs2, _ := LoadBytes("cross.yml", []byte(crossACRules))
	cross, _, err := Compile(rs2, CompileOptions{CrossRuleAC: true})
	if err != nil {
		t.Fatal(err)
	}
	if cross.cross == nil || len(cross.cross.fields) != 1 {
		t.Fatalf("expected one shared automaton (CommandLine), got %+v", cross.cross)
	}
	events := []string{
		`{"CommandLine":"powershell -ENC abc"}`,
		`{"CommandLine":["x","iex (New-Object Net.WebClient).downloadstring('u')"]}`,
		`{"CommandLine":["VSSADMIN.exe", "delete shadows /all"]}`,
		`{"CommandLine":"vssadmin list shadows"}`,
		`{"Image":"a.exe","CommandLine":"SAFE mode"}`,
		`{"Image":"a.exe","CommandLine":12}`,
		`{"Image":"a.exe"}`,
		`{"CommandLine":"case CaSe"}`,
		`{"CommandLine":"case"}`,
		`{"CommandLine":{"nested":" -enc "}}`,
		`{"CommandLine":null}`,
	}
	for _, doc := range events {
		got := matchSignature(cross.Evaluate(jsonTestEvent(t, doc), nil))
		want := matchSignature(plain.Evaluate(jsonTestEvent(t, doc), nil))
		if got != want {
			t.Errorf("%s:\ncross-rule AC: %q\nplain:         %q", doc, got, want)
		}
	}
	// Sanity: the fixtures exercise both verdicts.
	if matchSignature(cross.Evaluate(jsonTestEvent(t, events[2]), nil)) == "" {
		t.Error("the all-needles rule did not fire on needles split across array members")
	}
	if matchSignature(cross.Evaluate(jsonTestEvent(t, events[3]), nil)) != "" {
		t.Error("the all-needles rule fired with one needle missing")
	}
}

// jsonTestEvent decodes doc into a JSONEvent, as the processor does.
func jsonTestEvent(t *testing.T, doc string) Event {
	t.Helper()
	ev := NewJSONEvent(NewFieldTable())
	if err := ev.Reset([]byte(doc)); err != nil {
		t.Fatal(err)
	}
	return ev
}
