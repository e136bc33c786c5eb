package correlation

import (
	"errors"
	"slices"
	"testing"
)

const brute = `
title: Brute Force
id: brute-1
correlation: {type: event_count, rules: [fail], group-by: [User], timespan: 5m, condition: {gte: 5}}
`

func TestSnapshotRestoreContinuesCounting(t *testing.T) {
	first := newHarness(t, brute, Options{EventMode: EventModeFull}, fail)
	for i := int64(0); i < 3; i++ {
		if got := first.feed(i, user("bob")); len(got) != 0 {
			t.Fatalf("fired early: %q", fired(got))
		}
	}
	first.feed(0, user("alice"))
	data, err := first.eng.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	second := newHarness(t, brute, Options{EventMode: EventModeFull}, fail)
	if err := second.eng.Restore(data); err != nil {
		t.Fatal(err)
	}
	if n := second.eng.StateEntries(); n != 2 {
		t.Fatalf("restored %d groups, want 2", n)
	}
	if got := second.feed(3, user("bob")); len(got) != 0 {
		t.Fatalf("fired at the 4th: %q", fired(got))
	}
	rs := second.feed(4, user("bob"))
	if got := fired(rs); !slices.Equal(got, []string{"Brute Force@4=5[User=bob]"}) {
		t.Fatalf("5th event: %q", got)
	}
	if len(rs[0].Events) != 5 {
		t.Fatalf("restored event bodies: %d, want 5", len(rs[0].Events))
	}
}

func TestRestoreMatchesByIdentityAndDropsIncompatibleState(t *testing.T) {
	ra, rb := fieldIs("ra", "A", 1), fieldIs("rb", "B", 1)
	const temporal = `
title: T
correlation: {type: temporal, rules: [ra, rb], group-by: [Host], timespan: 5m}
`
	old := newHarness(t, temporal+`---
title: Gone
correlation: {type: event_count, rules: [ra], group-by: [Host], timespan: 5m, condition: {gte: 9}}
`, Options{}, ra, rb)
	old.feed(0, testEvent{"A": 1, "Host": "h"})
	data, _ := old.eng.Snapshot()

	reordered := newHarness(t, `
title: T
correlation: {type: temporal, rules: [rb, ra], group-by: [Host], timespan: 5m}
`, Options{}, rb, ra)
	if err := reordered.eng.Restore(data); err != nil {
		t.Fatal(err)
	}
	if got := fired(reordered.feed(1, testEvent{"B": 1, "Host": "h"})); !slices.Equal(got, []string{"T@1=2[Host=h]"}) {
		t.Fatalf("temporal hit not remapped by reference: %q", got)
	}
	retyped := newHarness(t, `
title: T
correlation: {type: event_count, rules: [ra, rb], group-by: [Host], timespan: 5m, condition: {gte: 2}}
`, Options{}, ra, rb)
	_ = retyped.eng.Restore(data)
	if n := retyped.eng.StateEntries(); n != 0 {
		t.Fatalf("state of a correlation whose type changed was kept (%d groups)", n)
	}
}

func TestRestoreRejectsUnknownVersions(t *testing.T) {
	h := newHarness(t, brute, Options{}, fail)
	if err := h.eng.Restore([]byte(`{"version":99,"correlations":[]}`)); !errors.Is(err, ErrSnapshotVersion) {
		t.Fatalf("version 99: %v", err)
	}
	if err := h.eng.Restore([]byte(`not json`)); err == nil {
		t.Fatal("garbage accepted")
	}
	empty := `{"version":1,"windows":{},"last_alert":{},"event_buffers":{},"event_ref_buffers":{}}`
	if err := h.eng.Restore([]byte(empty)); err != nil || h.eng.StateEntries() != 0 {
		t.Fatalf("empty snapshot: %v", err)
	}
}

func TestAdoptKeepsStateAcrossReload(t *testing.T) {
	old := newHarness(t, brute, Options{}, fail)
	for i := int64(0); i < 4; i++ {
		old.feed(i, user("bob"))
	}
	reloaded := newHarness(t, brute+`---
title: New
correlation: {type: event_count, rules: [fail], group-by: [User], timespan: 5m, condition: {gte: 1}}
`, Options{}, fail)
	reloaded.eng.Adopt(old.eng)
	got := fired(reloaded.feed(4, user("bob")))
	if !slices.Equal(got, []string{"Brute Force@4=5[User=bob]", "New@4=1[User=bob]"}) {
		t.Fatalf("after reload: %q", got)
	}
}
