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
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/redact"
)

// maxHTTPBody caps an http enricher's response body (10 MiB).
const maxHTTPBody = 10 << 20

// httpPrimitive calls an HTTP endpoint; with a cache_ttl responses are
// cached per enricher, keyed by method, URL and a hash of the body, within
// the bounds cache_max_entries and cache_max_bytes (http_cache.go).
type httpPrimitive struct {
	id      string
	client  *http.Client
	method  string
	url     *template
	headers map[string]*template
	body    *template
	extract *template
	kind    string
	obs     Observer
	cache   *responseCache // nil without cache_ttl
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
	if p.cache, err = r.responseCache(); err != nil {
		return nil, err
	}
	return p, nil
}

// responseCache is the cache the cache_* fields ask for; nil without a
// cache_ttl.
func (r *rawEnricher) responseCache() (*responseCache, error) {
	if r.CacheMaxEntries < 0 {
		return nil, fmt.Errorf("cache_max_entries: must not be negative, got %d", r.CacheMaxEntries)
	}
	if r.CacheMaxBytes < 0 {
		return nil, fmt.Errorf("cache_max_bytes: must not be negative, got %d", r.CacheMaxBytes)
	}
	if r.CacheTTL == "" {
		return nil, nil
	}
	ttl, err := time.ParseDuration(r.CacheTTL)
	if err != nil || ttl < 0 {
		return nil, fmt.Errorf("cache_ttl: invalid duration %q", r.CacheTTL)
	}
	if ttl == 0 {
		return nil, nil
	}
	entries, bytes := r.CacheMaxEntries, r.CacheMaxBytes
	if entries == 0 {
		entries = DefaultHTTPCacheEntries
	}
	if bytes == 0 {
		bytes = DefaultHTTPCacheBytes
	}
	return newResponseCache(ttl, entries, bytes), nil
}

// urlEscape keeps substituted values inside one path segment or query value.
func urlEscape(s string) string {
	return strings.NewReplacer("&", "%26", "=", "%3D", "+", "%2B").Replace(url.PathEscape(s))
}

func (p *httpPrimitive) run(ctx context.Context, t *Target) (any, error) {
	u := p.url.render(t, urlEscape)
	body := p.body.render(t, nil)
	fetch := func() (any, int64, error) { return p.fetch(ctx, u, body, t) }
	var v any
	var err error
	if p.cache == nil {
		v, _, err = fetch()
	} else {
		key := fmt.Sprintf("%s %s %x", p.method, u, sha256.Sum256([]byte(body)))
		var rep cacheReport
		v, rep, err = p.cache.getOrFetch(ctx, key, fetch)
		p.observeCache(rep)
	}
	if err != nil {
		return nil, err
	}
	return p.extractFrom(ctx, t, v)
}

func (p *httpPrimitive) observeCache(rep cacheReport) {
	if p.obs == nil {
		return
	}
	for range rep.expired {
		p.obs.HTTPCache(p.id, CacheExpired)
	}
	for range rep.evicted {
		p.obs.HTTPCache(p.id, CacheEvicted)
	}
	if rep.hit {
		p.obs.HTTPCache(p.id, CacheHit)
	} else {
		p.obs.HTTPCache(p.id, CacheMiss)
	}
}

// fetch calls the endpoint and returns the decoded response and its size.
func (p *httpPrimitive) fetch(ctx context.Context, u, body string, t *Target) (any, int64, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, p.method, u, rd)
	if err != nil {
		return nil, 0, err
	}
	for k, tpl := range p.headers {
		req.Header.Set(k, tpl.render(t, nil))
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, 0, redact.HTTPError(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxHTTPBody+1))
	if err != nil {
		return nil, 0, err
	}
	if len(data) > maxHTTPBody {
		return nil, 0, fmt.Errorf("response body exceeds %d bytes", maxHTTPBody)
	}
	if resp.StatusCode/100 != 2 {
		return nil, 0, fmt.Errorf("%s %s: HTTP %d", p.method, redact.URL(u), resp.StatusCode)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return string(bytes.TrimSpace(data)), int64(len(data)), nil // not JSON: the text itself
	}
	return v, int64(len(data)), nil
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
