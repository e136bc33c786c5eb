// Package fetch holds the transports of dynamic sources that need no
// messaging client: file, http and command (pipelines.md §8). Whoever
// builds a source.Resolver passes the transports it wants (Transports).
package fetch

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/internal/command"
	"github.com/rsigma-connect/rsigma-connect/internal/redact"
	"github.com/rsigma-connect/rsigma-connect/source"
)

// Transports returns the file, http and command transports; add others
// (natsfetch) to the map before passing it to source.NewResolver.
func Transports() map[source.Type]source.Transport {
	return map[source.Type]source.Transport{
		source.TypeFile:    File{},
		source.TypeHTTP:    HTTP{},
		source.TypeCommand: Command{},
	}
}

// File fetches `file` sources: the whole file.
type File struct{}

// Fetch implements source.Transport.
func (File) Fetch(_ context.Context, s *source.Source) ([]byte, error) { return os.ReadFile(s.Path) }

// defaultClient sends the requests of an HTTP transport without a client.
var defaultClient = &http.Client{}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expandEnv replaces ${NAME} with the environment variable NAME; other `$`
// text is kept as is.
func expandEnv(s string) string {
	return envRef.ReplaceAllStringFunc(s, func(m string) string { return os.Getenv(m[2 : len(m)-1]) })
}

// stderrCap bounds the stderr kept from a failing command.
const stderrCap = 64 << 10

// HTTP fetches `http` sources: the source's method, headers and body (with
// ${ENV} references expanded), a 2xx answer, at most MaxBytes of body.
type HTTP struct {
	// Client sends the requests; nil: a default client (the source's
	// timeout bounds each request).
	Client *http.Client
}

// Fetch implements source.Transport.
func (h HTTP) Fetch(ctx context.Context, s *source.Source) ([]byte, error) {
	client := h.Client
	if client == nil {
		client = defaultClient
	}
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
		return nil, &source.ResolveError{ID: s.ID, Kind: source.KindResourceLimit, Err: fmt.Errorf("body exceeds %d bytes", s.MaxBytes)}
	}
	return data, err
}

// Command fetches `command` sources: the source's argv runs (no shell); at
// the timeout its whole process group is killed and reading stops
// (internal/command).
type Command struct{}

// Fetch implements source.Transport.
func (Command) Fetch(ctx context.Context, s *source.Source) ([]byte, error) {
	out, err := command.Run(ctx, s.Command, nil, command.Limits{Stdout: s.MaxBytes, Stderr: stderrCap})
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %v: %s", s.Command[0], err, strings.TrimSpace(string(out.Stderr)))
	}
	if out.Overflow {
		return nil, &source.ResolveError{ID: s.ID, Kind: source.KindResourceLimit, Err: fmt.Errorf("stdout exceeds %d bytes", s.MaxBytes)}
	}
	return out.Stdout, nil
}
