package server

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// authFixture is an auth file with one token per built-in role, a custom
// role and an inline permission list, and anonymous /metrics.
const authFixture = `
anonymous_permissions: ["metrics:read"]
roles:
  triage: ["*:read", "sources:write"]
tokens:
  - {name: grafana, role: reader, token_env: T_READER}
  - {name: ops, role: operator, token_env: T_OPERATOR}
  - {name: shipper, role: ingest, token_env: T_INGEST}
  - {name: root, role: admin, token_env: T_ADMIN}
  - {name: bot, role: triage, token_env: T_TRIAGE}
  - {name: scraper, permissions: ["metrics:read"], token_env: T_SCRAPER}
`

var fixtureSecrets = map[string]string{
	"T_READER": "reader-secret", "T_OPERATOR": "operator-secret", "T_INGEST": "ingest-secret",
	"T_ADMIN": "admin-secret", "T_TRIAGE": "triage-secret", "T_SCRAPER": "scraper-secret",
}

func fixtureEnv(name string) (string, bool) { v, ok := fixtureSecrets[name]; return v, ok }

func buildFixture(t *testing.T, yaml string) *Auth {
	t.Helper()
	c, err := ParseAuthConfig([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := c.Build(fixtureEnv)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestAuthMatrix sends every route of the daemon's API, with each kind of
// caller, through Authenticate on a real listener. The expected statuses
// are written out per route (not derived from the grant logic).
func TestAuthMatrix(t *testing.T) {
	a := buildFixture(t, authFixture)
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(a.Collectors()...)
	mux := NewMux()
	routes := []string{"/healthz", "/readyz", "/ready", "/metrics", "/stats", "/api/v1/status", "/api/v1/rules",
		"/api/v1/reload", "/api/v1/events", "/v1/logs", "/api/v1/sources", "/api/v1/sources/resolve",
		"/api/v1/sources/resolve/", "/api/v1/sources/cache/", "/api/v1/correlations",
		"/api/v1/correlations/state", "/api/v1/explain", "/debug/framework-endpoint"}
	for _, r := range routes {
		mux.HandleFunc(r, func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "served") })
	}
	srv := httptest.NewServer(Authenticate(mux, a, mux.Routed))
	defer srv.Close()

	callers := []string{"none", "bad", "grafana", "ops", "shipper", "root", "bot", "scraper"}
	secret := map[string]string{"bad": "not-a-token", "grafana": "reader-secret", "ops": "operator-secret",
		"shipper": "ingest-secret", "root": "admin-secret", "bot": "triage-secret", "scraper": "scraper-secret"}
	// Expected status per caller, in the order of callers.
	expect := []struct {
		method, path string
		want         [8]int
	}{
		{"GET", "/healthz", [8]int{200, 200, 200, 200, 200, 200, 200, 200}},
		{"GET", "/readyz", [8]int{200, 200, 200, 200, 200, 200, 200, 200}},
		{"GET", "/ready", [8]int{200, 200, 200, 200, 200, 200, 200, 200}},
		{"GET", "/metrics", [8]int{200, 401, 200, 200, 403, 200, 200, 200}},
		{"GET", "/stats", [8]int{200, 401, 200, 200, 403, 200, 200, 200}},
		{"GET", "/api/v1/status", [8]int{401, 401, 200, 200, 403, 200, 200, 403}},
		{"GET", "/api/v1/rules", [8]int{401, 401, 200, 200, 403, 200, 200, 403}},
		{"POST", "/api/v1/reload", [8]int{401, 401, 403, 403, 403, 200, 403, 403}},
		{"POST", "/api/v1/events", [8]int{401, 401, 403, 403, 200, 200, 403, 403}},
		{"POST", "/v1/logs", [8]int{401, 401, 403, 403, 200, 200, 403, 403}},
		{"GET", "/api/v1/sources", [8]int{401, 401, 200, 200, 403, 200, 200, 403}},
		{"POST", "/api/v1/sources/resolve", [8]int{401, 401, 403, 200, 403, 200, 200, 403}},
		{"POST", "/api/v1/sources/resolve/cmd_list", [8]int{401, 401, 403, 200, 403, 200, 200, 403}},
		{"DELETE", "/api/v1/sources/cache/cmd_list", [8]int{401, 401, 403, 200, 403, 200, 200, 403}},
		{"GET", "/api/v1/correlations", [8]int{401, 401, 200, 200, 403, 200, 200, 403}},
		{"GET", "/api/v1/correlations/state", [8]int{401, 401, 200, 200, 403, 200, 200, 403}},
		{"POST", "/api/v1/explain", [8]int{401, 401, 403, 200, 403, 200, 403, 403}},
		// A route missing from the permission table needs every permission.
		{"GET", "/debug/framework-endpoint", [8]int{401, 401, 403, 403, 403, 200, 403, 403}},
		// An unrouted path is 404 whoever asks.
		{"GET", "/no/such/route", [8]int{404, 404, 404, 404, 404, 404, 404, 404}},
	}
	var unauthorized, forbidden float64
	for _, e := range expect {
		for i, caller := range callers {
			t.Run(fmt.Sprintf("%s_%s_as_%s", e.method, e.path, caller), func(t *testing.T) {
				req, _ := http.NewRequest(e.method, srv.URL+e.path, strings.NewReader("{}"))
				if s, ok := secret[caller]; ok {
					req.Header.Set("Authorization", "Bearer "+s)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != e.want[i] {
					t.Fatalf("status %d, want %d (body %s)", resp.StatusCode, e.want[i], body)
				}
				switch resp.StatusCode {
				case 200:
					if string(body) != "served" {
						t.Fatalf("body %q, want the handler's", body)
					}
				case 401:
					unauthorized++
					if got := resp.Header.Get("WWW-Authenticate"); got != "Bearer" {
						t.Errorf("WWW-Authenticate %q", got)
					}
					if string(body) != `{"error":"missing or invalid bearer token"}` {
						t.Errorf("body %s", body)
					}
				case 403:
					forbidden++
					if want := RoutePermission(e.path); !strings.Contains(string(body), `"permission":"`+want+`"`) {
						t.Errorf("403 body %s does not name %s", body, want)
					}
				}
			})
		}
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	counted := map[string]float64{}
	for _, m := range families[0].GetMetric() {
		counted[m.GetLabel()[0].GetValue()] = m.GetCounter().GetValue()
	}
	if counted[AuthUnauthorized] != unauthorized || counted[AuthForbidden] != forbidden {
		t.Errorf("rsigma_api_auth_failures_total %v, answered %v unauthorized and %v forbidden", counted, unauthorized, forbidden)
	}
}

func TestAuthBearerHeader(t *testing.T) {
	a := buildFixture(t, authFixture)
	mux := NewMux()
	mux.HandleFunc("/api/v1/status", func(w http.ResponseWriter, _ *http.Request) {})
	srv := httptest.NewServer(Authenticate(mux, a, mux.Routed))
	defer srv.Close()
	for _, tc := range []struct {
		header string
		want   int
	}{
		{"Bearer reader-secret", 200},
		{"bearer reader-secret", 200}, // the scheme is case-insensitive
		{"Bearer  reader-secret ", 200},
		{"Bearer reader-secre", 401}, // a prefix of a secret is no secret
		{"Bearer reader-secretX", 401},
		{"Basic reader-secret", 401},
		{"reader-secret", 401},
		{"Bearer ", 401},
	} {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/status", nil)
		req.Header.Set("Authorization", tc.header)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("Authorization %q: status %d, want %d", tc.header, resp.StatusCode, tc.want)
		}
	}
}

func TestAuthConfigErrors(t *testing.T) {
	env := func(name string) (string, bool) {
		v, ok := map[string]string{"A": "secret-a", "B": "secret-b", "SAME": "secret-a", "EMPTY": ""}[name]
		return v, ok
	}
	for _, tc := range []struct{ name, yaml, want string }{
		{"unset variable", `tokens: [{name: x, role: admin, token_env: UNSET}]`, "UNSET is unset or empty"},
		{"empty variable", `tokens: [{name: x, role: admin, token_env: EMPTY}]`, "EMPTY is unset or empty"},
		{"unknown role", `tokens: [{name: x, role: superuser, token_env: A}]`, `unknown role "superuser"`},
		{"role and permissions", `tokens: [{name: x, role: admin, permissions: ["*"], token_env: A}]`, "not both"},
		{"neither", `tokens: [{name: x, token_env: A}]`, "missing role or permissions"},
		{"no name", `tokens: [{role: admin, token_env: A}]`, "tokens[0]: missing name"},
		{"no token_env", `tokens: [{name: x, role: admin}]`, "missing token_env"},
		{"no tokens", `anonymous_permissions: ["metrics:read"]`, "no tokens"},
		{"duplicate name", `tokens: [{name: x, role: admin, token_env: A}, {name: x, role: reader, token_env: B}]`, "name used twice"},
		{"same secret", `tokens: [{name: x, role: admin, token_env: A}, {name: y, role: reader, token_env: SAME}]`, "one secret"},
		{"redefined role", `{roles: {admin: ["*:read"]}, tokens: [{name: x, role: admin, token_env: A}]}`, "cannot be redefined"},
		{"bad permission", `tokens: [{name: x, permissions: ["metrics"], token_env: A}]`, `permission "metrics"`},
		{"bad anonymous", `{anonymous_permissions: ["metrics:read:x"], tokens: [{name: x, role: admin, token_env: A}]}`, "anonymous_permissions"},
		{"unknown key", `{tokenz: [], tokens: [{name: x, role: admin, token_env: A}]}`, "tokenz"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseAuthConfig([]byte(tc.yaml))
			if err == nil {
				_, _, err = c.Build(env)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "secret-a") {
				t.Fatalf("error %q shows a secret", err)
			}
		})
	}
}

func TestAuthWarnsAboutGrantsNoRouteNeeds(t *testing.T) {
	c, err := ParseAuthConfig([]byte(`
roles: {triage: ["*:read", "silences:write"]}
tokens: [{name: x, role: triage, token_env: A}]`))
	if err != nil {
		t.Fatal(err)
	}
	_, warnings, err := c.Build(func(string) (string, bool) { return "s", true })
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], `"silences:write"`) {
		t.Fatalf("warnings %q, want one about silences:write", warnings)
	}
}

func TestAdminTokenConfig(t *testing.T) {
	a, _, err := AdminTokenConfig("RSIGMA_API_TOKEN").Build(func(name string) (string, bool) {
		return map[string]string{"RSIGMA_API_TOKEN": "s3cret"}[name], name == "RSIGMA_API_TOKEN"
	})
	if err != nil {
		t.Fatal(err)
	}
	if tok := a.match("Bearer s3cret"); tok == nil || !tok.grants.Allows(PermReloadExecute) || !tok.grants.Allows(PermEventsIngest) {
		t.Fatalf("the --api-token-env token must carry every permission: %+v", tok)
	}
	if _, _, err := AdminTokenConfig("UNSET_VAR").Build(func(string) (string, bool) { return "", false }); err == nil {
		t.Fatal("an unset variable must fail")
	}
}
