package enrich

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fetchOf returns a fetch of a fixed value and size that counts its calls.
func fetchOf(v any, size int64, calls *int) fetchFunc {
	return func() (any, int64, error) { *calls++; return v, size, nil }
}

func TestResponseCache(t *testing.T) {
	ctx := context.Background()
	t.Run("the default bounds hold the entry count", func(t *testing.T) {
		r := rawEnricher{CacheTTL: "1h"}
		c, err := r.responseCache()
		if err != nil {
			t.Fatal(err)
		}
		calls, evicted := 0, 0
		for i := range DefaultHTTPCacheEntries + 10 {
			_, rep, _ := c.getOrFetch(ctx, fmt.Sprint(i), fetchOf(i, 1, &calls))
			evicted += rep.evicted
		}
		if c.lru.Len() != DefaultHTTPCacheEntries || evicted != 10 {
			t.Fatalf("%d entries, %d evicted; want %d and 10", c.lru.Len(), evicted, DefaultHTTPCacheEntries)
		}
	})
	t.Run("the byte bound evicts the least recently used", func(t *testing.T) {
		c := newResponseCache(time.Hour, 100, 250)
		calls := 0
		for _, k := range []string{"a", "b", "a", "c"} { // "a" used again: "b" is the coldest
			c.getOrFetch(ctx, k, fetchOf(k, 100, &calls))
		}
		if _, rep, _ := c.getOrFetch(ctx, "a", fetchOf("a", 100, &calls)); !rep.hit {
			t.Fatal("a was evicted, want b")
		}
		if _, rep, _ := c.getOrFetch(ctx, "b", fetchOf("b", 100, &calls)); rep.hit || rep.evicted != 1 {
			t.Fatalf("b: %+v, want a miss that evicts one entry", rep)
		}
		if c.bytes != 200 || c.lru.Len() != 2 {
			t.Fatalf("%d bytes in %d entries, want 200 in 2", c.bytes, c.lru.Len())
		}
	})
	t.Run("a body over the byte bound is not kept", func(t *testing.T) {
		c := newResponseCache(time.Hour, 100, 250)
		calls := 0
		c.getOrFetch(ctx, "big", fetchOf("x", 251, &calls))
		c.getOrFetch(ctx, "big", fetchOf("x", 251, &calls))
		if calls != 2 || c.bytes != 0 {
			t.Fatalf("%d fetches, %d bytes kept; want 2 and 0", calls, c.bytes)
		}
	})
	t.Run("expired entries are dropped on lookup and from the cold end", func(t *testing.T) {
		now := time.Unix(1_000_000, 0)
		c := newResponseCache(time.Minute, 100, 1000)
		c.now = func() time.Time { return now }
		calls := 0
		c.getOrFetch(ctx, "a", fetchOf("a", 10, &calls))
		c.getOrFetch(ctx, "b", fetchOf("b", 10, &calls))
		now = now.Add(2 * time.Minute)
		_, rep, _ := c.getOrFetch(ctx, "a", fetchOf("a2", 10, &calls))
		if rep.hit || rep.expired != 2 { // "a" on lookup, "b" from the cold end
			t.Fatalf("%+v, want a miss with 2 expired entries dropped", rep)
		}
		if c.lru.Len() != 1 || c.bytes != 10 {
			t.Fatalf("%d entries, %d bytes; want 1 and 10", c.lru.Len(), c.bytes)
		}
	})
	t.Run("a waiter whose context ends returns without the shared fetch", func(t *testing.T) {
		c := newResponseCache(time.Hour, 100, 1000)
		release := make(chan struct{})
		started := make(chan struct{})
		go c.getOrFetch(ctx, "k", func() (any, int64, error) {
			close(started)
			<-release
			return 1, 1, nil
		})
		defer close(release)
		select {
		case <-started:
		case <-time.After(10 * time.Second):
			t.Fatal("the first fetch did not start within 10s")
		}
		wctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, _, err := c.getOrFetch(wctx, "k", func() (any, int64, error) { t.Error("second fetch"); return nil, 0, nil }); err != context.Canceled {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
}

// A templated URL must not grow the cache for the life of the daemon: past
// cache_max_entries the least recently used responses are evicted, counted,
// and fetched again when asked for.
func TestHTTPCacheStaysWithinItsBounds(t *testing.T) {
	var calls atomic.Int32
	srv := localServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		fmt.Fprintf(w, `{"path":%q}`, r.URL.Path)
	}))
	obs := newObserver()
	set, err := Parse("e.yml", []byte("enrichers:\n  - {id: e, kind: detection, type: http, inject_field: r, cache_ttl: 1h, cache_max_entries: 3, url: '"+srv.URL+"/${detection.rule.title}'}\n"), Options{Observer: obs})
	if err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"a", "b", "c", "d", "e", "a"} {
		vals, _ := set.Enrich(context.Background(), &Target{Kind: Detection, Title: title})
		if got := render(vals); got != fmt.Sprintf(`{"r":{"path":"/%s"}}`, title) {
			t.Fatalf("%s: %s", title, got)
		}
	}
	if calls.Load() != 6 || obs.cache["e/evicted"] != 3 || obs.cache["e/miss"] != 6 {
		t.Fatalf("%d fetches, cache events %v; want 6 fetches, 6 misses, 3 evictions", calls.Load(), obs.cache)
	}
}

func TestHTTPCacheBoundsAreValidated(t *testing.T) {
	for _, field := range []string{"cache_max_entries: -1", "cache_max_bytes: -1"} {
		_, err := Parse("e.yml", []byte("enrichers:\n  - {id: e, kind: detection, type: http, inject_field: r, cache_ttl: 1m, url: 'http://127.0.0.1/', "+field+"}\n"), Options{})
		name, _, _ := strings.Cut(field, ":")
		if err == nil || !strings.Contains(err.Error(), "e.yml: e: "+name+": must not be negative") {
			t.Fatalf("%s: err = %v", field, err)
		}
	}
}
