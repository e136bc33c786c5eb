package source

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/rsigma-connect/rsigma-connect/internal/command"
	"github.com/rsigma-connect/rsigma-connect/internal/redact"
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

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expandEnv replaces ${NAME} with the environment variable NAME; other `$`
// text is kept as is.
func expandEnv(s string) string {
	return envRef.ReplaceAllStringFunc(s, func(m string) string { return os.Getenv(m[2 : len(m)-1]) })
}

// stderrCap bounds the stderr kept from a failing command.
const stderrCap = 64 << 10

// fetch reads the source's raw bytes.
func (s *Source) fetch(ctx context.Context, client *http.Client, dial NATSDialer) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	var data []byte
	var err error
	switch s.Type {
	case TypeFile:
		data, err = os.ReadFile(s.Path)
	case TypeHTTP:
		data, err = s.fetchHTTP(ctx, client)
	case TypeCommand:
		data, err = s.runCommand(ctx)
	case TypeNATS:
		data, err = s.nextNATSMessage(ctx, dial)
	default:
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

func (s *Source) fetchHTTP(ctx context.Context, client *http.Client) ([]byte, error) {
	var body io.Reader
	if s.Body != "" {
		body = strings.NewReader(expandEnv(s.Body))
	}
	req, err := http.NewRequestWithContext(ctx, s.Method, s.URL, body)
	if err != nil {
		return nil, err
	}
	for k, v := range s.Headers {
		req.Header.Set(k, expandEnv(v))
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, redact.HTTPError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: HTTP %d", s.Method, redact.URL(s.URL), resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, s.MaxBytes+1))
	if err == nil && int64(len(data)) > s.MaxBytes {
		return nil, &ResolveError{ID: s.ID, Kind: KindResourceLimit, Err: fmt.Errorf("body exceeds %d bytes", s.MaxBytes)}
	}
	return data, err
}

// runCommand runs the source's argv; at the timeout its whole process
// group is killed and reading stops (internal/command).
func (s *Source) runCommand(ctx context.Context) ([]byte, error) {
	out, err := command.Run(ctx, s.Command, nil, command.Limits{Stdout: s.MaxBytes, Stderr: stderrCap})
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %v: %s", s.Command[0], err, strings.TrimSpace(string(out.Stderr)))
	}
	if out.Overflow {
		return nil, &ResolveError{ID: s.ID, Kind: KindResourceLimit, Err: fmt.Errorf("stdout exceeds %d bytes", s.MaxBytes)}
	}
	return out.Stdout, nil
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
