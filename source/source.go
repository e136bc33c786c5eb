// Package source implements dynamic sources (pipelines.md §8): values
// fetched from files, HTTP endpoints or commands, decoded, extracted and
// cached, then templated into processing pipelines as `${source.<id>}`.
package source

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// ErrConfig marks invalid or unreadable --source files and id collisions.
var ErrConfig = errors.New("invalid dynamic source configuration")

// Type is a source's transport.
type Type string

// Source types.
const (
	TypeFile    Type = "file"
	TypeHTTP    Type = "http"
	TypeCommand Type = "command"
	TypeNATS    Type = "nats"
)

// Remote reports whether values of this type come from the network; remote
// sources may be `include:`d only with --allow-remote-include.
func (t Type) Remote() bool { return t == TypeHTTP || t == TypeNATS }

// RefreshKind says when a source is re-resolved.
type RefreshKind string

// Refresh kinds.
const (
	RefreshOnce     RefreshKind = "once"
	RefreshInterval RefreshKind = "interval"
	RefreshWatch    RefreshKind = "watch"
	RefreshPush     RefreshKind = "push"
	RefreshOnDemand RefreshKind = "on_demand"
)

// OnError is the policy applied when a resolution fails.
type OnError string

// Error policies.
const (
	UseCached  OnError = "use_cached"
	Fail       OnError = "fail"
	UseDefault OnError = "use_default"
)

// DefaultMaxBytes caps HTTP bodies and command stdout (10 MiB).
const DefaultMaxBytes = 10 << 20

// Source is one validated `sources:` entry.
type Source struct {
	ID     string
	Type   Type
	Origin string // "external:<file>" (or "pipeline:<name>")

	Path    string            // file
	URL     string            // http, nats
	Method  string            // http; POST when Body is set, else GET
	Headers map[string]string // http; ${ENV} expanded at fetch time
	Body    string            // http
	Command []string          // command argv (no shell)
	Subject string            // nats

	Format      string    // json | yaml | lines | csv
	Extract     Extractor // nil: the whole decoded value
	ExtractText string
	Refresh     RefreshKind
	Interval    time.Duration // RefreshInterval
	Timeout     time.Duration
	Required    bool
	OnError     OnError
	Default     any
	MaxBytes    int64
}

type rawFile struct {
	Sources []rawSource `yaml:"sources"`
}

type rawSource struct {
	ID          string            `yaml:"id"`
	Type        string            `yaml:"type"`
	Path        string            `yaml:"path"`
	URL         string            `yaml:"url"`
	Method      string            `yaml:"method"`
	Headers     map[string]string `yaml:"headers"`
	Body        string            `yaml:"body"`
	Command     []string          `yaml:"command"`
	Subject     string            `yaml:"subject"`
	Format      string            `yaml:"format"`
	Extract     yaml.Node         `yaml:"extract"`
	Refresh     string            `yaml:"refresh"`
	Timeout     string            `yaml:"timeout"`
	Required    *bool             `yaml:"required"`
	OnError     string            `yaml:"on_error"`
	Default     yaml.Node         `yaml:"default"`
	MaxBodySize int64             `yaml:"max_body_size"`
	MaxStdout   int64             `yaml:"max_stdout"`
}

// LoadPaths reads --source arguments (files, or directories whose
// *.yml/*.yaml files are read alphabetically). Ids must be unique across
// all files; a collision names both files. Errors wrap ErrConfig.
func LoadPaths(paths []string) ([]*Source, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("%w: --source %s: %v", ErrConfig, p, err)
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		var inDir []string
		for _, pat := range []string{"*.yml", "*.yaml"} {
			m, _ := filepath.Glob(filepath.Join(p, pat))
			inDir = append(inDir, m...)
		}
		sort.Strings(inDir)
		files = append(files, inDir...)
	}
	var all []*Source
	seen := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrConfig, f, err)
		}
		srcs, err := Parse(f, data)
		if err != nil {
			return nil, err
		}
		for _, s := range srcs {
			if prev, dup := seen[s.ID]; dup {
				return nil, fmt.Errorf("%w: source id %q declared in both %s and %s", ErrConfig, s.ID, prev, f)
			}
			seen[s.ID] = f
		}
		all = append(all, srcs...)
	}
	return all, nil
}

// Parse parses one --source file (a top-level `sources:` list).
func Parse(file string, data []byte) ([]*Source, error) {
	var raw rawFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrConfig, file, err)
	}
	var out []*Source
	seen := map[string]bool{}
	for i, r := range raw.Sources {
		s, err := r.validate("external:" + file)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: sources[%d]: %v", ErrConfig, file, i, err)
		}
		if seen[s.ID] {
			return nil, fmt.Errorf("%w: %s: sources[%d]: duplicate source id %q", ErrConfig, file, i, s.ID)
		}
		seen[s.ID] = true
		out = append(out, s)
	}
	return out, nil
}

func (r *rawSource) validate(origin string) (*Source, error) {
	s := &Source{ID: r.ID, Type: Type(r.Type), Origin: origin, Path: r.Path, URL: r.URL,
		Method: strings.ToUpper(r.Method), Headers: r.Headers, Body: r.Body, Command: r.Command,
		Subject: r.Subject, Format: r.Format, Required: true, OnError: OnError(r.OnError), MaxBytes: DefaultMaxBytes}
	if s.ID == "" || strings.ContainsAny(s.ID, " .${}") {
		return nil, fmt.Errorf("id: required, without spaces, dots or braces (got %q)", s.ID)
	}
	if err := s.validateTransport(r); err != nil {
		return nil, fmt.Errorf("%s: %w", s.ID, err)
	}
	if err := s.validatePolicy(r); err != nil {
		return nil, fmt.Errorf("%s: %w", s.ID, err)
	}
	return s, nil
}

func (s *Source) validateTransport(r *rawSource) error {
	switch s.Type {
	case TypeFile:
		if s.Path == "" {
			return errors.New("path: required for file sources")
		}
	case TypeHTTP:
		if !strings.HasPrefix(s.URL, "http://") && !strings.HasPrefix(s.URL, "https://") {
			return fmt.Errorf("url: expected an http(s) URL, got %q", s.URL)
		}
		if s.Method == "" {
			s.Method = "GET"
			if s.Body != "" {
				s.Method = "POST"
			}
		}
		if r.MaxBodySize > 0 {
			s.MaxBytes = r.MaxBodySize
		}
	case TypeCommand:
		if len(s.Command) == 0 || s.Command[0] == "" {
			return errors.New("command: required argv list")
		}
		if r.MaxStdout > 0 {
			s.MaxBytes = r.MaxStdout
		}
	case TypeNATS:
		if !strings.HasPrefix(s.URL, "nats://") && !strings.HasPrefix(s.URL, "tls://") {
			return fmt.Errorf("url: expected a nats:// URL, got %q", s.URL)
		}
		if s.Subject == "" || strings.ContainsAny(s.Subject, "*> ") {
			return fmt.Errorf("subject: required, without wildcards (got %q)", s.Subject)
		}
	default:
		return fmt.Errorf("type: expected file, http, command or nats, got %q", r.Type)
	}
	switch s.Format {
	case "":
		s.Format = "json"
	case "json", "yaml", "lines", "csv":
	default:
		return fmt.Errorf("format: expected json, yaml, lines or csv, got %q", s.Format)
	}
	return s.parseExtract(&r.Extract)
}

func (s *Source) parseExtract(n *yaml.Node) error {
	if n.Kind == 0 || n.Tag == "!!null" {
		return nil
	}
	kind, expr := "jq", n.Value
	if n.Kind == yaml.MappingNode {
		var m struct {
			Type string `yaml:"type"`
			Expr string `yaml:"expr"`
		}
		if err := n.Decode(&m); err != nil {
			return fmt.Errorf("extract: %v", err)
		}
		kind, expr = m.Type, m.Expr
	}
	ex, err := CompileExtract(kind, expr)
	if err != nil {
		return fmt.Errorf("extract: %v", err)
	}
	s.Extract, s.ExtractText = ex, expr
	return nil
}

func (s *Source) validatePolicy(r *rawSource) error {
	switch r.Refresh {
	case "", "once":
		s.Refresh = RefreshOnce
	case "watch":
		if s.Type != TypeFile {
			return errors.New("refresh: watch is only valid for file sources")
		}
		s.Refresh = RefreshWatch
	case "push":
		if s.Type != TypeNATS {
			return errors.New("refresh: push is only valid for nats sources")
		}
		s.Refresh = RefreshPush
	case "on_demand":
		s.Refresh = RefreshOnDemand
	default:
		d, err := time.ParseDuration(r.Refresh)
		if err != nil || d < time.Second {
			return fmt.Errorf("refresh: expected once, watch, push, on_demand or a duration of at least 1s, got %q", r.Refresh)
		}
		s.Refresh, s.Interval = RefreshInterval, d
	}
	s.Timeout = 30 * time.Second
	if r.Timeout != "" {
		d, err := time.ParseDuration(r.Timeout)
		if err != nil || d <= 0 {
			return fmt.Errorf("timeout: invalid duration %q", r.Timeout)
		}
		s.Timeout = d
	}
	if r.Required != nil {
		s.Required = *r.Required
	}
	switch s.OnError {
	case "":
		s.OnError = UseCached
	case UseCached, Fail:
	case UseDefault:
		if r.Default.Kind == 0 {
			return errors.New("default: required with on_error: use_default")
		}
		if err := r.Default.Decode(&s.Default); err != nil {
			return fmt.Errorf("default: %v", err)
		}
		s.Default = normalize(s.Default)
	default:
		return fmt.Errorf("on_error: expected use_cached, fail or use_default, got %q", r.OnError)
	}
	return nil
}
