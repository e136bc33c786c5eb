package sigma

import "testing"

func TestQuickSmoke(t *testing.T) {
	rs, _ := LoadBytes("x.yml", []byte(`
title: t
logsource: {product: test}
detection:
  sel:
    Image|endswith: '\whoami.exe'
    User: alice
  condition: sel
`))
	if len(rs.Rejected) > 0 {
		t.Fatal(rs.Rejected[0])
	}
	e, rej, err := Compile(rs, CompileOptions{})
	if err != nil || len(rej) > 0 {
		t.Fatal(err, rej)
	}
	m := e.Evaluate(newTestEvent(t, `{"Image":"C:\\Windows\\System32\\whoami.exe","User":"Alice"}`), nil)
	if len(m) != 1 {
		t.Fatalf("want match, got %v", m)
	}
	t.Logf("%+v", m[0])
}
