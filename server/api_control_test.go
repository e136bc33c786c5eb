package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

type fakeSources struct {
	mu          sync.Mutex
	resolved    []string
	invalidated []string
	full        bool
}

func (f *fakeSources) Sources() []SourceInfo {
	return []SourceInfo{{SourceID: "cmd_list", Origin: "external:/s.yml", Type: "File", Refresh: "Watch", Required: true}}
}
func (f *fakeSources) Resolve(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resolved = append(f.resolved, id)
	return !f.full
}
func (f *fakeSources) Invalidate(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.invalidated = append(f.invalidated, id)
}

func request(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

func TestControlEndpoints(t *testing.T) {
	pending := 0
	m := NewMux()
	HandleControl(m, Control{
		Status: func() Status {
			return Status{Status: "running", DetectionRules: 1, UptimeSeconds: 0.5, EventsProcessed: 3}
		},
		Rules: func() RulesInfo {
			return RulesInfo{DetectionRules: 2, RulesPath: "rules/", Rules: []RuleInfo{
				{RuleID: "c248c896-e412-4279-8c15-1c558067b6fa", RuleTitle: "Whoami", Author: "Florian Roth", File: "rules/w.yml"},
				{RuleTitle: "No id, no author"},
			}}
		},
		Reload: func() bool { pending++; return pending <= 1 },
	})
	srv := httptest.NewServer(m)
	defer srv.Close()
	for _, tc := range []struct {
		name, method, path string
		wantStatus         int
		wantBody           string
	}{
		{"status snapshot", "GET", "/api/v1/status", 200,
			`{"status":"running","detection_rules":1,"correlation_rules":0,"correlation_state_entries":0,"events_processed":3,"detection_matches":0,"correlation_matches":0,"uptime_seconds":0.5}`},
		{"rules counts, path and authors", "GET", "/api/v1/rules", 200, `{"detection_rules":2,"correlation_rules":0,"rules_path":"rules/","rules":[` +
			`{"rule_id":"c248c896-e412-4279-8c15-1c558067b6fa","rule_title":"Whoami","author":"Florian Roth","file":"rules/w.yml"},{"rule_title":"No id, no author"}]}`},
		{"reload queued", "POST", "/api/v1/reload", 200, `{"status":"reload_triggered"}`},
		{"reload queue full", "POST", "/api/v1/reload", 429, `{"status":"reload_already_pending"}`},
		{"reload needs POST", "GET", "/api/v1/reload", 405, ``},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := request(t, tc.method, srv.URL+tc.path, "")
			if status != tc.wantStatus || body != tc.wantBody {
				t.Fatalf("got %d %s, want %d %s", status, body, tc.wantStatus, tc.wantBody)
			}
		})
	}
}

func TestSourceEndpoints(t *testing.T) {
	t.Run("without dynamic sources", func(t *testing.T) {
		m := NewMux()
		HandleSources(m, nil)
		srv := httptest.NewServer(m)
		defer srv.Close()
		for _, tc := range []struct{ method, path, want string }{
			{"GET", "/api/v1/sources", `200 {"sources":[]}`},
			{"POST", "/api/v1/sources/resolve", `404 {"error":"no dynamic sources configured"}`},
			{"POST", "/api/v1/sources/resolve/x", `404 {"error":"no dynamic sources configured"}`},
			{"DELETE", "/api/v1/sources/cache/x", `404 {"error":"no dynamic sources configured"}`},
		} {
			status, body := request(t, tc.method, srv.URL+tc.path, "")
			if got := strings.TrimSpace(strings.Join([]string{itoa(status), body}, " ")); got != tc.want {
				t.Errorf("%s %s = %s, want %s", tc.method, tc.path, got, tc.want)
			}
		}
	})
	t.Run("with dynamic sources", func(t *testing.T) {
		fs := &fakeSources{}
		m := NewMux()
		HandleSources(m, fs)
		srv := httptest.NewServer(m)
		defer srv.Close()
		for _, tc := range []struct{ method, path, body, want string }{
			{"GET", "/api/v1/sources", "", `200 {"sources":[{"source_id":"cmd_list","origin":"external:/s.yml","type":"File","refresh":"Watch","required":true}]}`},
			{"POST", "/api/v1/sources/resolve", "", `200 {"status":"resolve_triggered"}`},
			{"POST", "/api/v1/sources/resolve", `{"source_id":"cmd_list"}`, `200 {"source_id":"cmd_list","status":"resolve_triggered"}`},
			{"POST", "/api/v1/sources/resolve", `not json`, `200 {"status":"resolve_triggered"}`},
			{"POST", "/api/v1/sources/resolve/other", "", `200 {"source_id":"other","status":"resolve_triggered"}`},
			{"DELETE", "/api/v1/sources/cache/cmd_list", "", `200 {"source_id":"cmd_list","status":"invalidated"}`},
		} {
			status, body := request(t, tc.method, srv.URL+tc.path, tc.body)
			if got := itoa(status) + " " + body; got != tc.want {
				t.Errorf("%s %s %q = %s, want %s", tc.method, tc.path, tc.body, got, tc.want)
			}
		}
		if strings.Join(fs.resolved, ",") != ",cmd_list,,other" || strings.Join(fs.invalidated, ",") != "cmd_list" {
			t.Fatalf("resolved %q invalidated %q", fs.resolved, fs.invalidated)
		}
		fs.full = true
		if status, body := request(t, "POST", srv.URL+"/api/v1/sources/resolve", ""); status != 429 || body != `{"status":"resolve_already_pending"}` {
			t.Fatalf("full queue: %d %s", status, body)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestUnknownPathAndWrongMethodHaveEmptyBodies(t *testing.T) {
	m := NewMux()
	HandleHealth(m, func() bool { return true })
	srv := httptest.NewServer(m)
	defer srv.Close()
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/nope", 404},
		{"POST", "/healthz", 405},
		{"DELETE", "/readyz", 405},
	} {
		status, body := request(t, tc.method, srv.URL+tc.path, "")
		if status != tc.want || body != "" {
			t.Errorf("%s %s = %d %q, want %d with an empty body", tc.method, tc.path, status, body, tc.want)
		}
	}
}
