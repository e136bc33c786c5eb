package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

// Reasons of rsigma_api_auth_failures_total.
const (
	AuthUnauthorized = "unauthorized" // no valid credentials: 401
	AuthForbidden    = "forbidden"    // a valid token without the route's permission: 403
)

// Auth checks bearer tokens against the permission each route requires
// (routePermissions). Build it with AuthConfig.Build; install it with
// Authenticate. It is safe for concurrent use.
type Auth struct {
	tokens    []token
	anonymous Grants
	failures  *prometheus.CounterVec
	log       *slog.Logger
}

// token is one accepted bearer token, kept as the SHA-256 of its secret so
// that every comparison takes the same time whatever the secret's length.
type token struct {
	name   string
	digest [sha256.Size]byte
	grants Grants
}

// Collectors returns rsigma_api_auth_failures_total, both reasons
// pre-created. Call it once, before Authenticate.
func (a *Auth) Collectors() []prometheus.Collector {
	a.failures = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "rsigma_api_auth_failures_total",
		Help: "API requests refused by authentication (unauthorized: no valid token, 401; forbidden: the token lacks the route's permission, 403).",
	}, []string{"reason"})
	a.failures.WithLabelValues(AuthUnauthorized)
	a.failures.WithLabelValues(AuthForbidden)
	return []prometheus.Collector{a.failures}
}

// SetLogger sets where refusals are logged (WARN, with route and token
// name, never the secret); nil: slog.Default().
func (a *Auth) SetLogger(l *slog.Logger) { a.log = l }

// Authenticate wraps next so that every request for a routed path (routed
// reports it; unrouted paths answer 404 without credentials) carries a
// token allowed the path's permission, except the probes. A request
// without an Authorization header gets the anonymous grants. No or an
// unknown token: 401 with WWW-Authenticate: Bearer; a known token lacking
// the permission: 403 naming it. gRPC requests get the same answers as
// gRPC statuses UNAUTHENTICATED and PERMISSION_DENIED.
func Authenticate(next http.Handler, a *Auth, routed func(path string) bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		perm := RoutePermission(r.URL.Path)
		if perm == permOpen || !routed(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		header := r.Header.Get("Authorization")
		if header == "" {
			if a.anonymous.Allows(perm) {
				next.ServeHTTP(w, r)
				return
			}
			a.refuse(w, r, AuthUnauthorized, "", perm)
			return
		}
		t := a.match(header)
		switch {
		case t == nil:
			a.refuse(w, r, AuthUnauthorized, "", perm)
		case !t.grants.Allows(perm):
			a.refuse(w, r, AuthForbidden, t.name, perm)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// match returns the token an Authorization header presents, or nil. It
// compares the presented secret with every configured one, in constant
// time and without stopping at a match.
func (a *Auth) match(header string) *token {
	scheme, secret, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil
	}
	digest := sha256.Sum256([]byte(strings.TrimSpace(secret)))
	var found *token
	for i := range a.tokens {
		if subtle.ConstantTimeCompare(digest[:], a.tokens[i].digest[:]) == 1 {
			found = &a.tokens[i]
		}
	}
	return found
}

const unauthorizedBody = `{"error":"missing or invalid bearer token"}`

// refuse answers a refused request, counts and logs it.
func (a *Auth) refuse(w http.ResponseWriter, r *http.Request, reason, name, perm string) {
	if a.failures != nil {
		a.failures.WithLabelValues(reason).Inc()
	}
	log := a.log
	if log == nil {
		log = slog.Default()
	}
	who := name
	if who == "" {
		who = "(none)"
		if r.Header.Get("Authorization") != "" {
			who = "(unknown)"
		}
	}
	log.Warn("API request refused", "reason", reason, "method", r.Method, "path", r.URL.Path,
		"token_name", who, "permission", perm, "remote", r.RemoteAddr)

	grpc := r.ProtoMajor == 2 && strings.HasPrefix(r.Header.Get("Content-Type"), "application/grpc")
	if reason == AuthUnauthorized {
		if grpc {
			refuseGRPC(w, grpcUnauthenticated, "missing or invalid bearer token")
			return
		}
		w.Header().Set("WWW-Authenticate", "Bearer")
		writeJSON(w, http.StatusUnauthorized, unauthorizedBody)
		return
	}
	msg := fmt.Sprintf("token %q lacks permission %s", name, perm)
	if grpc {
		refuseGRPC(w, grpcPermissionDenied, msg)
		return
	}
	writeAPIJSON(w, http.StatusForbidden, map[string]string{"error": "forbidden: " + msg, "permission": perm})
}

// gRPC status codes of refusals (google.golang.org/grpc/codes).
const (
	grpcPermissionDenied = 7
	grpcUnauthenticated  = 16
)

// refuseGRPC answers a gRPC call with a status and no message (a
// trailers-only response: the status travels in the headers).
func refuseGRPC(w http.ResponseWriter, code int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "application/grpc")
	h.Set("Grpc-Status", fmt.Sprint(code))
	h.Set("Grpc-Message", url.PathEscape(msg))
	w.WriteHeader(http.StatusOK)
}
