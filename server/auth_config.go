package server

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// AuthConfig is the API authentication file given to --api-auth: the shape
// of rsigma's `daemon.api.auth` block (docs/http-api.md "Authentication").
type AuthConfig struct {
	// AnonymousPermissions are granted to requests without an
	// Authorization header (never to a request with a bad token).
	AnonymousPermissions []string `yaml:"anonymous_permissions"`
	// Roles are custom roles: name → grants. Built-in names (reader,
	// operator, ingest, admin) cannot be redefined.
	Roles map[string][]string `yaml:"roles"`
	// Tokens are the accepted bearer tokens.
	Tokens []TokenConfig `yaml:"tokens"`
}

// TokenConfig is one bearer token: its name (logged, never the secret),
// the environment variable holding the secret, and either a role or an
// inline permission list.
type TokenConfig struct {
	Name        string   `yaml:"name"`
	Role        string   `yaml:"role"`
	Permissions []string `yaml:"permissions"`
	TokenEnv    string   `yaml:"token_env"`
}

// ParseAuthConfig reads an auth file. Unknown keys are errors, so that a
// misspelt key never leaves a route open.
func ParseAuthConfig(data []byte) (AuthConfig, error) {
	var c AuthConfig
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		if errors.Is(err, io.EOF) {
			return c, errors.New("empty file")
		}
		return c, err
	}
	return c, nil
}

// AdminTokenConfig is the configuration --api-token-env VAR stands for: one
// token, named after the variable, with every permission.
func AdminTokenConfig(env string) AuthConfig {
	return AuthConfig{Tokens: []TokenConfig{{Name: env, Role: "admin", TokenEnv: env}}}
}

// Build resolves the roles and reads every token's secret through
// lookupEnv (os.LookupEnv). Any problem is an error naming the token, role
// or permission: an unset or empty variable, an unknown role, a token with
// both or neither of role and permissions, two tokens with one name or one
// secret, a malformed permission. warnings lists grants that match no
// route of this daemon.
func (c AuthConfig) Build(lookupEnv func(string) (string, bool)) (a *Auth, warnings []string, err error) {
	if len(c.Tokens) == 0 {
		return nil, nil, errors.New("no tokens: give at least one entry under tokens")
	}
	roles, err := c.roles()
	if err != nil {
		return nil, nil, err
	}
	a = &Auth{}
	if a.anonymous, err = grants("anonymous_permissions", c.AnonymousPermissions); err != nil {
		return nil, nil, err
	}
	names, secrets := map[string]bool{}, map[[sha256.Size]byte]TokenConfig{}
	for i, tc := range c.Tokens {
		t, err := tc.build(i, roles, lookupEnv)
		if err != nil {
			return nil, nil, err
		}
		if names[t.name] {
			return nil, nil, fmt.Errorf("token %q: name used twice", t.name)
		}
		if other, dup := secrets[t.digest]; dup { // a token must name one caller
			return nil, nil, fmt.Errorf("tokens %q and %q: one secret (variables %s and %s hold the same value)", other.Name, tc.Name, other.TokenEnv, tc.TokenEnv)
		}
		names[t.name], secrets[t.digest] = true, tc
		a.tokens = append(a.tokens, t)
	}
	return a, c.unusedGrants(roles), nil
}

// roles returns the built-in and custom roles with their grants.
func (c AuthConfig) roles() (map[string]Grants, error) {
	out := map[string]Grants{}
	for name, g := range builtinRoles {
		out[name] = g
	}
	for name, list := range c.Roles {
		if _, builtin := builtinRoles[name]; builtin {
			return nil, fmt.Errorf("role %q: a built-in role cannot be redefined", name)
		}
		g, err := grants("role "+name, list)
		if err != nil {
			return nil, err
		}
		if len(g) == 0 {
			return nil, fmt.Errorf("role %q: no permissions", name)
		}
		out[name] = g
	}
	return out, nil
}

func grants(where string, list []string) (Grants, error) {
	for _, p := range list {
		if err := checkGrant(p); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
	}
	return Grants(list), nil
}

// build makes the i-th token.
func (tc TokenConfig) build(i int, roles map[string]Grants, lookupEnv func(string) (string, bool)) (token, error) {
	if tc.Name == "" {
		return token{}, fmt.Errorf("tokens[%d]: missing name", i)
	}
	var g Grants
	switch {
	case tc.Role != "" && len(tc.Permissions) > 0:
		return token{}, fmt.Errorf("token %q: give role or permissions, not both", tc.Name)
	case tc.Role != "":
		var ok bool
		if g, ok = roles[tc.Role]; !ok {
			return token{}, fmt.Errorf("token %q: unknown role %q (built-in: %s; or define it under roles)", tc.Name, tc.Role, strings.Join(sortedKeys(builtinRoles), ", "))
		}
	case len(tc.Permissions) > 0:
		var err error
		if g, err = grants("token "+tc.Name, tc.Permissions); err != nil {
			return token{}, err
		}
	default:
		return token{}, fmt.Errorf("token %q: missing role or permissions", tc.Name)
	}
	if tc.TokenEnv == "" {
		return token{}, fmt.Errorf("token %q: missing token_env (the environment variable holding the secret)", tc.Name)
	}
	secret, ok := lookupEnv(tc.TokenEnv)
	if !ok || secret == "" {
		return token{}, fmt.Errorf("token %q: environment variable %s is unset or empty", tc.Name, tc.TokenEnv)
	}
	return token{name: tc.Name, digest: sha256.Sum256([]byte(secret)), grants: g}, nil
}

// unusedGrants lists, as warnings, grants of the configuration that cover
// no permission a route of this daemon requires.
func (c AuthConfig) unusedGrants(roles map[string]Grants) []string {
	known := knownPermissions()
	covers := func(grant string) bool {
		return slices.ContainsFunc(known, func(p string) bool { return Grants{grant}.Allows(p) })
	}
	var out []string
	check := func(where string, list []string) {
		for _, g := range list {
			if !covers(g) {
				out = append(out, fmt.Sprintf("%s: permission %q matches no route of this daemon", where, g))
			}
		}
	}
	check("anonymous_permissions", c.AnonymousPermissions)
	for _, name := range sortedKeys(c.Roles) {
		check("role "+name, roles[name])
	}
	for _, t := range c.Tokens {
		check("token "+t.Name, t.Permissions)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
