package sigma

import "testing"

// BenchmarkCandidateIndex measures the candidate selection alone (after the
// event is decoded) and reports the average number of candidate rules.
func BenchmarkCandidateIndex(b *testing.B) {
	for _, lane := range []string{"sysmon_proc", "syslog_raw"} {
		b.Run(lane, func(b *testing.B) {
			lines := benchLane(b, lane)
			eng := benchEngine(b, CompileOptions{})
			events := make([]*JSONEvent, 512)
			for i := range events {
				events[i] = NewJSONEvent(eng.Fields())
				if err := events[i].Reset(lines[i]); err != nil {
					b.Fatal(err)
				}
			}
			sc := newEvalScratch(len(eng.rules), eng.index)
			total := 0
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				total += len(eng.index.candidates(events[i%len(events)], sc, nil))
				sc.reset()
			}
			b.ReportMetric(float64(total)/float64(b.N), "candidates/event")
		})
	}
}

// BenchmarkEvaluateDecoded measures Evaluate on already decoded events.
func BenchmarkEvaluateDecoded(b *testing.B) {
	for _, lane := range []string{"sysmon_proc", "syslog_raw"} {
		b.Run(lane, func(b *testing.B) {
			lines := benchLane(b, lane)
			eng := benchEngine(b, CompileOptions{})
			events := make([]*JSONEvent, 512)
			for i := range events {
				events[i] = NewJSONEvent(eng.Fields())
				if err := events[i].Reset(lines[i]); err != nil {
					b.Fatal(err)
				}
			}
			var out []Match
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				out = eng.Evaluate(events[i%len(events)], out[:0])
			}
		})
	}
}
