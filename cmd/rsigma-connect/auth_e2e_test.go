package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// authDo sends a request with an optional bearer token and returns status,
// body and the WWW-Authenticate header.
func authDo(t *testing.T, method, url, token, body string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(url, "/v1/logs") {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("WWW-Authenticate")
}

// Scenario 84, first part: --api-token-env gates every route but the
// probes with one token that may do everything.
func TestAuthAPITokenEnv(t *testing.T) {
	t.Setenv("RSIGMA_E2E_API_TOKEN", "e2e-admin-secret")
	d, base := opsStart(t, opsRulesDir(t, opsSimpleRule), "--input", "http", "--api-token-env", "RSIGMA_E2E_API_TOKEN")
	for _, path := range []string{"/healthz", "/readyz"} {
		if status, _, _ := authDo(t, "GET", base+path, "", ""); status != 200 {
			t.Errorf("GET %s without a token: %d, want 200 (probes stay open)", path, status)
		}
	}
	for _, r := range []struct{ method, path, body string }{
		{"GET", "/metrics", ""}, {"GET", "/api/v1/status", ""}, {"GET", "/api/v1/rules", ""},
		{"POST", "/api/v1/reload", ""}, {"POST", "/api/v1/events", `{"CommandLine":"malware.exe"}`},
		{"GET", "/api/v1/sources", ""}, {"GET", "/api/v1/correlations", ""}, {"GET", "/api/v1/correlations/state", ""},
		{"POST", "/api/v1/explain", `{"CommandLine":"malware.exe"}`},
	} {
		for _, bad := range []string{"", "wrong-token"} {
			status, body, challenge := authDo(t, r.method, base+r.path, bad, r.body)
			if status != 401 || body != `{"error":"missing or invalid bearer token"}` || challenge != "Bearer" {
				t.Errorf("%s %s with token %q: %d %s (WWW-Authenticate %q), want 401", r.method, r.path, bad, status, body, challenge)
			}
		}
		if status, body, _ := authDo(t, r.method, base+r.path, "e2e-admin-secret", r.body); status != 200 {
			t.Errorf("%s %s with the token: %d %s, want 200", r.method, r.path, status, body)
		}
	}
	if lines := d.WaitStdoutLines(1, 15*time.Second); len(lines) != 1 {
		t.Fatalf("the authenticated event gave %d detections", len(lines))
	}
	_, metrics, _ := authDo(t, "GET", base+"/metrics", "e2e-admin-secret", "")
	if !strings.Contains(metrics, `rsigma_api_auth_failures_total{reason="unauthorized"} 18`) ||
		!strings.Contains(metrics, `rsigma_api_auth_failures_total{reason="forbidden"} 0`) {
		t.Errorf("/metrics lacks the 18 refusals:\n%s", grepLines(metrics, "rsigma_api_auth"))
	}
	if strings.Contains(d.Stderr(), "e2e-admin-secret") || strings.Contains(d.Stderr(), "wrong-token") {
		t.Error("a token appears in the log")
	}
	opsStop(t, d)
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// authRolesFile has a token per built-in role, a custom role, and anonymous
// metrics (scenario 84, roles).
const authRolesFile = `
anonymous_permissions: ["metrics:read"]
roles:
  triage: ["*:read", "sources:write"]
tokens:
  - {name: grafana, role: reader, token_env: E2E_T_READER}
  - {name: ops, role: operator, token_env: E2E_T_OPERATOR}
  - {name: shipper, role: ingest, token_env: E2E_T_INGEST}
  - {name: root, role: admin, token_env: E2E_T_ADMIN}
  - {name: bot, role: triage, token_env: E2E_T_TRIAGE}
`

// Scenario 84, roles: every route of the daemon against every kind of
// caller, on the built binary; then OTLP/gRPC with the authorization
// metadata.
func TestAuthRolesPerRoute(t *testing.T) {
	secrets := map[string]string{"grafana": "r-secret", "ops": "o-secret", "shipper": "i-secret", "root": "a-secret", "bot": "t-secret"}
	for env, name := range map[string]string{"E2E_T_READER": "grafana", "E2E_T_OPERATOR": "ops", "E2E_T_INGEST": "shipper", "E2E_T_ADMIN": "root", "E2E_T_TRIAGE": "bot"} {
		t.Setenv(env, secrets[name])
	}
	authFile := filepath.Join(t.TempDir(), "auth.yml")
	if err := os.WriteFile(authFile, []byte(authRolesFile), 0o600); err != nil {
		t.Fatal(err)
	}
	d, base := opsStart(t, opsRulesDir(t, opsSimpleRule), "--input", "http", "--api-auth", authFile)
	_, otlpJSON := otlpRequest(t, "notepad.exe")

	callers := []string{"(none)", "(bad)", "grafana", "ops", "shipper", "root", "bot"}
	token := func(caller string) string {
		if caller == "(bad)" {
			return "not-a-token"
		}
		return secrets[caller]
	}
	// allowed lists the callers a route lets through; the others get 401
	// (no valid token) or 403 (a valid one without the permission).
	routes := []struct {
		method, path, body string
		allowed            []string
	}{
		{"GET", "/metrics", "", []string{"(none)", "grafana", "ops", "root", "bot"}},
		{"GET", "/api/v1/status", "", []string{"grafana", "ops", "root", "bot"}},
		{"GET", "/api/v1/rules", "", []string{"grafana", "ops", "root", "bot"}},
		{"GET", "/api/v1/sources", "", []string{"grafana", "ops", "root", "bot"}},
		{"POST", "/api/v1/sources/resolve", "", []string{"ops", "root", "bot"}},
		{"POST", "/api/v1/sources/resolve/src", "", []string{"ops", "root", "bot"}},
		{"DELETE", "/api/v1/sources/cache/src", "", []string{"ops", "root", "bot"}},
		{"GET", "/api/v1/correlations", "", []string{"grafana", "ops", "root", "bot"}},
		{"GET", "/api/v1/correlations/state", "", []string{"grafana", "ops", "root", "bot"}},
		{"POST", "/api/v1/reload", "", []string{"root"}},
		{"POST", "/api/v1/explain", `{"CommandLine":"malware.exe"}`, []string{"ops", "root"}},
		{"POST", "/api/v1/events", `{"CommandLine":"notepad.exe"}`, []string{"shipper", "root"}},
		{"POST", "/v1/logs", otlpJSON, []string{"shipper", "root"}},
	}
	for _, r := range routes {
		for _, caller := range callers {
			t.Run(fmt.Sprintf("%s %s as %s", r.method, r.path, caller), func(t *testing.T) {
				status, body, _ := authDo(t, r.method, base+r.path, token(caller), r.body)
				allowed := false
				for _, a := range r.allowed {
					allowed = allowed || a == caller
				}
				switch {
				case allowed && (status == 401 || status == 403):
					t.Fatalf("%d %s, want the route's own answer", status, body)
				case !allowed && (caller == "(none)" || caller == "(bad)"):
					if status != 401 {
						t.Fatalf("%d %s, want 401", status, body)
					}
				case !allowed && status != 403:
					t.Fatalf("%d %s, want 403", status, body)
				case !allowed && !strings.Contains(body, `"permission":"`):
					t.Fatalf("403 body %s does not name the permission", body)
				}
			})
		}
	}
	if status, _, _ := authDo(t, "GET", base+"/no/such/route", "", ""); status != 404 {
		t.Errorf("an unrouted path without a token: %d, want 404", status)
	}

	t.Run("OTLP gRPC", func(t *testing.T) {
		conn, err := grpc.NewClient(strings.TrimPrefix(base, "http://"), grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		client := collogspb.NewLogsServiceClient(conn)
		pb, _ := otlpRequest(t, "malware-over-grpc.exe")
		req := &collogspb.ExportLogsServiceRequest{}
		if err := proto.Unmarshal(pb, req); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			token string
			want  codes.Code
		}{{"", codes.Unauthenticated}, {"not-a-token", codes.Unauthenticated}, {secrets["grafana"], codes.PermissionDenied}, {secrets["shipper"], codes.OK}} {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			if tc.token != "" {
				ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+tc.token)
			}
			_, err := client.Export(ctx, req)
			cancel()
			if got := status.Code(err); got != tc.want {
				t.Errorf("Export with token %q: %v (%v), want %v", tc.token, got, err, tc.want)
			}
		}
		poll.Wait(t, 15*time.Second, "the gRPC record's detection", func() bool {
			return strings.Contains(d.Stdout(), `"value":"malware-over-grpc.exe"`)
		})
	})
	for _, s := range secrets {
		if strings.Contains(d.Stderr(), s) {
			t.Fatalf("secret %q appears in the log", s)
		}
	}
	if !strings.Contains(d.Stderr(), `"token_name":"grafana"`) {
		t.Error("refusals are not logged with the token name")
	}
	opsStop(t, d)
}

// Scenario 84, startup failures: exit 3 before anything is bound.
func TestAuthStartupFailures(t *testing.T) {
	rules := opsRulesDir(t, opsSimpleRule)
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Setenv("E2E_EMPTY_TOKEN", "")
	t.Setenv("E2E_SET_TOKEN", "some-secret")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"token env unset", []string{"--api-token-env", "E2E_UNSET_TOKEN"}, "E2E_UNSET_TOKEN is unset or empty"},
		{"token env empty", []string{"--api-token-env", "E2E_EMPTY_TOKEN"}, "E2E_EMPTY_TOKEN is unset or empty"},
		{"flag and file together", []string{"--api-token-env", "E2E_SET_TOKEN", "--api-auth", write("a.yml", "tokens: []")}, "--api-token-env and --api-auth"},
		{"unknown role", []string{"--api-auth", write("b.yml", "tokens: [{name: x, role: superuser, token_env: E2E_SET_TOKEN}]")}, `unknown role "superuser"`},
		{"missing file", []string{"--api-auth", filepath.Join(dir, "none.yml")}, "--api-auth"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"engine", "daemon", "-r", rules, "--api-addr", "127.0.0.1:0"}, tc.args...)
			_, stderr, code := daemontest.Run(t, "", args...)
			if code != 3 || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, want 3 with %q:\n%s", code, tc.want, stderr)
			}
			if strings.Contains(stderr, "API server listening") {
				t.Fatal("the API was bound")
			}
		})
	}
}
