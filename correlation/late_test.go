package correlation

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// lateLog collects what the OnLate hook reports, as "rule@t[k=v]:outcome".
type lateLog []string

func (l *lateLog) hook(x Late) { *l = append(*l, describeLate(x)) }

func describeLate(x Late) string {
	var kv []string
	for _, p := range x.Group {
		kv = append(kv, p.Field+"="+p.Value)
	}
	outcome := "accepted"
	if x.Dropped {
		outcome = "dropped"
	}
	return fmt.Sprintf("%s@%d[%s]:%s", x.Rule.Title, x.Time/1000, strings.Join(kv, ","), outcome)
}

// lateStep is one event and the late contributions it must make.
type lateStep struct {
	t    int64
	ev   testEvent
	want []string
}

// runLate feeds steps, checking for each that Lateness (asked first, twice,
// without changing state) and the OnLate hook of Process agree with want.
func runLate(t *testing.T, h *harness, steps []lateStep) {
	t.Helper()
	var log lateLog
	h.eng.SetOnLate(log.hook)
	for i, st := range steps {
		ev := testEvent{"@timestamp": st.t}
		for k, v := range st.ev {
			ev[k] = v
		}
		in := Input{Event: ev, Hits: h.hits(ev)}
		var asked []string
		for range 2 {
			asked = asked[:0]
			for _, x := range h.eng.Lateness(in) {
				asked = append(asked, describeLate(x))
			}
		}
		log = log[:0]
		h.eng.Process(in, nil)
		if !slices.Equal(log, st.want) {
			t.Fatalf("step %d (t=%d): OnLate reported %q, want %q", i, st.t, log, st.want)
		}
		if !slices.Equal(asked, log) {
			t.Fatalf("step %d (t=%d): Lateness said %q, Process reported %q", i, st.t, asked, log)
		}
	}
}

func TestLateContributions(t *testing.T) {
	const tumbling = `
title: C
rsigma.window: tumbling
correlation: {type: event_count, rules: [fail], group-by: [User], timespan: 60s, condition: {gte: 3}}
`
	const session = `
title: C
rsigma.window: session
rsigma.gap: 10s
correlation: {type: event_count, rules: [fail], group-by: [User], timespan: 1h, condition: {gte: 3}}
`
	for _, tc := range []struct {
		name  string
		corr  string
		steps []lateStep
	}{
		{"sliding: older than the group's window is dropped, a new group takes it", c61, []lateStep{
			{100, user("a"), nil}, {200, user("a"), nil},
			{130, user("a"), []string{"C@130[User=a]:dropped"}},
			{140, user("a"), nil}, // exactly timespan old: in the window
			{10, user("b"), []string{"C@10[User=b]:accepted"}},
			{11, user("b"), []string{"C@11[User=b]:accepted"}},
		}},
		{"tumbling: an earlier bucket is dropped", tumbling, []lateStep{
			{61, user("a"), nil}, {59, user("a"), []string{"C@59[User=a]:dropped"}},
			{0, user("b"), []string{"C@0[User=b]:accepted"}}, {119, user("a"), nil},
		}},
		{"session: late entries are taken in and reported", session, []lateStep{
			{100, user("a"), nil}, {95, user("a"), nil},
			{80, user("a"), []string{"C@80[User=a]:accepted"}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runLate(t, newHarness(t, tc.corr, Options{}, fail), tc.steps)
		})
	}
}

// A group whose window emptied is forgotten; a late event for it is then
// accepted as new, and reported so.
func TestLateEventForAForgottenGroupIsReportedAccepted(t *testing.T) {
	h := newHarness(t, c61, Options{}, fail)
	runLate(t, h, []lateStep{{0, user("a"), nil}, {1000, user("b"), nil}})
	h.eng.Expire()
	if n := h.eng.StateEntries(); n != 1 {
		t.Fatalf("%d groups after expiry, want only b", n)
	}
	runLate(t, h, []lateStep{{10, user("a"), []string{"C@10[User=a]:accepted"}}})
}

// The correlation's high-water mark survives a snapshot, so lateness is
// judged the same after a restart.
func TestLateMarkSurvivesSnapshot(t *testing.T) {
	h := newHarness(t, c61, Options{}, fail)
	runLate(t, h, []lateStep{{1000, user("a"), nil}})
	data, err := h.eng.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	restored := newHarness(t, c61, Options{}, fail)
	if err := restored.eng.Restore(data); err != nil {
		t.Fatal(err)
	}
	runLate(t, restored, []lateStep{{10, user("b"), []string{"C@10[User=b]:accepted"}}})
}
