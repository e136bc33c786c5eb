package engine

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/lanes"
	"github.com/rsigma-connect/rsigma-connect/internal/sigmahq"
	"github.com/rsigma-connect/rsigma-connect/internal/windowsmix"
)

// routingLanes are the event streams the routing benchmark measures: the
// two bench lanes, the Windows mix and the README's sample events, which
// reveal no logsource (routing can only cost there).
func routingLanes(b *testing.B) map[string][][]byte {
	b.Helper()
	out := map[string][][]byte{}
	for _, l := range lanes.All {
		lines, err := lanes.Lines(l, 20000)
		if err != nil {
			b.Fatal(err)
		}
		out[string(l)] = lines
	}
	var mix bytes.Buffer
	if err := windowsmix.Write(&mix, 20000, 1); err != nil {
		b.Fatal(err)
	}
	out["windowsmix"] = bytes.Split(bytes.TrimSpace(mix.Bytes()), []byte("\n"))
	samples, err := os.ReadFile(filepath.Join("..", "resources", "samples", "events.ndjson"))
	if err != nil {
		b.Fatal(err)
	}
	out["samples"] = bytes.Split(bytes.TrimSpace(samples), []byte("\n"))
	return out
}

// BenchmarkRouting evaluates each lane with the whole SigmaHQ corpus,
// routing off and on, through the Evaluator (decoding, recognition,
// detection, results) in batches of 100 lines. It reports events per
// CPU-second, detections and candidate rules per event (the rules whose
// matchers run: the candidate index's selection, within the routed subset
// when routing is on).
//
//	go test ./engine -run '^$' -bench BenchmarkRouting -count 6 | benchstat -col /routing -
func BenchmarkRouting(b *testing.B) {
	all := routingLanes(b)
	for _, lane := range []string{"sysmon_proc", "syslog_raw", "windowsmix", "samples"} {
		for _, on := range []bool{false, true} {
			b.Run(fmt.Sprintf("lane=%s/routing=%s", lane, onOff(on)), func(b *testing.B) {
				s := Settings{Rules: []string{sigmahq.Dir()}, InputFormat: "json", LogsourceRouting: on, DetectWorkers: 1}
				if lane == "samples" {
					s.InputFormat = "auto" // one sample is a plain line
				}
				e := newTestEvaluator(b, s)
				lines := all[lane]
				in := make([]Line, 100)
				var out []Output
				// Past the first watchEvents events, where routing off
				// also recognizes the events with detections
				// (routing_watch.go): the steady state is measured.
				for i := 0; i < watchEvents; i += len(in) {
					for j := range in {
						in[j] = Line{Text: lines[(i+j)%len(lines)]}
					}
					out = e.Evaluate(context.Background(), in, out[:0])
				}
				results := 0
				runtime.GC()
				b.ReportAllocs()
				b.ResetTimer()
				cpu := processCPU()
				for i := 0; i < b.N; i += len(in) {
					for j := range in {
						in[j] = Line{Text: lines[(i+j)%len(lines)]}
					}
					out = e.Evaluate(context.Background(), in, out[:0])
					results += len(out)
				}
				if d := processCPU() - cpu; d > 0 {
					b.ReportMetric(float64(b.N)/d.Seconds(), "events/cpu-s")
				}
				b.StopTimer()
				b.ReportMetric(float64(results)/float64(b.N), "results/event")
				b.ReportMetric(candidatesPerEvent(b, e, lines[:min(2000, len(lines))]), "candidates/event")
			})
		}
	}
}

// candidatesPerEvent is the mean number of rules whose matchers run per
// event of lines (decoded as the evaluator decodes them) under e's routing.
func candidatesPerEvent(b *testing.B, e *Evaluator, lines [][]byte) float64 {
	st := e.State()
	total, events := 0, 0
	for _, l := range lines {
		n, _ := e.decodeEach(st, &Line{Text: l}, l, func(d decoded) {
			total += st.routing.candidates(d.event)
			d.release()
		})
		events += n
	}
	return float64(total) / float64(events)
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
