package correlation

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// describeGroupState renders a GroupState as "k=v,...:value/met entries [earliest-latest] win[start,end] evict@t" in seconds.
func describeGroupState(s GroupState) string {
	var kv []string
	for _, p := range s.Group {
		kv = append(kv, p.Field+"="+p.Value)
	}
	v := "-"
	if s.HasValue {
		v = fmt.Sprint(s.Value)
	}
	out := fmt.Sprintf("%s[%s]:%s/%v n=%d [%d-%d] win[%d,%d] last=%d evict@%d", s.Rule.Title, strings.Join(kv, ","),
		v, s.Met, s.Entries, s.Earliest/1000, s.Latest/1000, s.WindowStart/1000, s.WindowEnd/1000, s.LastEvent/1000, s.EvictAt/1000)
	if s.Alerted {
		out += fmt.Sprintf(" alert@%d", s.LastAlert/1000)
	}
	return out
}

func describeGroupStates(gs []GroupState) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = describeGroupState(g)
	}
	sort.Strings(out)
	return out
}

func TestGroupsShowTheLiveWindows(t *testing.T) {
	h := newHarness(t, c61, Options{Suppress: 5 * time.Minute}, fail)
	h.feed(100, user("a"))
	h.feed(110, user("a"))
	h.feed(120, user("b"))
	want := []string{
		"C[User=a]:2/false n=2 [100-110] win[50,110] last=110 evict@170",
		"C[User=b]:1/false n=1 [120-120] win[60,120] last=120 evict@180",
	}
	if got := describeGroupStates(h.eng.Groups(GroupFilter{})); !reflect.DeepEqual(got, want) {
		t.Fatalf("Groups:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	sums := h.eng.Summaries()
	if len(sums) != 1 || sums[0].ActiveGroups != 2 || sums[0].Threshold != ">= 3" || sums[0].Rule.Title != "C" {
		t.Fatalf("Summaries %+v", sums)
	}
	only := h.eng.Groups(GroupFilter{Group: func(g []GroupPair) bool { return g[0].Value == "b" }})
	if len(only) != 1 || only[0].Group[0].Value != "b" {
		t.Fatalf("filtered Groups %v", describeGroupStates(only))
	}

	if len(fired(h.feed(125, user("a")))) != 1 {
		t.Fatal("the third login must fire")
	}
	got := describeGroupStates(h.eng.Groups(GroupFilter{Group: func(g []GroupPair) bool { return g[0].Value == "a" }}))
	// Suppressed for 5 minutes after the firing at 125: dropped at 425.
	if want := "C[User=a]:3/true n=3 [100-125] win[65,125] last=125 evict@425 alert@125"; len(got) != 1 || got[0] != want {
		t.Fatalf("after firing: %q, want %q", got, want)
	}

	// At engine time 200 the windows of a and b have passed: b is gone,
	// a stays listed (its suppression is in force) with an empty window.
	h.feed(200, user("c"))
	before := h.eng.StateEntries()
	want = []string{
		"C[User=a]:0/false n=0 [0-0] win[65,125] last=125 evict@425 alert@125",
		"C[User=c]:1/false n=1 [200-200] win[140,200] last=200 evict@260",
	}
	if got := describeGroupStates(h.eng.Groups(GroupFilter{})); !reflect.DeepEqual(got, want) {
		t.Fatalf("Groups at 200:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if h.eng.Summaries()[0].ActiveGroups != 2 {
		t.Fatal("ActiveGroups must count what Groups lists")
	}
	if after := h.eng.StateEntries(); after != before {
		t.Fatalf("reading the state changed it: %d groups, then %d", before, after)
	}
}

// The view Groups gives equals the state a sweep at the engine's clock
// leaves, for every type and window mode: Groups on an engine is compared
// with Groups on a copy (snapshot, restore) that ran Expire.
func TestGroupsEqualTheStateASweepLeaves(t *testing.T) {
	corrs := map[string]string{
		"event_count sliding": c61,
		"value_count": `
title: C
correlation: {type: value_count, rules: [fail], group-by: [User], timespan: 60s, condition: {field: Host, gte: 2}}
`,
		"value_sum": `
title: C
correlation: {type: value_sum, rules: [fail], group-by: [User], timespan: 60s, condition: {field: Bytes, gte: 100}}
`,
		"temporal": `
title: C
correlation: {type: temporal, rules: [fail, ok], group-by: [User], timespan: 60s}
`,
		"tumbling": `
title: C
rsigma.window: tumbling
correlation: {type: event_count, rules: [fail], group-by: [User], timespan: 60s, condition: {gte: 3}}
`,
		"session": `
title: C
rsigma.window: session
rsigma.gap: 20s
correlation: {type: event_count, rules: [fail], group-by: [User], timespan: 120s, condition: {gte: 3}}
`,
	}
	ok := fieldIs("ok", "EventID", 4624)
	for name, corr := range corrs {
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(len(name))))
			h := newHarness(t, corr, Options{}, fail, ok)
			ts := int64(1000)
			for i := 0; i < 400; i++ {
				ts += rng.Int64N(15) - 3 // mostly forward, sometimes late
				ev := testEvent{"EventID": []int{4625, 4624}[rng.IntN(2)], "User": fmt.Sprint("u", rng.IntN(4)),
					"Host": fmt.Sprint("h", rng.IntN(3)), "Bytes": rng.IntN(80)}
				h.feed(ts, ev)
				if i%37 != 0 {
					continue
				}
				data, err := h.eng.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				swept := newHarness(t, corr, Options{}, fail, ok)
				if err := swept.eng.Restore(data); err != nil {
					t.Fatal(err)
				}
				swept.eng.Expire()
				got, want := describeGroupStates(h.eng.Groups(GroupFilter{})), describeGroupStates(swept.eng.Groups(GroupFilter{}))
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("after %d events (t=%d):\nview  %s\nswept %s", i+1, ts, strings.Join(got, "\n      "), strings.Join(want, "\n      "))
				}
			}
		})
	}
}
