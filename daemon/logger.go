package daemon

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"
)

// NewLogger returns the daemon's logger: one JSON object per line on w, in
// the reference layout (spec/daemon.md §12)
// {"timestamp":…,"level":"INFO","fields":{"message":…,<attrs>},"target":"rsigma"},
// at the level named by RUST_LOG (error, warn, info, debug, trace; default info).
func NewLogger(w io.Writer) *slog.Logger {
	return slog.New(&jsonHandler{w: w, mu: &sync.Mutex{}, level: levelFromEnv(os.Getenv("RUST_LOG"))})
}

// levelFromEnv maps a RUST_LOG value (possibly `target=level,…`) to a level.
func levelFromEnv(v string) slog.Level {
	v = strings.ToLower(v)
	if i := strings.LastIndexByte(v, '='); i >= 0 {
		v = v[i+1:]
	}
	if i := strings.IndexByte(v, ','); i >= 0 {
		v = v[:i]
	}
	switch strings.TrimSpace(v) {
	case "error":
		return slog.LevelError
	case "warn", "warning":
		return slog.LevelWarn
	case "debug", "trace":
		return slog.LevelDebug
	case "off":
		return slog.LevelError + 4
	}
	return slog.LevelInfo
}

type jsonHandler struct {
	w     io.Writer
	mu    *sync.Mutex
	level slog.Level
	attrs []slog.Attr
	group string
}

func (h *jsonHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *jsonHandler) Handle(_ context.Context, r slog.Record) error {
	fields := map[string]any{"message": r.Message}
	add := func(a slog.Attr) bool {
		key := a.Key
		if h.group != "" {
			key = h.group + "." + key
		}
		fields[key] = a.Value.Resolve().Any()
		if err, ok := fields[key].(error); ok {
			fields[key] = err.Error()
		}
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	line, err := json.Marshal(struct {
		Timestamp string         `json:"timestamp"`
		Level     string         `json:"level"`
		Fields    map[string]any `json:"fields"`
		Target    string         `json:"target"`
	}{r.Time.UTC().Format(time.RFC3339Nano), levelName(r.Level), fields, "rsigma"})
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err = h.w.Write(append(line, '\n'))
	return err
}

func levelName(l slog.Level) string {
	switch {
	case l >= slog.LevelError:
		return "ERROR"
	case l >= slog.LevelWarn:
		return "WARN"
	case l >= slog.LevelInfo:
		return "INFO"
	}
	return "DEBUG"
}

func (h *jsonHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), attrs...)
	return &c
}

func (h *jsonHandler) WithGroup(name string) slog.Handler {
	c := *h
	if c.group != "" {
		name = c.group + "." + name
	}
	c.group = name
	return &c
}
