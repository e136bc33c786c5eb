package sigma

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// Kept verdicts of costly items change no result: command lines drawn from
// a pool larger than a field's memo (so slots are given new texts while
// verdicts of their old texts are still in the table), compared with the
// same engine without the visit memo.
func TestKeptVerdictsChangeNoResult(t *testing.T) {
	doc := ruleDoc(`
sel: {User|contains: 'svc'}
sel_cmd:
  - CommandLine|re: 'net\s+user\s+\w+7'
  - CommandLine|contains: [' -nop ', 'iex(', 'misc::', 'rpc::', 'sid::', 'token::', ' /decode ']
condition: sel and sel_cmd`)
	on, _, err := compileDoc(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	off, _, err := compileDoc(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	off.index.noMemo = true
	if !on.rules[0].searches[1].kept[0][0] || !on.rules[0].searches[1].kept[1][0] {
		t.Fatal("the regex and the substring list should keep their verdicts")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	var pool []string
	for i := 0; i < 700; i++ {
		switch i % 4 {
		case 0:
			pool = append(pool, fmt.Sprintf("net  user u%d", i))
		case 1:
			pool = append(pool, fmt.Sprintf("x.exe -nop %d", i))
		default:
			pool = append(pool, fmt.Sprintf("app.exe --id=%d", i))
		}
	}
	a, b := NewJSONEvent(on.Fields()), NewJSONEvent(off.Fields())
	matched := 0
	for i := 0; i < 20000; i++ {
		user := []string{"svc1", "bob"}[rng.IntN(2)]
		js := fmt.Sprintf(`{"User":%q,"CommandLine":%q}`, user, pool[rng.IntN(len(pool))])
		if err := a.Reset([]byte(js)); err != nil {
			t.Fatal(err)
		}
		_ = b.Reset([]byte(js))
		got, want := len(on.Evaluate(a, nil)), len(off.Evaluate(b, nil))
		if got != want {
			t.Fatalf("event %d %s: %d matches with kept verdicts, %d without", i, js, got, want)
		}
		matched += got
	}
	if matched == 0 {
		t.Fatal("no event matched; the comparison proves nothing")
	}
}
