package correlation

import (
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// benchEvent is a two-field event (User, @timestamp) with no map lookups.
type benchEvent struct {
	user, ts sigma.Value
}

func (e *benchEvent) Field(f *sigma.Field) sigma.Value {
	switch f.Name {
	case "User":
		return e.user
	case "@timestamp":
		return e.ts
	}
	return sigma.Value{}
}

func (e *benchEvent) Keywords(func(v *sigma.Value) bool) bool { return false }
func (e *benchEvent) JSONView() *sigma.JSONEvent              { return nil }

// BenchmarkEventCount1MEvents100kGroups feeds 1M failed logons spread over
// 100k users (10 per user, all inside one 5m window, so every group stays
// live) to an event_count gte 5 correlation. It reports events/s and the live
// heap with the full state held.
func BenchmarkEventCount1MEvents100kGroups(b *testing.B) {
	const events, groups = 1_000_000, 100_000
	users := make([]sigma.Value, groups)
	for i := range users {
		s := "user" + strconv.Itoa(i)
		users[i] = sigma.Value{Kind: sigma.KindString, Str: s, Fold: s}
	}
	stamps := make([]sigma.Value, events/10000)
	for i := range stamps {
		s := strconv.Itoa(1_700_000_000 + i)
		stamps[i] = sigma.Value{Kind: sigma.KindNumber, Str: s, Fold: s}
	}
	rules := parseRulesB(b, `
title: Brute
correlation: {type: event_count, rules: [fail], group-by: [User], timespan: 5m, condition: {gte: 5}}
`)
	dets := []*sigma.Rule{{Title: "fail", Name: "fail"}}
	hits := []int{0}
	var peak uint64
	fires := 0
	var elapsed time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		start := time.Now()
		eng, errs := Compile(rules, dets, sigma.NewFieldTable(), Options{})
		if len(errs) > 0 {
			b.Fatal(errs)
		}
		ev := &benchEvent{}
		var out []Result
		for i := 0; i < events; i++ {
			ev.user, ev.ts = users[i%groups], stamps[i/10000]
			out = eng.Process(Input{Event: ev, Hits: hits}, out[:0])
			fires += len(out)
		}
		if eng.StateEntries() != groups {
			b.Fatalf("state entries %d, want %d", eng.StateEntries(), groups)
		}
		elapsed += time.Since(start)
		b.StopTimer()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.HeapAlloc > peak {
			peak = ms.HeapAlloc
		}
		runtime.KeepAlive(eng)
		b.StartTimer()
	}
	if fires != b.N*groups*6 {
		b.Fatalf("%d firings, want %d", fires, b.N*groups*6)
	}
	b.ReportMetric(float64(events*b.N)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(peak)/(1<<20), "live-MiB")
}

func parseRulesB(b *testing.B, doc string) []*Rule {
	t := &testing.T{}
	rules := parseRules(t, doc)
	if len(rules) == 0 {
		b.Fatal("no rules parsed")
	}
	return rules
}
