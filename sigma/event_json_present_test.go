package sigma

import (
	"slices"
	"testing"
)

// opaqueEvent hides the JSONEvent type, so the index probes every field.
type opaqueEvent struct{ Event }

// The candidate index visits only the fields a JSONEvent reports present;
// the candidate list must equal the one from probing every indexed field.
func TestPresentFieldsGiveTheSameCandidates(t *testing.T) {
	_, e, _ := loadCorpus(t)
	extra := []string{
		`{"Image":"x","Image":"C:\\Windows\\System32\\whoami.exe"}`, // repeated key: slow path
		`[{"CommandLine":"whoami /priv"}]`,
		`{"process":{"command_line":"vssadmin delete shadows"},"process.command_line":"x"}`,
		`"mimikatz"`,
	}
	for _, lane := range []string{"sysmon_proc", "syslog_raw"} {
		lines := generatedLane(t, lane, equivalenceLaneSize)
		for _, doc := range extra {
			lines = append(lines, []byte(doc))
		}
		ev := NewJSONEvent(e.Fields())
		sc := newEvalScratch(len(e.rules), e.index)
		for i, l := range lines {
			if err := ev.Reset(l); err != nil {
				t.Fatal(err)
			}
			fast := slices.Clone(e.index.candidates(ev, sc, nil))
			sc.reset()
			slow := slices.Clone(e.index.candidates(opaqueEvent{ev}, sc, nil))
			sc.reset()
			if !slices.Equal(fast, slow) {
				t.Fatalf("%s event %d: candidates %v with present fields, %v probing all", lane, i, fast, slow)
			}
		}
	}
}

func TestPresentFieldsAreListedOnce(t *testing.T) {
	tab := NewFieldTable()
	a, b, c := tab.Intern("a"), tab.Intern("b.c"), tab.Intern("d")
	ev := NewJSONEvent(tab)
	if err := ev.Reset([]byte(`{"b":[{"c":1},{"c":2}],"a":null,"b.c":3}`)); err != nil {
		t.Fatal(err)
	}
	ids, ok := ev.presentFields()
	if !ok || !slices.Equal(ids, []int32{int32(b.ID), int32(a.ID)}) {
		t.Errorf("present = %v %v, want [b.c a] (d=%d absent)", ids, ok, c.ID)
	}
	if err := ev.Reset([]byte(`{"a":1,"a":2}`)); err != nil {
		t.Fatal(err)
	}
	if _, ok := ev.presentFields(); ok {
		t.Error("a document with repeated keys must fall back to probing")
	}
}
