package main

import (
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// Scenario 26 [N], beyond the series existing at startup: once events are
// evaluated every phase has observed each batch, and parsing and
// evaluating took time.
func TestBatchPhaseDurations(t *testing.T) {
	_, base := opsStart(t, opsRulesDir(t, opsSimpleRule), "--input", "http")
	if status, body := opsDo(t, "POST", base+"/api/v1/events", strings.Repeat(`{"CommandLine":"malware.exe"}`+"\n", 20)); status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	var phases map[string]*dto.Histogram
	poll.Wait(t, 15*time.Second, "20 events processed", func() bool {
		fams := opsScrape(t, base)
		phases = map[string]*dto.Histogram{}
		for _, m := range fams["rsigma_batch_phase_duration_seconds"].GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "phase" {
					phases[l.GetValue()] = m.GetHistogram()
				}
			}
		}
		if opsValue(fams, "rsigma_events_processed_total") != 20 || len(phases) != 6 || phases["parse"].GetSampleCount() == 0 {
			return false
		}
		for _, h := range phases { // a scrape may fall between two phases' observations
			if h.GetSampleCount() != phases["parse"].GetSampleCount() {
				return false
			}
		}
		return true
	})
	for _, phase := range []string{"parse", "evaluate"} {
		if sum := phases[phase].GetSampleSum(); sum <= 0 {
			t.Errorf("%s: sum %g s after 20 events", phase, sum)
		}
	}
	t.Logf("%d batches; seconds per phase: parse %g, decode_merge %g, observe %g, evaluate %g, result_merge %g, dispatch %g",
		phases["parse"].GetSampleCount(), phases["parse"].GetSampleSum(), phases["decode_merge"].GetSampleSum(), phases["observe"].GetSampleSum(),
		phases["evaluate"].GetSampleSum(), phases["result_merge"].GetSampleSum(), phases["dispatch"].GetSampleSum())
}
