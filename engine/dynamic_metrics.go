package engine

import (
	"sync"
	"time"

	"github.com/rsigma-connect/rsigma-connect/enrich"
	"github.com/rsigma-connect/rsigma-connect/source"
)

// dynamicMetrics are the source and enrichment families (metrics.md §3-4).
type dynamicMetrics struct {
	resolveSeconds Timer   // rsigma_source_resolve_seconds
	cacheHits      Counter // rsigma_source_cache_hits_total
	resolves       Counter // source_id, source_type
	resolveErrors  Counter // source_id, error_kind
	lastResolved   Gauge   // source_id
	enrichments    Counter // enricher_id, kind, status
	enrichSeconds  Timer   // enricher_id, kind
	httpHits       Counter // enricher_id
	httpMisses     Counter
	httpExpired    Counter
	httpEvicted    Counter
}

func newDynamicMetrics(m Metrics, base *metrics) *dynamicMetrics {
	return &dynamicMetrics{
		resolveSeconds: base.sourceResolve,
		cacheHits:      base.sourceCacheHits,
		resolves:       m.NewCounter("rsigma_source_resolves_total", "source_id", "source_type"),
		resolveErrors:  m.NewCounter("rsigma_source_resolve_errors_total", "source_id", "error_kind"),
		lastResolved:   m.NewGauge("rsigma_source_last_resolved_timestamp", "source_id"),
		enrichments:    m.NewCounter("rsigma_enrichment_total", "enricher_id", "kind", "status"),
		enrichSeconds:  m.NewTimer("rsigma_enrichment_duration_seconds", "enricher_id", "kind"),
		httpHits:       m.NewCounter("rsigma_enrichment_http_cache_hits_total", "enricher_id"),
		httpMisses:     m.NewCounter("rsigma_enrichment_http_cache_misses_total", "enricher_id"),
		httpExpired:    m.NewCounter("rsigma_enrichment_http_cache_expirations_total", "enricher_id"),
		httpEvicted:    m.NewCounter("rsigma_enrichment_http_cache_evictions_total", "enricher_id"),
	}
}

// dynamicObserver turns source and enrichment events into metrics. Events
// that happen before the stream's metrics exist (startup resolution) are
// kept and replayed when the first evaluator attaches.
type dynamicObserver struct {
	mu      sync.Mutex
	m       *dynamicMetrics
	pending []func(*dynamicMetrics)
}

const maxPendingMetricEvents = 4096

func (o *dynamicObserver) record(f func(*dynamicMetrics)) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.m != nil {
		f(o.m)
		return
	}
	if len(o.pending) < maxPendingMetricEvents {
		o.pending = append(o.pending, f)
	}
}

// attach binds the observer to the stream's metrics (first call wins).
func (o *dynamicObserver) attach(m *dynamicMetrics, set *enrich.Set) {
	o.mu.Lock()
	if o.m == nil {
		o.m = m
		for _, f := range o.pending {
			f(m)
		}
		o.pending = nil
	}
	o.mu.Unlock()
	o.precreate(set)
}

// precreate makes every enricher's series visible at 0 (metrics.md §4).
func (o *dynamicObserver) precreate(set *enrich.Set) {
	if set == nil {
		return
	}
	o.record(func(m *dynamicMetrics) {
		for _, e := range set.Enrichers() {
			for _, st := range enrich.Statuses {
				m.enrichments.Incr(0, e.ID, string(e.Kind), string(st))
			}
			if e.Type == "http" {
				m.httpHits.Incr(0, e.ID)
				m.httpMisses.Incr(0, e.ID)
				m.httpExpired.Incr(0, e.ID)
				m.httpEvicted.Incr(0, e.ID)
			}
		}
	})
}

// Resolved implements source.Observer.
func (o *dynamicObserver) Resolved(s *source.Source, elapsed time.Duration, err *source.ResolveError) {
	now := time.Now().Unix()
	o.record(func(m *dynamicMetrics) {
		m.resolveSeconds.Timing(elapsed.Nanoseconds())
		m.resolves.Incr(1, s.ID, string(s.Type))
		if err != nil {
			m.resolveErrors.Incr(1, s.ID, string(err.Kind))
			return
		}
		m.lastResolved.Set(now, s.ID)
	})
}

// CacheHit implements source.Observer.
func (o *dynamicObserver) CacheHit(*source.Source) {
	o.record(func(m *dynamicMetrics) { m.cacheHits.Incr(1) })
}

// Enriched implements enrich.Observer.
func (o *dynamicObserver) Enriched(e *enrich.Enricher, st enrich.Status, elapsed time.Duration) {
	o.record(func(m *dynamicMetrics) {
		m.enrichments.Incr(1, e.ID, string(e.Kind), string(st))
		m.enrichSeconds.Timing(elapsed.Nanoseconds(), e.ID, string(e.Kind))
	})
}

// HTTPCache implements enrich.Observer.
func (o *dynamicObserver) HTTPCache(id string, ev enrich.CacheEvent) {
	o.record(func(m *dynamicMetrics) {
		switch ev {
		case enrich.CacheHit:
			m.httpHits.Incr(1, id)
		case enrich.CacheMiss:
			m.httpMisses.Incr(1, id)
		case enrich.CacheExpired:
			m.httpExpired.Incr(1, id)
		case enrich.CacheEvicted:
			m.httpEvicted.Incr(1, id)
		}
	})
}
