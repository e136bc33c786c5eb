package enrich

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"
)

// Status is the outcome of one enricher invocation (the status label of
// rsigma_enrichment_total).
type Status string

// Invocation outcomes.
const (
	StatusSuccess Status = "success"
	StatusSkip    Status = "skip"  // failed, on_error: skip
	StatusError   Status = "error" // failed, on_error: null
	StatusTimeout Status = "timeout"
	StatusDrop    Status = "drop" // failed, on_error: drop
)

// Statuses lists every status, for metric pre-creation.
var Statuses = []Status{StatusSuccess, StatusSkip, StatusError, StatusTimeout, StatusDrop}

// CacheEvent is an http enricher response-cache event.
type CacheEvent string

// Cache events.
const (
	CacheHit     CacheEvent = "hit"
	CacheMiss    CacheEvent = "miss"
	CacheExpired CacheEvent = "expired" // an expired entry dropped
	CacheEvicted CacheEvent = "evicted" // a live entry dropped to keep the cache within its bounds
)

// Observer receives enrichment events (metrics). Implementations must be
// safe for concurrent use.
type Observer interface {
	Enriched(e *Enricher, status Status, elapsed time.Duration)
	HTTPCache(enricherID string, ev CacheEvent)
}

// Set is an immutable, validated set of enrichers. Its methods are safe for
// concurrent use.
type Set struct {
	maxConcurrent int
	enrichers     []*Enricher
	opts          Options
	sem           chan struct{}
}

// Enrich runs, in file order, every enricher whose kind and scope admit t.
// It returns the injected values (one per enricher that produced a value,
// in order) and drop=true when an `on_error: drop` enricher failed: the
// result must then be suppressed. Failures never return an error.
func (s *Set) Enrich(ctx context.Context, t *Target) (vals []Value, drop bool) {
	if s == nil || len(s.enrichers) == 0 {
		return nil, false
	}
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, false
	}
	defer func() { <-s.sem }()
	for _, e := range s.enrichers {
		if e.Kind != t.Kind || !e.scope.admits(t) {
			continue
		}
		v, inject, status := e.invoke(ctx, t, s.opts)
		if s.opts.Observer != nil {
			s.opts.Observer.Enriched(e, status.s, status.d)
		}
		if status.s == StatusDrop {
			return nil, true
		}
		if inject {
			vals = append(vals, Value{Key: e.InjectField, JSON: v})
		}
	}
	return vals, false
}

// EnrichAll enriches targets concurrently (bounded by
// max_concurrent_enrichments) and returns their values and drop flags in
// input order.
func (s *Set) EnrichAll(ctx context.Context, targets []*Target) ([][]Value, []bool) {
	vals := make([][]Value, len(targets))
	drops := make([]bool, len(targets))
	if s == nil || len(s.enrichers) == 0 {
		return vals, drops
	}
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vals[i], drops[i] = s.Enrich(ctx, t)
		}()
	}
	wg.Wait()
	return vals, drops
}

type outcome struct {
	s Status
	d time.Duration
}

// invoke runs the primitive under the timeout and applies on_error.
func (e *Enricher) invoke(ctx context.Context, t *Target, opts Options) (json.RawMessage, bool, outcome) {
	start := time.Now()
	cctx, cancel := context.WithTimeout(ctx, e.Timeout)
	v, err := e.prim.run(cctx, t)
	timedOut := cctx.Err() == context.DeadlineExceeded
	cancel()
	var raw json.RawMessage
	if err == nil {
		if raw, err = marshal(v); err == nil {
			return raw, true, outcome{StatusSuccess, time.Since(start)}
		}
	}
	if timedOut || errors.Is(err, context.DeadlineExceeded) {
		err, timedOut = errors.New("timed out after "+e.Timeout.String()), true
	}
	opts.Logger.Warn("enrichment failed", "enricher_id", e.ID, "error", err.Error())
	st := outcome{d: time.Since(start)}
	switch {
	case e.OnError == "drop":
		st.s = StatusDrop
	case timedOut:
		st.s = StatusTimeout
	case e.OnError == "null":
		st.s = StatusError
	default:
		st.s = StatusSkip
	}
	if e.OnError == "null" {
		return json.RawMessage("null"), true, st
	}
	return nil, false, st
}

// marshal encodes v as compact JSON without HTML escaping.
func marshal(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return json.RawMessage(bytes.TrimRight(buf.Bytes(), "\n")), nil
}
