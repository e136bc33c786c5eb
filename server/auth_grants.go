package server

import (
	"fmt"
	"strings"
)

// Permissions a route requires when authentication is on (http-api.md §2,
// docs/http-api.md "Authentication"). A permission is "resource:action".
const (
	PermMetricsRead      = "metrics:read"
	PermStatusRead       = "status:read"
	PermRulesRead        = "rules:read"
	PermReloadExecute    = "reload:execute"
	PermEventsIngest     = "events:ingest"
	PermSourcesRead      = "sources:read"
	PermSourcesWrite     = "sources:write"
	PermCorrelationsRead = "correlations:read"
	PermExplainExecute   = "explain:execute"
	// PermAll is the grant of every permission, and what a route missing
	// from the route table requires (fail closed).
	PermAll = "*"
)

// permOpen marks the probes: never authenticated.
const permOpen = ""

// routePermissions maps each API path (exact, or a prefix ending in '/') to
// the permission it requires. A registered path missing here requires
// PermAll.
var routePermissions = map[string]string{
	"/healthz":                   permOpen,
	"/readyz":                    permOpen,
	"/ready":                     permOpen, // the stream framework's readiness probe
	"/metrics":                   PermMetricsRead,
	"/stats":                     PermMetricsRead, // the stream framework's copy of /metrics
	"/api/v1/status":             PermStatusRead,
	"/api/v1/rules":              PermRulesRead,
	"/api/v1/reload":             PermReloadExecute,
	"/api/v1/events":             PermEventsIngest,
	"/v1/logs":                   PermEventsIngest,
	grpcLogsExportPath:           PermEventsIngest,
	"/api/v1/sources":            PermSourcesRead,
	"/api/v1/sources/resolve":    PermSourcesWrite,
	"/api/v1/sources/resolve/":   PermSourcesWrite,
	"/api/v1/sources/cache/":     PermSourcesWrite,
	"/api/v1/correlations":       PermCorrelationsRead,
	"/api/v1/correlations/state": PermCorrelationsRead,
	"/api/v1/explain":            PermExplainExecute,
}

// grpcLogsExportPath is the HTTP/2 path of OTLP/gRPC LogsService/Export.
const grpcLogsExportPath = "/opentelemetry.proto.collector.logs.v1.LogsService/Export"

// RoutePermission returns the permission a request for path requires:
// permOpen ("") for the probes, the route table's entry (exact path, else
// the longest prefix entry ending in '/'), else PermAll.
func RoutePermission(path string) string {
	if p, ok := routePermissions[path]; ok {
		return p
	}
	best, perm := "", PermAll
	for pattern, p := range routePermissions {
		if strings.HasSuffix(pattern, "/") && strings.HasPrefix(path, pattern) && len(pattern) > len(best) {
			best, perm = pattern, p
		}
	}
	return perm
}

// builtinRoles are the roles every auth configuration knows. operator is
// every read and write except reload and ingest (http-api.md §6).
var builtinRoles = map[string][]string{
	"reader":   {"*:read"},
	"operator": {"*:read", "*:write", PermExplainExecute},
	"ingest":   {PermEventsIngest},
	"admin":    {PermAll},
}

// Grants is a set of permission grants: "*", "resource:action", with "*"
// standing for any resource or any action ("*:read", "sources:*").
type Grants []string

// Allows reports whether some grant covers perm.
func (g Grants) Allows(perm string) bool {
	res, act, _ := strings.Cut(perm, ":")
	for _, grant := range g {
		if grant == PermAll {
			return true
		}
		gr, ga, _ := strings.Cut(grant, ":")
		if (gr == "*" || gr == res) && (ga == "*" || ga == act) {
			return true
		}
	}
	return false
}

// checkGrant validates one grant's shape: "*" or "resource:action" with
// non-empty parts of letters, digits, '-', '_' or a lone "*".
func checkGrant(grant string) error {
	if grant == PermAll {
		return nil
	}
	res, act, ok := strings.Cut(grant, ":")
	if !ok || !grantPart(res) || !grantPart(act) {
		return fmt.Errorf("permission %q: want \"*\" or \"resource:action\" (each part a name or \"*\")", grant)
	}
	return nil
}

func grantPart(s string) bool {
	if s == "*" {
		return true
	}
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// knownPermissions lists every permission a route of this daemon requires,
// to warn about grants that can never apply (a typo, or a permission of a
// feature rsigma has and this port has not).
func knownPermissions() []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range routePermissions {
		if p != permOpen && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}
