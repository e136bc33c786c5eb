// Package redact hides credentials before text leaves the process: in log
// lines, error messages and printed configuration.
package redact

import (
	"net/url"
	"strings"
)

// Mask is what stands for a hidden credential.
const Mask = "***"

// URL returns u with its credentials replaced by Mask: the userinfo of its
// authority (user:password@ or token@), so nats://alice:s3cret@host:4222/x
// becomes nats://***@host:4222/x, and the value of each query parameter
// whose name says it holds a credential (QueryCredential), so
// https://feed/x?apikey=k&day=1 becomes https://feed/x?apikey=***&day=1.
// The rest of u is kept byte for byte; anything that is not a URL is
// returned unchanged.
func URL(u string) string {
	if start, end, ok := Userinfo(u); ok {
		u = u[:start] + Mask + u[end:]
	}
	return maskQuery(u)
}

// URLs applies URL to each of us.
func URLs(us []string) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = URL(u)
	}
	return out
}

// Userinfo locates the userinfo of u's authority: u[start:end] is the text
// between "scheme://" and the last '@' before the path, query or fragment.
func Userinfo(u string) (start, end int, ok bool) {
	scheme := strings.Index(u, "://")
	if scheme < 0 {
		return 0, 0, false
	}
	start = scheme + len("://")
	authority := u[start:]
	if i := strings.IndexAny(authority, "/?#"); i >= 0 {
		authority = authority[:i]
	}
	at := strings.LastIndexByte(authority, '@')
	if at < 0 {
		return 0, 0, false
	}
	return start, start + at, true
}

// HTTPError hides the userinfo in the URL of err when err is a *url.Error,
// as net/http's client returns them: the client masks a password itself, but
// not a user name that carries a token. Other errors are returned unchanged.
func HTTPError(err error) error {
	ue, ok := err.(*url.Error)
	if !ok {
		return err
	}
	masked := *ue
	masked.URL = URL(ue.URL)
	return &masked
}
