package main

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// Four concurrent posters send 200 000 events over POST /api/v1/events; the
// engine must evaluate exactly as many events as the API accepted.
func TestDaemonHTTPIngestConcurrentPosters(t *testing.T) {
	const posters, bodiesPerPoster, linesPerBody = 4, 25, 2000
	d, base := opsStart(t, opsRulesDir(t, opsSimpleRule), "--input", "http", "--input-format", "json")
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted := 0
	errs := make(chan error, posters)
	start := time.Now()
	for p := 0; p < posters; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			for b := 0; b < bodiesPerPoster; b++ {
				var body strings.Builder
				for i := 0; i < linesPerBody; i++ {
					cmd := "notepad.exe"
					if i%100 == 0 {
						cmd = "malware.exe --x"
					}
					fmt.Fprintf(&body, `{"CommandLine":%q,"poster":%d,"n":%d}`+"\n", cmd, p, b*linesPerBody+i)
				}
				status, resp := opsDo(t, "POST", base+"/api/v1/events", body.String())
				if status != 200 {
					errs <- fmt.Errorf("poster %d body %d: %d %s", p, b, status, resp)
					return
				}
				n := int(opsJSON(t, resp)["accepted"].(float64))
				mu.Lock()
				accepted += n
				mu.Unlock()
			}
		}(p)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if want := posters * bodiesPerPoster * linesPerBody; accepted != want {
		t.Fatalf("accepted %d, want %d", accepted, want)
	}
	var processed float64
	poll.Wait(t, 120*time.Second, "events_processed == accepted", func() bool {
		processed = opsMetric(t, base, "rsigma_events_processed_total")
		return processed == float64(accepted)
	})
	took := time.Since(start)
	fams := opsScrape(t, base)
	if got := opsValue(fams, "rsigma_detection_matches_total"); got != float64(accepted/100) {
		t.Errorf("detections %v, want %d", got, accepted/100)
	}
	if got := opsValue(fams, "rsigma_input_queue_depth"); got != 0 {
		t.Errorf("input queue depth %v after draining, want 0", got)
	}
	t.Logf("accepted %d, rsigma_events_processed_total %.0f, %.0f events/s end to end (%v), back-pressure waits %.0f",
		accepted, processed, float64(accepted)/took.Seconds(), took.Round(time.Millisecond),
		opsValue(fams, "rsigma_back_pressure_events_total"))
	lines := d.WaitStdoutLines(accepted/100, 10*time.Second)
	if len(lines) != accepted/100 {
		t.Errorf("%d results on stdout, want %d", len(lines), accepted/100)
	}
	opsStop(t, d)
}
