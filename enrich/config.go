package enrich

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/rsigma-connect/rsigma-connect/source"
	"gopkg.in/yaml.v3"
)

// ErrConfig marks an invalid or unreadable enrichers file.
var ErrConfig = errors.New("invalid enrichers file")

// DefaultMaxConcurrent bounds concurrent enrichment chains when the file
// does not say (0 or absent).
const DefaultMaxConcurrent = 16

// Options are the dependencies of an enricher set.
type Options struct {
	Sources  *source.Resolver // dynamic sources for lookup enrichers; nil when none
	Client   *http.Client     // for http enrichers; default: a plain client
	Observer Observer         // metrics; optional
	Logger   *slog.Logger     // optional
}

// Enricher is one validated `enrichers:` entry.
type Enricher struct {
	ID          string
	Kind        Kind
	Type        string // template | lookup | http | command
	InjectField string
	Timeout     time.Duration
	OnError     string // skip | null | drop
	scope       scope
	prim        primitive
}

type rawFile struct {
	MaxConcurrent int           `yaml:"max_concurrent_enrichments"`
	Enrichers     []rawEnricher `yaml:"enrichers"`
}

type rawEnricher struct {
	ID              string            `yaml:"id"`
	Kind            string            `yaml:"kind"`
	Type            string            `yaml:"type"`
	InjectField     string            `yaml:"inject_field"`
	Timeout         string            `yaml:"timeout"`
	OnError         string            `yaml:"on_error"`
	Scope           *rawScope         `yaml:"scope"`
	Template        *string           `yaml:"template"`
	Source          string            `yaml:"source"`
	Extract         string            `yaml:"extract"`
	ExtractType     string            `yaml:"extract_type"`
	Default         yaml.Node         `yaml:"default"`
	URL             string            `yaml:"url"`
	Method          string            `yaml:"method"`
	Headers         map[string]string `yaml:"headers"`
	Body            string            `yaml:"body"`
	CacheTTL        string            `yaml:"cache_ttl"`
	CacheMaxEntries int               `yaml:"cache_max_entries"`
	CacheMaxBytes   int64             `yaml:"cache_max_bytes"`
	Command         []string          `yaml:"command"`
	Env             map[string]string `yaml:"env"`
	Output          string            `yaml:"output"`
}

// Load reads and validates an enrichers file.
func Load(path string, opts Options) (*Set, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	return Parse(path, data, opts)
}

// Parse validates an enrichers document; file names it in errors, which
// name the enricher and field and wrap ErrConfig.
func Parse(file string, data []byte, opts Options) (*Set, error) {
	var raw rawFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: %s: %v", ErrConfig, file, err)
	}
	if opts.Client == nil {
		opts.Client = &http.Client{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if raw.MaxConcurrent < 0 {
		return nil, fmt.Errorf("%w: %s: max_concurrent_enrichments: must not be negative", ErrConfig, file)
	}
	if raw.MaxConcurrent == 0 {
		raw.MaxConcurrent = DefaultMaxConcurrent
	}
	set := &Set{maxConcurrent: raw.MaxConcurrent, opts: opts, sem: make(chan struct{}, raw.MaxConcurrent)}
	ids := map[string]bool{}
	for i, r := range raw.Enrichers {
		e, err := r.validate(opts)
		if err != nil {
			name := r.ID
			if name == "" {
				name = fmt.Sprintf("enrichers[%d]", i)
			}
			return nil, fmt.Errorf("%w: %s: %s: %v", ErrConfig, file, name, err)
		}
		if ids[e.ID] {
			return nil, fmt.Errorf("%w: %s: %s: duplicate enricher id", ErrConfig, file, e.ID)
		}
		ids[e.ID] = true
		set.enrichers = append(set.enrichers, e)
	}
	return set, nil
}

func (r *rawEnricher) validate(opts Options) (*Enricher, error) {
	e := &Enricher{ID: r.ID, Kind: Kind(r.Kind), Type: r.Type, InjectField: r.InjectField,
		Timeout: 5 * time.Second, OnError: r.OnError}
	if e.ID == "" {
		return nil, errors.New("id: required")
	}
	if e.Kind != Detection && e.Kind != Correlation {
		return nil, fmt.Errorf("kind: expected detection or correlation, got %q", r.Kind)
	}
	if e.InjectField == "" {
		return nil, errors.New("inject_field: required")
	}
	if r.Timeout != "" {
		d, err := time.ParseDuration(r.Timeout)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("timeout: invalid duration %q", r.Timeout)
		}
		e.Timeout = d
	}
	switch e.OnError {
	case "":
		e.OnError = "skip"
	case "skip", "null", "drop":
	default:
		return nil, fmt.Errorf("on_error: expected skip, null or drop, got %q", r.OnError)
	}
	var err error
	if e.scope, err = r.Scope.compile(); err != nil {
		return nil, fmt.Errorf("scope: %v", err)
	}
	if e.prim, err = r.primitive(e, opts); err != nil {
		return nil, err
	}
	return e, nil
}

func (r *rawEnricher) primitive(e *Enricher, opts Options) (primitive, error) {
	switch r.Type {
	case "template":
		return newTemplatePrimitive(r, e.Kind)
	case "lookup":
		return newLookupPrimitive(r, e.Kind, opts.Sources)
	case "http":
		return newHTTPPrimitive(r, e, opts)
	case "command":
		return newCommandPrimitive(r, e.Kind)
	}
	return nil, fmt.Errorf("type: expected template, lookup, http or command, got %q", r.Type)
}

// Enrichers returns the validated enrichers in file order (for metric
// pre-creation).
func (s *Set) Enrichers() []*Enricher { return s.enrichers }

// MaxConcurrent is the bound on concurrent enrichment chains.
func (s *Set) MaxConcurrent() int { return s.maxConcurrent }
