package redact

import "strings"

// credentialNames are the query parameter names, lower-cased and without
// '_' or '-', that carry a credential in the URLs operators give us: API
// keys of threat-intelligence feeds, bearer tokens, passwords and the
// signatures of pre-signed cloud storage URLs.
var credentialNames = map[string]bool{
	"token": true, "accesstoken": true, "authtoken": true, "apitoken": true,
	"apikey": true, "key": true, "accesskey": true, "secret": true,
	"clientsecret": true, "password": true, "passwd": true, "pwd": true,
	"auth": true, "authorization": true, "sig": true, "signature": true,
	"xamzsignature": true, "xamzsecuritytoken": true, "xgoogsignature": true,
	"sessiontoken": true, "credential": true, "credentials": true,
}

// QueryCredential reports whether a query parameter named name holds a
// credential: its name, ignoring case, '_' and '-', is one of the usual
// names for a key, token, password or signature.
func QueryCredential(name string) bool {
	name = strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(name))
	return credentialNames[name]
}

// maskQuery replaces the value of each credential parameter in the query
// of u (between '?' and '#') by Mask, keeping every other byte of u.
func maskQuery(u string) string {
	if !strings.Contains(u, "://") {
		return u
	}
	q := strings.IndexByte(u, '?')
	if q < 0 {
		return u
	}
	end := len(u)
	if f := strings.IndexByte(u[q:], '#'); f >= 0 {
		end = q + f
	}
	var b strings.Builder
	b.WriteString(u[:q+1])
	for i, pair := range strings.Split(u[q+1:end], "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		name, _, hasValue := strings.Cut(pair, "=")
		if hasValue && QueryCredential(name) {
			b.WriteString(name + "=" + Mask)
			continue
		}
		b.WriteString(pair)
	}
	b.WriteString(u[end:])
	return b.String()
}
