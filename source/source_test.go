package source_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/source"
	"github.com/rsigma-connect/rsigma-connect/source/fetch"
)

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParseRejectsInvalidSources(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"missing_id", "sources: [{type: file, path: x}]", "id: required"},
		{"unknown_type", "sources: [{id: a, type: ftp}]", `type: expected file, http, command or nats, got "ftp"`},
		{"file_without_path", "sources: [{id: a, type: file}]", "path: required"},
		{"http_bad_url", "sources: [{id: a, type: http, url: 'ftp://x'}]", "url: expected an http(s) URL"},
		{"command_without_argv", "sources: [{id: a, type: command}]", "command: required argv list"},
		{"bad_format", "sources: [{id: a, type: file, path: x, format: xml}]", "format: expected json"},
		{"watch_on_http", "sources: [{id: a, type: http, url: 'http://x', refresh: watch}]", "refresh: watch is only valid for file sources"},
		{"refresh_below_one_second", "sources: [{id: a, type: file, path: x, refresh: 500ms}]", "at least 1s"},
		{"use_default_without_default", "sources: [{id: a, type: file, path: x, on_error: use_default}]", "default: required"},
		{"bad_jq", "sources: [{id: a, type: file, path: x, extract: '.['}]", "invalid jq expression"},
		{"cel_unsupported", "sources: [{id: a, type: file, path: x, extract: {type: cel, expr: x}}]", "cel is not supported"},
		{"unknown_key", "sources: [{id: a, type: file, path: x, pth: y}]", "field pth not found"},
		{"duplicate_in_file", "sources: [{id: a, type: file, path: x}, {id: a, type: file, path: y}]", `duplicate source id "a"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := source.Parse("s.yml", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, source.ErrConfig) {
				t.Fatalf("err = %v, want ErrConfig containing %q", err, tc.want)
			}
		})
	}
}

func TestLoadPathsRejectsIdsDeclaredTwice(t *testing.T) {
	dir := t.TempDir()
	a := write(t, dir, "a.yml", "sources: [{id: shared, type: file, path: x}]")
	b := write(t, dir, "b.yaml", "sources: [{id: shared, type: file, path: y}]")
	_, err := source.LoadPaths([]string{dir})
	if err == nil || !strings.Contains(err.Error(), a) || !strings.Contains(err.Error(), b) {
		t.Fatalf("err = %v, want both files named", err)
	}
	srcs, err := source.LoadPaths([]string{a})
	if err != nil || len(srcs) != 1 || srcs[0].Origin != "external:"+a {
		t.Fatalf("single file: %v %+v", err, srcs)
	}
	if srcs[0].TypeName() != "File" || srcs[0].RefreshName() != "Once" || !srcs[0].Required {
		t.Fatalf("defaults: %s %s %v", srcs[0].TypeName(), srcs[0].RefreshName(), srcs[0].Required)
	}
}

func TestResolveFormatsAndTransports(t *testing.T) {
	dir := t.TempDir()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Header.Get("Authorization") != "Bearer tok-123" || r.Header.Get("X-Literal") != "$HOME $1" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, `{"ips":["10.0.0.1","10.0.0.2"]}`)
	}))
	defer srv.Close()
	t.Setenv("FEED_TOKEN", "tok-123")
	tests := []struct {
		name, decl string
		want       any
	}{
		{"json_file", fmt.Sprintf("{id: s, type: file, path: %s}", write(t, dir, "a.json", `["a","b"]`)), []any{"a", "b"}},
		{"yaml_multi_document", fmt.Sprintf("{id: s, type: file, path: %s, format: yaml}", write(t, dir, "a.yaml", "a: 1\n---\nb\n")), []any{map[string]any{"a": 1}, "b"}},
		{"lines_skip_blanks", fmt.Sprintf("{id: s, type: file, path: %s, format: lines}", write(t, dir, "a.txt", "x\r\n\n  \ny\n")), []any{"x", "y"}},
		{"csv_rows_to_objects", fmt.Sprintf("{id: s, type: file, path: %s, format: csv}", write(t, dir, "a.csv", "ip,owner\n1.2.3.4,alice\n")), []any{map[string]any{"ip": "1.2.3.4", "owner": "alice"}}},
		{"jq_extract", fmt.Sprintf("{id: s, type: file, path: %s, extract: '.users[].name'}", write(t, dir, "u.json", `{"users":[{"name":"a"},{"name":"b"}]}`)), []any{"a", "b"}},
		{"jsonpath_extract", fmt.Sprintf("{id: s, type: file, path: %s, extract: {type: jsonpath, expr: '$.users[0].name'}}", write(t, dir, "u2.json", `{"users":[{"name":"a"}]}`)), "a"},
		{"http_with_env_header", fmt.Sprintf("{id: s, type: http, url: '%s/feed', headers: {Authorization: 'Bearer ${FEED_TOKEN}', X-Literal: '$HOME $1'}, extract: .ips}", srv.URL), []any{"10.0.0.1", "10.0.0.2"}},
		{"command_argv_without_shell", "{id: s, type: command, command: [echo, '[1, \"$HOME\"]']}", []any{float64(1), "$HOME"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srcs, err := source.Parse("s.yml", []byte("sources: ["+tc.decl+"]"))
			if err != nil {
				t.Fatal(err)
			}
			r := source.NewResolver(srcs, source.Options{Transports: transports})
			if err := r.ResolveAll(context.Background()); err != nil {
				t.Fatal(err)
			}
			got, _, _ := r.Snapshot().Value("s")
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("value = %#v, want %#v", got, tc.want)
			}
		})
	}
}

type recorder struct {
	resolved, errors, hits atomic.Int32
	lastKind               atomic.Value
}

func (r *recorder) Resolved(_ *source.Source, _ time.Duration, err *source.ResolveError) {
	r.resolved.Add(1)
	if err != nil {
		r.errors.Add(1)
		r.lastKind.Store(err.Kind)
	}
}
func (r *recorder) CacheHit(*source.Source) { r.hits.Add(1) }

func TestErrorPolicies(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.json")
	tests := []struct {
		name, decl string
		wantErr    bool
		want       any
	}{
		{"required_fail_is_fatal", "required: true, on_error: fail", true, nil},
		{"optional_fail_yields_null", "required: false, on_error: fail", false, nil},
		{"use_default", "on_error: use_default, default: [x]", false, []any{"x"}},
		{"use_cached_without_cache_is_fatal_when_required", "on_error: use_cached", true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srcs, err := source.Parse("s.yml", []byte(fmt.Sprintf("sources: [{id: s, type: file, path: %s, %s}]", missing, tc.decl)))
			if err != nil {
				t.Fatal(err)
			}
			rec := &recorder{}
			r := source.NewResolver(srcs, source.Options{Observer: rec, Transports: transports})
			err = r.ResolveAll(context.Background())
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if rec.errors.Load() != 1 || rec.lastKind.Load() != source.KindFetch {
				t.Fatalf("observer: %d errors, kind %v", rec.errors.Load(), rec.lastKind.Load())
			}
			if !tc.wantErr {
				if got, _, ok := r.Snapshot().Value("s"); !ok || !reflect.DeepEqual(got, tc.want) {
					t.Fatalf("value = %#v (%v), want %#v", got, ok, tc.want)
				}
			}
		})
	}
}

func TestUseCachedKeepsLastValueUntilInvalidated(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "list.json", `["malware.exe"]`)
	srcs, _ := source.Parse("s.yml", []byte(fmt.Sprintf("sources: [{id: s, type: file, path: %s, on_error: use_cached}]", p)))
	rec := &recorder{}
	r := source.NewResolver(srcs, source.Options{Observer: rec, Transports: transports})
	ctx := context.Background()
	if err := r.ResolveAll(ctx); err != nil {
		t.Fatal(err)
	}
	os.Remove(p)
	if err := r.Resolve(ctx, "s"); err != nil {
		t.Fatalf("use_cached resolve failed: %v", err)
	}
	if v, _, _ := r.Snapshot().Value("s"); !reflect.DeepEqual(v, []any{"malware.exe"}) || rec.hits.Load() != 1 {
		t.Fatalf("value %v, cache hits %d", v, rec.hits.Load())
	}
	r.Invalidate("s")
	if err := r.Resolve(ctx, "s"); err == nil {
		t.Fatal("resolve after invalidation must fail")
	}
	if st := r.Stats(); st.Resolves != 3 || st.Errors != 2 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestCommandTimeoutAndLimits(t *testing.T) {
	tests := []struct {
		name, decl string
		kind       source.ErrorKind
	}{
		{"timeout_kills_command", "{id: s, type: command, command: [sleep, '5'], timeout: 100ms}", source.KindTimeout},
		{"timeout_kills_a_background_child_holding_stdout", "{id: s, type: command, command: [sh, -c, 'sleep 30 & echo []'], timeout: 100ms}", source.KindTimeout},
		{"stdout_cap", "{id: s, type: command, command: [echo, '[1,2,3,4,5,6,7,8]'], max_stdout: 4}", source.KindResourceLimit},
		{"non_zero_exit_carries_stderr", "{id: s, type: command, command: [ls, /definitely/missing]}", source.KindFetch},
		{"bad_json_is_a_parse_error", "{id: s, type: command, command: [echo, 'not json']}", source.KindParse},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srcs, err := source.Parse("s.yml", []byte("sources: ["+tc.decl+"]"))
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			err = source.NewResolver(srcs, source.Options{Transports: transports}).ResolveAll(context.Background())
			var re *source.ResolveError
			if !errors.As(err, &re) || re.Kind != tc.kind {
				t.Fatalf("err = %v, want kind %s", err, tc.kind)
			}
			if time.Since(start) > 10*time.Second { // the timeout is 100ms; the commands would run 5-30 s
				t.Fatalf("took %s", time.Since(start))
			}
		})
	}
}

func TestSnapshotTemplating(t *testing.T) {
	snap := source.NewSnapshot(map[string]any{
		"list": []any{"a", "b*"},
		"cfg":  map[string]any{"name": "corp", "ports": []any{80, 443}},
		"none": nil,
	})
	tests := []struct {
		text    string
		want    []string
		wantErr string
	}{
		{"${source.list}", []string{"a", "b*"}, ""},
		{"${source.cfg.ports}", []string{"80", "443"}, ""},
		{"x-${source.cfg.name}", []string{"x-corp"}, ""},
		{"${source.cfg.ports.1}", []string{"443"}, ""},
		{"${source.none}", []string{}, ""},
		{"plain", []string{"plain"}, ""},
		{"${source.nope}", nil, `unknown or unresolved dynamic source "nope"`},
		{"${source.cfg.name.deeper}", nil, "cannot descend"},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			got, err := snap.ExpandVar(tc.text)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %#v, %v; want %#v", got, err, tc.want)
			}
		})
	}
}

func TestRunReResolvesOnTriggerAndWatch(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "list.json", `["one"]`)
	q := write(t, dir, "other.json", `["uno"]`)
	srcs, _ := source.Parse("s.yml", []byte(fmt.Sprintf("sources: [{id: s, type: file, path: %s, refresh: watch}, {id: t, type: file, path: %s}]", p, q)))
	r := source.NewResolver(srcs, source.Options{Transports: transports})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := r.ResolveAll(ctx); err != nil {
		t.Fatal(err)
	}
	go r.Run(ctx)
	waitFor := func(id, want string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if v, _, _ := r.Snapshot().Value(id); reflect.DeepEqual(v, []any{want}) {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		v, _, _ := r.Snapshot().Value(id)
		t.Fatalf("value stayed %v, want [%s]", v, want)
	}
	// Run sets its watches up before it takes the first trigger: once a
	// triggered resolution is counted, the watcher is running.
	resolves := r.Stats().Resolves
	if !r.Trigger("t") {
		t.Fatal("trigger refused")
	}
	for deadline := time.Now().Add(10 * time.Second); r.Stats().Resolves == resolves; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the triggered resolution did not happen within 10s")
		}
	}
	write(t, dir, "list.json", `["two"]`)
	waitFor("s", "two")
	// "t" is not watched: its change is picked up only by a triggered
	// resolution. The watcher handles events in order, so once the later
	// change of "s" is seen, the change of "t" was seen and ignored.
	write(t, dir, "other.json", `["dos"]`)
	write(t, dir, "list.json", `["three"]`)
	waitFor("s", "three")
	if v, _, _ := r.Snapshot().Value("t"); !reflect.DeepEqual(v, []any{"uno"}) {
		t.Fatalf("unwatched source changed without a trigger: %v", v)
	}
	if !r.Trigger("") {
		t.Fatal("trigger refused")
	}
	waitFor("t", "dos")
}

// Credentials in a source URL never reach the resolution error (which is
// logged): not from our message, not from net/http's.
func TestHTTPErrorsHideURLCredentials(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	defer srv.Close()
	withToken := strings.Replace(srv.URL, "http://", "http://t0ken@", 1)
	for name, u := range map[string]string{"status": withToken + "/x", "dial": "http://u:pa55@127.0.0.1:1/x", "dial_token": "http://t0ken@127.0.0.1:1/x"} {
		t.Run(name, func(t *testing.T) {
			srcs, err := source.Parse("s.yml", []byte(fmt.Sprintf("sources: [{id: s, type: http, url: '%s'}]", u)))
			if err != nil {
				t.Fatal(err)
			}
			err = source.NewResolver(srcs, source.Options{Transports: transports}).ResolveAll(context.Background())
			if err == nil || strings.Contains(err.Error(), "t0ken") || strings.Contains(err.Error(), "pa55") || !strings.Contains(err.Error(), "://***@127.0.0.1:") {
				t.Fatalf("err = %v, want the URL with its credentials masked", err)
			}
		})
	}
}

// transports are the transports the tests' resolvers use.
var transports = fetch.Transports()
