// Package healthprobe asks a daemon's /healthz at a steady pace, each time
// on a fresh connection as a liveness probe does, and keeps what came back:
// the attack programs in bench/ and the end-to-end tests use it to tell
// whether the daemon stayed reachable.
package healthprobe

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Probe is a running probe.
type Probe struct {
	stop      chan struct{}
	done      chan struct{}
	mu        sync.Mutex
	latencies []time.Duration
	failures  []string
}

// Start GETs base+"/healthz" every interval, with a 5 s timeout, until Stop.
func Start(base string, interval time.Duration) *Probe {
	p := &Probe{stop: make(chan struct{}), done: make(chan struct{})}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	go func() {
		defer close(p.done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-tick.C:
			}
			start := time.Now()
			err := get(client, base+"/healthz")
			p.mu.Lock()
			if err != nil {
				p.failures = append(p.failures, err.Error())
			} else {
				p.latencies = append(p.latencies, time.Since(start))
			}
			p.mu.Unlock()
		}
	}()
	return p
}

func get(client *http.Client, url string) error {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// Report is what a probe saw.
type Report struct {
	Latencies []time.Duration // of the answered probes, sorted
	Failures  []string        // errors and non-200 answers, in order
}

// Stop ends the probe and reports.
func (p *Probe) Stop() Report {
	close(p.stop)
	<-p.done
	r := Report{Latencies: slices.Clone(p.latencies), Failures: slices.Clone(p.failures)}
	slices.Sort(r.Latencies)
	return r
}

// String is one line: answered and failed counts, latency p50, p99 and
// max, and the first failure.
func (r Report) String() string {
	if len(r.Latencies) == 0 {
		return fmt.Sprintf("healthz: 0 answered, %d failed%s", len(r.Failures), r.firstFailure())
	}
	at := func(q float64) time.Duration {
		return r.Latencies[int(q*float64(len(r.Latencies)-1))].Round(time.Millisecond)
	}
	return fmt.Sprintf("healthz: %d answered, %d failed; latency p50 %v p99 %v max %v%s",
		len(r.Latencies), len(r.Failures), at(0.5), at(0.99), at(1), r.firstFailure())
}

func (r Report) firstFailure() string {
	if len(r.Failures) == 0 {
		return ""
	}
	return "; first failure: " + r.Failures[0]
}
