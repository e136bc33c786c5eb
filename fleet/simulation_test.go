package fleet_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/correlation"
	"github.com/rsigma-connect/rsigma-connect/fleet"
	"github.com/rsigma-connect/rsigma-connect/internal/fleettest"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// rulesEngine is a compiled rule set: detection and correlation.
type rulesEngine struct {
	det  *sigma.Engine
	corr *correlation.Engine
	ev   *sigma.JSONEvent
}

func compileRules(t testing.TB, opts correlation.Options) *rulesEngine {
	t.Helper()
	rs, err := sigma.LoadBytes("fleet.yml", []byte(fleettest.Rules))
	if err != nil {
		t.Fatal(err)
	}
	det, rejected, err := sigma.Compile(rs, sigma.CompileOptions{})
	if err != nil || len(rejected) > 0 {
		t.Fatalf("compile: %v %v", err, rejected)
	}
	var rules []*correlation.Rule
	for _, doc := range rs.Correlations {
		r, err := correlation.Parse(doc)
		if err != nil {
			t.Fatal(err)
		}
		rules = append(rules, r)
	}
	corr, errs := correlation.Compile(rules, det.Rules(), det.Fields(), opts)
	if len(errs) > 0 {
		t.Fatalf("correlations: %v", errs)
	}
	return &rulesEngine{det: det, corr: corr, ev: sigma.NewJSONEvent(det.Fields())}
}

// input decodes line and lists the correlated rules it matches.
func (r *rulesEngine) input(t testing.TB, line string) correlation.Input {
	if err := r.ev.Reset([]byte(line)); err != nil {
		t.Fatal(err)
	}
	var hits []int
	for _, m := range r.det.Evaluate(r.ev, nil) {
		if i := r.corr.Index(m.Rule); r.corr.Routed(i) {
			hits = append(hits, i)
		}
	}
	return correlation.Input{Event: r.ev, Hits: hits}
}

// describe renders a result as the text the comparisons use.
func describe(r *correlation.Result) string {
	var kv []string
	for _, p := range r.GroupKey {
		kv = append(kv, p.Field+"="+p.Value)
	}
	return fmt.Sprintf("%s [%s] %s from %d at %d", r.Rule.Title, strings.Join(kv, ","),
		correlation.AppendFloat(nil, r.Value), r.WindowStart, r.Time)
}

// member is stage 2 for one partition on one simulated member.
type member struct {
	corr    *fleet.Correlator
	reorder *fleet.Reorder
	read    int // index of the next stream entry to read
	epoch   uint64
}

// TestSimulatedFleet runs the whole protocol in one process: three stage-1
// members take the events of a stream at random and publish each event's
// batches to the partition streams in the order they happen to finish
// (sometimes twice, as after a redelivery); the watermark is the highest
// position below which every event was published; each partition's owner
// reads its stream, reorders behind the watermark and applies. Midway,
// the owners of some partitions checkpoint, go on, and die; new owners
// restore the checkpoint and read the stream again from its resume point.
// The firings, once repeats are dropped by id, must be the single engine's
// exactly, every type must fire, and repeats must come only from replays.
func TestSimulatedFleet(t *testing.T) {
	const events, parts = 20000, 8
	opts := correlation.Options{EventMode: correlation.EventModeRefs}
	lines := fleettest.Events(7, events)

	single := compileRules(t, opts)
	var want []string
	for _, line := range lines {
		for _, r := range single.corr.Process(single.input(t, line), nil) {
			want = append(want, describe(&r))
		}
	}

	stage1 := compileRules(t, opts)
	streams := make([][]fleet.Entry, parts) // the partition streams
	seqs := uint64(0)
	publish := func(position uint64, line string) {
		cts := stage1.corr.Contributions(stage1.input(t, line), nil)
		shares, _ := fleet.Split(stage1.corr, cts, parts, nil)
		for _, sh := range shares {
			b := fleet.Batch{Partition: sh.Partition, Position: position, Contributions: sh.Contributions}
			data := b.Encode(nil)
			seqs++
			streams[sh.Partition] = append(streams[sh.Partition], fleet.Entry{Sequence: seqs, Position: position, Data: data})
		}
	}

	rnd := rand.New(rand.NewPCG(1, 2))
	owners := make([]*member, parts)
	for p := range owners {
		owners[p] = &member{corr: fleet.NewCorrelator(), reorder: fleet.NewReorder(fleet.Checkpoint{}), epoch: 1}
		owners[p].corr.SetRules(stage1.corr)
		owners[p].corr.Install(p, 1, nil)
	}
	seen := map[string]bool{}
	var got []string
	repeats := 0
	apply := func(p int, watermark uint64) {
		m := owners[p]
		for ; m.read < len(streams[p]); m.read++ {
			m.reorder.Add(streams[p][m.read])
		}
		for _, e := range m.reorder.Release(watermark, 0) {
			b, err := fleet.DecodeBatch(e.Data)
			if err != nil {
				t.Fatal(err)
			}
			firings, skipped, err := m.corr.Apply(&b, m.epoch, fleet.BatchOrigin(e.Position, e.Sequence), nil)
			if err != nil || skipped > 0 {
				t.Fatalf("apply: %v (%d skipped)", err, skipped)
			}
			for _, f := range firings {
				if seen[f.ID] {
					repeats++
					continue
				}
				seen[f.ID] = true
				got = append(got, describe(&f.Result))
			}
		}
	}

	// Three stage-1 members, each with a queue of events it was handed
	// (JetStream's round robin), finish them in random interleaving.
	var queues [3][]int
	for i := range lines {
		w := rnd.IntN(3)
		queues[w] = append(queues[w], i)
	}
	done := make([]bool, events)
	floor := 0 // events [0, floor) are all published
	type saved struct {
		cp       fleet.Checkpoint
		snapshot []byte
	}
	checkpoints := map[int]saved{}
	for step := 0; ; step++ {
		var open []int
		for w := range queues {
			if len(queues[w]) > 0 {
				open = append(open, w)
			}
		}
		if len(open) == 0 {
			break
		}
		w := open[rnd.IntN(len(open))]
		i := queues[w][0]
		queues[w] = queues[w][1:]
		publish(uint64(i+1), lines[i])
		if rnd.IntN(50) == 0 { // redelivered later: published again
			publish(uint64(i+1), lines[i])
		}
		done[i] = true
		for floor < events && done[floor] {
			floor++
		}
		if step%37 == 0 {
			for p := range owners {
				apply(p, uint64(floor))
			}
		}
		switch step {
		case events / 3: // partitions 0-2 checkpoint
			for p := range 3 {
				snap, err := owners[p].corr.Snapshot(p, owners[p].epoch)
				if err != nil {
					t.Fatal(err)
				}
				applied, resume, unordered := owners[p].reorder.Mark()
				checkpoints[p] = saved{fleet.Checkpoint{Partition: p, Epoch: 1, Applied: applied, Resume: resume, Unordered: unordered}, snap}
			}
		case events / 2: // their owners die; new owners replay from the checkpoints
			for p := range 3 {
				sv := checkpoints[p]
				m := &member{corr: fleet.NewCorrelator(), reorder: fleet.NewReorder(sv.cp), epoch: 2}
				m.corr.SetRules(compileRules(t, opts).corr)
				if err := m.corr.Install(p, 2, sv.snapshot); err != nil {
					t.Fatal(err)
				}
				for m.read < len(streams[p]) && streams[p][m.read].Sequence < sv.cp.Resume {
					m.read++
				}
				owners[p] = m
			}
		}
	}
	for p := range owners {
		apply(p, uint64(floor))
	}

	slices.Sort(want)
	slices.Sort(got)
	if len(want) == 0 {
		t.Fatal("the single engine fired nothing")
	}
	if !slices.Equal(got, want) {
		t.Fatalf("fleet firings differ: %d vs %d single\nfirst difference: %s", len(got), len(want), firstDifference(got, want))
	}
	byType := map[string]int{}
	for _, w := range want {
		byType[strings.SplitN(w, " [", 2)[0]]++
	}
	for typ, titles := range fleettest.Types {
		for _, title := range titles {
			if byType[title] == 0 {
				t.Errorf("%s (%s) never fired", title, typ)
			}
		}
	}
	if repeats == 0 {
		t.Error("the replays repeated no firing: the failover was not exercised")
	}
	t.Logf("%d events, %d partitions: %d firings equal the single engine's; %d repeats after the failover dropped by id; by rule %v",
		events, parts, len(got), repeats, byType)
}

func firstDifference(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("fleet %q, single %q", a[i], b[i])
		}
	}
	if len(a) > len(b) {
		return fmt.Sprintf("fleet has %q more", a[len(b)])
	}
	return fmt.Sprintf("single has %q more", b[len(a)])
}
