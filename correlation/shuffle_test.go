package correlation

import (
	"fmt"
	"hash/fnv"
	"slices"
	"testing"
)

// TestShuffleMatchesProcess splits every generated scenario's contributions
// over 1, 3 and 7 partitions by PartitionKey, applies each partition's
// share on its own engine (Fresh) in event order, and requires, event by
// event, the results Process makes on one engine (as a multiset: the
// partitions of one event report in their own order). The scenarios hold
// at most a few hundred events, fewer than an amortised expiry sweep
// needs, so events that go back in time agree too; a sweep follows each
// engine's own newest event time (Apply's contract).
func TestShuffleMatchesProcess(t *testing.T) {
	const scenarios = 600
	disordered, firings := 0, map[string]int{}
	for seed := uint64(1); seed <= scenarios; seed++ {
		sc := newScenarioGen(seed).scenario()
		if !inTimeOrder(sc.events) {
			disordered++
		}
		for _, parts := range []int{1, 3, 7} {
			t.Run(fmt.Sprintf("seed_%d/partitions_%d", seed, parts), func(t *testing.T) {
				for typ, n := range runShuffled(t, sc, parts) {
					firings[typ] += n
				}
			})
		}
	}
	t.Logf("%d scenarios (%d with events going back in time or untimed) agree over 1, 3 and 7 partitions; firings by type %v",
		scenarios, disordered, firings)
	for typ := EventCount; typ <= ValueMedian; typ++ {
		if firings[typ.String()] < 300 {
			t.Errorf("%s fired %d times: the comparison no longer covers it", typ, firings[typ.String()])
		}
	}
	if firings["chained"] < 300 {
		t.Errorf("chained firings: %d", firings["chained"])
	}
}

// inTimeOrder reports whether every event is timed and none is older than
// one before it.
func inTimeOrder(events []testEvent) bool {
	last := int64(-1)
	for _, ev := range events {
		ts, ok := ev["@timestamp"].(int64)
		if !ok || ts < last {
			return false
		}
		last = ts
	}
	return true
}

// runShuffled feeds sc to one engine with Process and to parts engines
// with Contributions/Apply, failing on the first event whose results
// differ; it returns the firings per type (and "chained").
func runShuffled(t *testing.T, sc genScenario, parts int) map[string]int {
	h := newHarness(t, sc.yaml, sc.opts, sc.dets...)
	stage1 := newHarness(t, sc.yaml, sc.opts, sc.dets...).eng
	engines := make([]*Engine, parts)
	for i := range engines {
		engines[i] = stage1.Fresh()
	}
	firings := map[string]int{}
	var key []byte
	for i, ev := range sc.events {
		hits := h.hits(ev)
		want := describeAll(h.eng.Process(Input{Event: ev, Hits: hits}, nil))
		cts := stage1.Contributions(Input{Event: ev, Hits: hits}, nil)
		byPart := make([][]Contribution, parts)
		for _, ct := range cts {
			key = stage1.PartitionKey(key[:0], &ct)
			hash := fnv.New64a()
			hash.Write(key)
			p := int(hash.Sum64() % uint64(parts))
			byPart[p] = append(byPart[p], ct)
		}
		var got []Result
		for p, share := range byPart {
			if len(share) == 0 {
				continue
			}
			var skipped int
			got, skipped = engines[p].Apply(share, got)
			if skipped > 0 {
				t.Fatalf("event #%d: %d contributions skipped", i, skipped)
			}
		}
		gotText := describeAll(got)
		if !slices.Equal(gotText, want) {
			t.Fatalf("event #%d %v: partitioned %v, single engine %v\nrules:\n%s", i, ev, gotText, want, sc.yaml)
		}
		for _, r := range got {
			firings[r.Rule.Type.String()]++
			if r.Rule.Title == "Parent" {
				firings["chained"]++
			}
		}
	}
	return firings
}

// describeAll renders results (with their window start) sorted.
func describeAll(rs []Result) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, describeResult(r.Rule.Title, r.Time, r.Value, r.GroupKey)+fmt.Sprintf(" from %d", r.WindowStart))
	}
	slices.Sort(out)
	return out
}
