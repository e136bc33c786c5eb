package source

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"gopkg.in/yaml.v3"
)

// ErrorKind classifies a failed resolution (the error_kind metric label).
type ErrorKind string

// Error kinds.
const (
	KindFetch         ErrorKind = "Fetch"
	KindParse         ErrorKind = "Parse"
	KindExtract       ErrorKind = "Extract"
	KindTimeout       ErrorKind = "Timeout"
	KindResourceLimit ErrorKind = "ResourceLimit"
)

// ResolveError is a failed resolution of one source.
type ResolveError struct {
	ID   string
	Kind ErrorKind
	Err  error
}

func (e *ResolveError) Error() string {
	return fmt.Sprintf("source %s: %s: %v", e.ID, strings.ToLower(string(e.Kind)), e.Err)
}
func (e *ResolveError) Unwrap() error { return e.Err }

// Transport fetches the raw value of the sources of one Type. The code
// that builds a Resolver chooses the transports it wants (package
// source/fetch has file, http and command; source/fetch/natsfetch has
// nats), so that this package needs neither a network client nor a
// process runner. Implementations must be safe for concurrent use.
type Transport interface {
	// Fetch returns the raw bytes of s; ctx ends at s.Timeout. A
	// *ResolveError keeps its kind; any other error is a Fetch error.
	Fetch(ctx context.Context, s *Source) ([]byte, error)
}

// Pusher is a Transport whose sources can deliver values as they are
// published (refresh: push).
type Pusher interface {
	Transport
	// Push calls deliver with every value published for s until ctx ends;
	// problems that end pushing are logged on log.
	Push(ctx context.Context, s *Source, deliver func(data []byte), log *slog.Logger)
}

// fetch reads the source's raw bytes through the transport of its type.
func (s *Source) fetch(ctx context.Context, transports map[Type]Transport) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	var data []byte
	var err error
	if t := transports[s.Type]; t != nil {
		data, err = t.Fetch(ctx, s)
	} else {
		err = fmt.Errorf("type %s cannot be fetched", s.Type)
	}
	if err == nil {
		return data, nil
	}
	var re *ResolveError
	switch {
	case errors.As(err, &re):
		return nil, err
	case ctx.Err() == context.DeadlineExceeded:
		return nil, &ResolveError{ID: s.ID, Kind: KindTimeout, Err: fmt.Errorf("timed out after %s", s.Timeout)}
	}
	return nil, &ResolveError{ID: s.ID, Kind: KindFetch, Err: err}
}

// decode parses raw bytes in the source's format.
func (s *Source) decode(data []byte) (any, error) {
	switch s.Format {
	case "json":
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, err
		}
		return v, nil
	case "yaml":
		return decodeYAML(data)
	case "lines":
		var out []any
		for _, l := range strings.Split(string(data), "\n") {
			if l = strings.TrimRight(l, "\r"); strings.TrimSpace(l) != "" {
				out = append(out, l)
			}
		}
		if out == nil {
			out = []any{}
		}
		return out, nil
	case "csv":
		return decodeCSV(data)
	}
	return nil, fmt.Errorf("unknown format %q", s.Format)
}

// decodeYAML returns one document's value, or an array for several.
func decodeYAML(data []byte) (any, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []any
	for {
		var v any
		err := dec.Decode(&v)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, normalize(v))
	}
	if len(docs) == 1 {
		return docs[0], nil
	}
	if docs == nil {
		return nil, nil
	}
	return docs, nil
}

// decodeCSV turns a header row plus records into an array of objects.
func decodeCSV(data []byte) (any, error) {
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return nil, err
	}
	out := []any{}
	if len(rows) == 0 {
		return out, nil
	}
	for _, row := range rows[1:] {
		obj := make(map[string]any, len(rows[0]))
		for i, h := range rows[0] {
			if i < len(row) {
				obj[h] = row[i]
			}
		}
		out = append(out, obj)
	}
	return out, nil
}
