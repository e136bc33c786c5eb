package enrich

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/rsigma-connect/rsigma-connect/source"
	"gopkg.in/yaml.v3"
)

// primitive computes an enricher's value for one result. The value is
// anything encoding/json can marshal.
type primitive interface {
	run(ctx context.Context, t *Target) (any, error)
}

// errNoMatch is a lookup without a result (no match or no cached value).
var errNoMatch = errors.New("no match")

type templatePrimitive struct{ tpl *template }

func newTemplatePrimitive(r *rawEnricher, k Kind) (primitive, error) {
	if r.Template == nil {
		return nil, errors.New("template: required for type template")
	}
	tpl, err := parseTemplate(*r.Template, k)
	if err != nil {
		return nil, fmt.Errorf("template: %v", err)
	}
	return &templatePrimitive{tpl: tpl}, nil
}

func (p *templatePrimitive) run(_ context.Context, t *Target) (any, error) {
	return p.tpl.render(t, nil), nil
}

// lookupPrimitive evaluates an extract expression over a dynamic source's
// cached value.
type lookupPrimitive struct {
	sources    *source.Resolver
	sourceID   string
	extract    *template
	kind       string
	hasDefault bool
	def        any
	compiled   extractCache
}

func newLookupPrimitive(r *rawEnricher, k Kind, sources *source.Resolver) (primitive, error) {
	if r.Source == "" {
		return nil, errors.New("source: required for type lookup")
	}
	if sources == nil {
		return nil, errors.New("source: lookup enrichers need at least one --source")
	}
	if !sources.Has(r.Source) {
		return nil, fmt.Errorf("source: unknown dynamic source %q", r.Source)
	}
	p := &lookupPrimitive{sources: sources, sourceID: r.Source, kind: r.ExtractType}
	var err error
	if p.extract, err = checkedExtract(r.Extract, r.ExtractType, k); err != nil {
		return nil, err
	}
	if p.hasDefault, p.def, err = decodeDefault(&r.Default); err != nil {
		return nil, err
	}
	return p, nil
}

// checkedExtract parses an extract template and, when it is static,
// compiles it now so errors surface at load.
func checkedExtract(expr, kind string, k Kind) (*template, error) {
	if expr == "" {
		expr = "."
		if kind == "jsonpath" {
			expr = "$"
		}
	}
	tpl, err := parseTemplate(expr, k)
	if err != nil {
		return nil, fmt.Errorf("extract: %v", err)
	}
	if tpl.static() {
		if _, err := source.CompileExtract(kind, expr); err != nil {
			return nil, fmt.Errorf("extract: %v", err)
		}
	} else if kind != "" && kind != "jq" && kind != "jsonpath" {
		return nil, fmt.Errorf("extract_type: expected jq or jsonpath, got %q", kind)
	}
	return tpl, nil
}

func decodeDefault(n *yaml.Node) (bool, any, error) {
	if n.Kind == 0 {
		return false, nil, nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return false, nil, fmt.Errorf("default: %v", err)
	}
	return true, v, nil
}

func (p *lookupPrimitive) run(ctx context.Context, t *Target) (any, error) {
	v, ok := p.sources.Value(p.sourceID)
	if !ok || v == nil {
		return p.fallback()
	}
	ex, err := p.compiled.get(p.kind, p.extract.render(t, nil))
	if err != nil {
		return nil, err
	}
	out, found, err := ex.Extract(ctx, v)
	if err != nil {
		return nil, err
	}
	if !found {
		return p.fallback()
	}
	return out, nil
}

func (p *lookupPrimitive) fallback() (any, error) {
	if p.hasDefault {
		return p.def, nil
	}
	return nil, errNoMatch
}

// extractCache memoises compiled extract expressions (templated
// expressions differ per result); it is bounded by dropping everything
// when full.
type extractCache struct {
	mu sync.Mutex
	m  map[string]source.Extractor
}

const extractCacheSize = 1024

func (c *extractCache) get(kind, expr string) (source.Extractor, error) {
	key := kind + "\x00" + expr
	c.mu.Lock()
	defer c.mu.Unlock()
	if ex, ok := c.m[key]; ok {
		return ex, nil
	}
	ex, err := source.CompileExtract(kind, expr)
	if err != nil {
		return nil, err
	}
	if c.m == nil || len(c.m) >= extractCacheSize {
		c.m = map[string]source.Extractor{}
	}
	c.m[key] = ex
	return ex, nil
}
