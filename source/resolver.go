package source

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Observer receives resolution events (the daemon turns them into the
// rsigma_source_* metrics). Implementations must be safe for concurrent use.
type Observer interface {
	// Resolved is called after every attempt; err is nil on success.
	Resolved(s *Source, elapsed time.Duration, err *ResolveError)
	// CacheHit is called when a failure was answered from the cache.
	CacheHit(s *Source)
}

// Options configure a Resolver.
type Options struct {
	// Transports fetch the sources of each type; a source whose type has
	// none fails to resolve (a Fetch error). See source/fetch.
	Transports map[Type]Transport
	Observer   Observer     // optional
	Logger     *slog.Logger // optional
}

// Resolver resolves and caches the values of a fixed set of sources. It is
// safe for concurrent use. Re-resolving a source never rebuilds rules by
// itself: callers take a new Snapshot at their next rule load.
type Resolver struct {
	sources  []*Source
	byID     map[string]*Source
	opts     Options
	mu       sync.RWMutex
	values   map[string]any // current value per resolved source
	cache    map[string]any // last successfully fetched value (use_cached)
	resolves atomic.Int64
	errs     atomic.Int64
	hits     atomic.Int64
	triggers chan string
	retry    []string // optional sources that failed at startup
}

// NewResolver returns a resolver for sources (ids must be unique).
func NewResolver(sources []*Source, opts Options) *Resolver {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	r := &Resolver{sources: sources, byID: map[string]*Source{}, opts: opts,
		values: map[string]any{}, cache: map[string]any{}, triggers: make(chan string, 8)}
	for _, s := range sources {
		r.byID[s.ID] = s
	}
	return r
}

// Sources returns the configured sources in declaration order.
func (r *Resolver) Sources() []*Source { return r.sources }

// Stats are cumulative resolution counters.
type Stats struct{ Resolves, Errors, CacheHits int64 }

// Stats returns the resolution counters: every attempt, failed attempts and
// failures answered from the cache.
func (r *Resolver) Stats() Stats {
	return Stats{Resolves: r.resolves.Load(), Errors: r.errs.Load(), CacheHits: r.hits.Load()}
}

// ResolveAll resolves every source (startup and full reloads). It returns
// an error when a required source fails and its policy yields no value.
func (r *Resolver) ResolveAll(ctx context.Context) error {
	var errs []error
	for _, s := range r.sources {
		if err := r.resolve(ctx, s); err != nil {
			if s.Required {
				errs = append(errs, err)
			} else {
				r.retry = append(r.retry, s.ID)
			}
		}
	}
	return errors.Join(errs...)
}

// Resolve re-resolves one source by id; unknown ids are a no-op.
func (r *Resolver) Resolve(ctx context.Context, id string) error {
	s := r.byID[id]
	if s == nil {
		return nil
	}
	return r.resolve(ctx, s)
}

// resolve fetches, decodes and extracts s, then applies its error policy.
// The returned error means the source has no usable value.
func (r *Resolver) resolve(ctx context.Context, s *Source) error {
	return r.resolveWith(ctx, s, func() ([]byte, error) { return s.fetch(ctx, r.opts.Transports) })
}

// resolveWith is resolve with the raw bytes coming from fetch (a pushed
// NATS message passes its payload).
func (r *Resolver) resolveWith(ctx context.Context, s *Source, fetch func() ([]byte, error)) error {
	start := time.Now()
	v, rerr := r.fetchValue(ctx, s, fetch)
	r.resolves.Add(1)
	if r.opts.Observer != nil {
		r.opts.Observer.Resolved(s, time.Since(start), rerr)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if rerr == nil {
		r.values[s.ID], r.cache[s.ID] = v, v
		return nil
	}
	r.errs.Add(1)
	r.opts.Logger.Warn("dynamic source resolution failed", "source_id", s.ID, "error", rerr.Error())
	switch s.OnError {
	case UseCached:
		if cached, ok := r.cache[s.ID]; ok {
			r.values[s.ID] = cached
			r.hits.Add(1)
			if r.opts.Observer != nil {
				r.opts.Observer.CacheHit(s)
			}
			return nil
		}
	case UseDefault:
		r.values[s.ID] = s.Default
		return nil
	}
	if !s.Required {
		r.values[s.ID] = nil
	}
	return rerr
}

func (r *Resolver) fetchValue(ctx context.Context, s *Source, fetch func() ([]byte, error)) (any, *ResolveError) {
	data, err := fetch()
	if err != nil {
		var re *ResolveError
		if errors.As(err, &re) {
			return nil, re
		}
		return nil, &ResolveError{ID: s.ID, Kind: KindFetch, Err: err}
	}
	v, err := s.decode(data)
	if err != nil {
		return nil, &ResolveError{ID: s.ID, Kind: KindParse, Err: fmt.Errorf("%s: %v", s.Format, err)}
	}
	if s.Extract == nil {
		return v, nil
	}
	out, _, err := s.Extract.Extract(ctx, v)
	if err != nil {
		return nil, &ResolveError{ID: s.ID, Kind: KindExtract, Err: err}
	}
	return out, nil
}

// Invalidate forgets the cached value of id, so the next failing resolution
// cannot fall back to it. Unknown ids are a no-op.
func (r *Resolver) Invalidate(id string) {
	r.mu.Lock()
	delete(r.cache, id)
	r.mu.Unlock()
}

// Value returns the current value of source id (for enrichment lookups);
// ok is false when the source is unknown or has no value yet.
func (r *Resolver) Value(id string) (any, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	v, ok := r.values[id]
	return v, ok
}

// Has reports whether a source with this id is configured.
func (r *Resolver) Has(id string) bool { _, ok := r.byID[id]; return ok }

// Snapshot returns an immutable copy of the current values.
func (r *Resolver) Snapshot() *Snapshot {
	r.mu.RLock()
	defer r.mu.RUnlock()
	snap := &Snapshot{entries: make(map[string]entry, len(r.values))}
	for id, v := range r.values {
		snap.entries[id] = entry{value: v, source: r.byID[id]}
	}
	return snap
}

// Trigger queues a background re-resolution of id ("" = every source). It
// reports false when the queue is full (a resolution is already pending).
func (r *Resolver) Trigger(id string) bool {
	select {
	case r.triggers <- id:
		return true
	default:
		return false
	}
}
