package sigma

import "testing"

// The visit memo (index_memo.go) must change no result: the full corpus on
// both lanes, long enough for every probation to end, with the memo on and
// off.
func TestVisitMemoChangesNoResult(t *testing.T) {
	rs, _, _ := loadCorpus(t)
	on, _, err := Compile(rs, CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	off, _, err := Compile(rs, CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	off.index.noMemo = true
	for _, lane := range []string{"sysmon_proc", "syslog_raw"} {
		lines := generatedLane(t, lane, equivalenceLaneSize)
		want := laneSignatures(t, off, lines)
		got := laneSignatures(t, on, lines)
		matched := 0
		for i := range want {
			if want[i] != "" {
				matched++
			}
			if got[i] != want[i] {
				t.Fatalf("%s event %d (%s): matches differ\nwith memo:\n%s\nwithout:\n%s", lane, i, lines[i], got[i], want[i])
			}
		}
		if matched == 0 {
			t.Fatalf("%s: no event matched; the comparison would prove nothing", lane)
		}
	}
}
