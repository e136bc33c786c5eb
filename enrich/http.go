package enrich

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// maxHTTPBody caps an http enricher's response body (10 MiB).
const maxHTTPBody = 10 << 20

// httpPrimitive calls an HTTP endpoint; responses are cached per enricher
// for cache_ttl, keyed by method, URL and a hash of the body.
type httpPrimitive struct {
	id      string
	client  *http.Client
	method  string
	url     *template
	headers map[string]*template
	body    *template
	extract *template
	kind    string
	ttl     time.Duration
	obs     Observer
	cache   responseCache
	exprs   extractCache
}

func newHTTPPrimitive(r *rawEnricher, e *Enricher, opts Options) (primitive, error) {
	p := &httpPrimitive{id: e.ID, client: opts.Client, method: strings.ToUpper(r.Method), kind: r.ExtractType,
		headers: map[string]*template{}, obs: opts.Observer}
	if p.method == "" {
		p.method = http.MethodGet
	}
	var err error
	if r.URL == "" {
		return nil, errors.New("url: required for type http")
	}
	if p.url, err = parseTemplate(r.URL, e.Kind); err != nil {
		return nil, fmt.Errorf("url: %v", err)
	}
	if u := p.url.render(&Target{}, nil); !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		return nil, fmt.Errorf("url: expected an http(s) URL, got %q", r.URL)
	}
	for k, v := range r.Headers {
		if p.headers[k], err = parseTemplate(v, e.Kind); err != nil {
			return nil, fmt.Errorf("headers.%s: %v", k, err)
		}
	}
	if p.body, err = parseTemplate(r.Body, e.Kind); err != nil {
		return nil, fmt.Errorf("body: %v", err)
	}
	if r.Extract != "" {
		if p.extract, err = checkedExtract(r.Extract, r.ExtractType, e.Kind); err != nil {
			return nil, err
		}
	}
	if r.CacheTTL != "" {
		if p.ttl, err = time.ParseDuration(r.CacheTTL); err != nil || p.ttl < 0 {
			return nil, fmt.Errorf("cache_ttl: invalid duration %q", r.CacheTTL)
		}
	}
	return p, nil
}

// urlEscape keeps substituted values inside one path segment or query value.
func urlEscape(s string) string {
	return strings.NewReplacer("&", "%26", "=", "%3D", "+", "%2B").Replace(url.PathEscape(s))
}

func (p *httpPrimitive) run(ctx context.Context, t *Target) (any, error) {
	u := p.url.render(t, urlEscape)
	body := p.body.render(t, nil)
	key := fmt.Sprintf("%s %s %x", p.method, u, sha256.Sum256([]byte(body)))
	if p.ttl <= 0 {
		v, err := p.fetch(ctx, u, body, t)
		if err != nil {
			return nil, err
		}
		return p.extractFrom(ctx, t, v)
	}
	v, hit, expired, err := p.cache.getOrFetch(key, p.ttl, func() (any, error) { return p.fetch(ctx, u, body, t) })
	p.observeCache(hit, expired)
	if err != nil {
		return nil, err
	}
	return p.extractFrom(ctx, t, v)
}

func (p *httpPrimitive) observeCache(hit, expired bool) {
	if p.obs == nil {
		return
	}
	if expired {
		p.obs.HTTPCache(p.id, CacheExpired)
	}
	if hit {
		p.obs.HTTPCache(p.id, CacheHit)
	} else {
		p.obs.HTTPCache(p.id, CacheMiss)
	}
}

func (p *httpPrimitive) fetch(ctx context.Context, u, body string, t *Target) (any, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, p.method, u, rd)
	if err != nil {
		return nil, err
	}
	for k, tpl := range p.headers {
		req.Header.Set(k, tpl.render(t, nil))
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxHTTPBody+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxHTTPBody {
		return nil, fmt.Errorf("response body exceeds %d bytes", maxHTTPBody)
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: HTTP %d", p.method, u, resp.StatusCode)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return string(bytes.TrimSpace(data)), nil // not JSON: the text itself
	}
	return v, nil
}

func (p *httpPrimitive) extractFrom(ctx context.Context, t *Target, v any) (any, error) {
	if p.extract == nil {
		return v, nil
	}
	ex, err := p.exprs.get(p.kind, p.extract.render(t, nil))
	if err != nil {
		return nil, err
	}
	out, found, err := ex.Extract(ctx, v)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errNoMatch
	}
	return out, nil
}

// responseCache is a TTL map; expired entries are evicted on lookup.
// Concurrent misses of one key share a single fetch.
type responseCache struct {
	mu       sync.Mutex
	m        map[string]cached
	inflight map[string]*fetchCall
}

type fetchCall struct {
	done chan struct{}
	v    any
	err  error
}

// getOrFetch returns the cached value of key, or fetches it (once for all
// concurrent callers) and caches a successful result for ttl. hit is true
// when no fetch was needed by this caller.
func (c *responseCache) getOrFetch(key string, ttl time.Duration, fetch func() (any, error)) (v any, hit, expired bool, err error) {
	if v, hit, expired = c.get(key); hit {
		return v, true, false, nil
	}
	c.mu.Lock()
	if call, ok := c.inflight[key]; ok {
		c.mu.Unlock()
		<-call.done
		return call.v, call.err == nil, expired, call.err
	}
	call := &fetchCall{done: make(chan struct{})}
	if c.inflight == nil {
		c.inflight = map[string]*fetchCall{}
	}
	c.inflight[key] = call
	c.mu.Unlock()
	call.v, call.err = fetch()
	if call.err == nil {
		c.put(key, call.v, ttl)
	}
	c.mu.Lock()
	delete(c.inflight, key)
	c.mu.Unlock()
	close(call.done)
	return call.v, false, expired, call.err
}

type cached struct {
	v   any
	exp time.Time
}

func (c *responseCache) get(key string) (v any, hit, expired bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok {
		return nil, false, false
	}
	if time.Now().After(e.exp) {
		delete(c.m, key)
		return nil, false, true
	}
	return e.v, true, false
}

func (c *responseCache) put(key string, v any, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]cached{}
	}
	c.m[key] = cached{v: v, exp: time.Now().Add(ttl)}
}
