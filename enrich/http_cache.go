package enrich

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"golang.org/x/sync/singleflight"
)

// Bounds of an http enricher's response cache when the enricher does not set
// cache_max_entries or cache_max_bytes.
const (
	DefaultHTTPCacheEntries = 10_000
	DefaultHTTPCacheBytes   = 16 << 20 // response bodies as received
)

// responseCache keeps an http enricher's responses for ttl in an LRU bounded
// in entries and in bytes (the response bodies as received; a body larger
// than the byte bound is not kept). Expired entries are dropped when looked
// up and, on every insert, from the cold end of the LRU. Concurrent misses of
// one key share a single fetch. Safe for concurrent use.
type responseCache struct {
	ttl      time.Duration
	maxBytes int64
	now      func() time.Time
	flight   singleflight.Group

	mu    sync.Mutex
	lru   *simplelru.LRU[string, cachedResponse]
	bytes int64
}

type cachedResponse struct {
	v    any
	size int64
	exp  time.Time
}

// cacheReport says how one lookup went, for the cache metrics.
type cacheReport struct {
	hit     bool // served without a fetch of this caller's own
	expired int  // expired entries dropped
	evicted int  // live entries pushed out by the bounds
}

// fetchFunc fetches a response and returns it with its size in bytes.
type fetchFunc func() (v any, size int64, err error)

func newResponseCache(ttl time.Duration, maxEntries int, maxBytes int64) *responseCache {
	c := &responseCache{ttl: ttl, maxBytes: maxBytes, now: time.Now}
	c.lru, _ = simplelru.NewLRU(maxEntries, func(_ string, r cachedResponse) { c.bytes -= r.size }) // maxEntries > 0 (validated)
	return c
}

// getOrFetch returns key's live cached value, or fetches it (once for all
// concurrent callers) and caches a successful result. A caller whose ctx
// ends while it waits for another caller's fetch returns ctx's error.
func (c *responseCache) getOrFetch(ctx context.Context, key string, fetch fetchFunc) (any, cacheReport, error) {
	var rep cacheReport
	if v, ok, expired := c.get(key); ok {
		rep.hit = true
		return v, rep, nil
	} else if expired {
		rep.expired++
	}
	var fetched bool
	var putExpired, putEvicted int
	ch := c.flight.DoChan(key, func() (any, error) {
		fetched = true
		v, size, err := fetch()
		if err == nil {
			putExpired, putEvicted = c.put(key, v, size)
		}
		return v, err
	})
	select {
	case res := <-ch: // the fetch's writes above happen before this receive
		rep.hit = !fetched && res.Err == nil
		rep.expired += putExpired
		rep.evicted = putEvicted
		return res.Val, rep, res.Err
	case <-ctx.Done():
		return nil, rep, ctx.Err()
	}
}

// get returns key's value when it is cached and live; an expired entry is
// dropped and reported.
func (c *responseCache) get(key string) (v any, ok, expired bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.lru.Get(key)
	if !ok {
		return nil, false, false
	}
	if c.now().After(r.exp) {
		c.lru.Remove(key)
		return nil, false, true
	}
	return r.v, true, false
}

// put caches v and returns how many expired and live entries it dropped to
// stay within the bounds.
func (c *responseCache) put(key string, v any, size int64) (expired, evicted int) {
	if size > c.maxBytes {
		return 0, 0
	}
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		_, oldest, ok := c.lru.GetOldest()
		if !ok || !now.After(oldest.exp) {
			break
		}
		c.lru.RemoveOldest()
		expired++
	}
	c.lru.Remove(key)
	for c.bytes+size > c.maxBytes && c.lru.Len() > 0 {
		c.lru.RemoveOldest()
		evicted++
	}
	if c.lru.Add(key, cachedResponse{v: v, size: size, exp: now.Add(c.ttl)}) {
		evicted++
	}
	c.bytes += size
	return expired, evicted
}
