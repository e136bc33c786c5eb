package nats

import (
	"fmt"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// connectionFields are shared by the input and the output: where to connect
// and how to authenticate.
func connectionFields() []*service.ConfigField {
	return []*service.ConfigField{
		service.NewStringField("url").
			Description("NATS server URL, `nats://host:port`. Credentials embedded in the URL are passed to the client.").
			Example("nats://127.0.0.1:4222"),
		service.NewObjectField("auth",
			service.NewStringField("creds_file").Default("").Description("JWT + NKey credentials file."),
			service.NewStringField("token").Default("").Secret().Description("Authentication token."),
			service.NewStringField("user").Default("").Description("User name; requires `password`."),
			service.NewStringField("password").Default("").Secret().Description("Password; requires `user`."),
			service.NewStringField("nkey_seed").Default("").Secret().Description("NKey seed, or the path of a file holding it."),
		).Description("Credential methods are mutually exclusive.").Advanced(),
		service.NewObjectField("tls",
			service.NewBoolField("require").Default(false).Description("Refuse a server that does not negotiate TLS. Without it TLS is used when the server demands it."),
			service.NewStringField("cert_file").Default("").Description("Client certificate (PEM); requires `key_file`."),
			service.NewStringField("key_file").Default("").Description("Client private key (PEM); requires `cert_file`."),
			service.NewStringField("root_cas_file").Default("").Description("CA bundle that verifies the server; system roots when empty."),
		).Advanced(),
	}
}

// parseAuth reads the auth and tls objects of a parsed config.
func parseAuth(conf *service.ParsedConfig) (Auth, error) {
	var a Auth
	fields := []struct {
		dst  *string
		path []string
	}{
		{&a.CredsFile, []string{"auth", "creds_file"}},
		{&a.Token, []string{"auth", "token"}},
		{&a.User, []string{"auth", "user"}},
		{&a.Password, []string{"auth", "password"}},
		{&a.NKeySeed, []string{"auth", "nkey_seed"}},
		{&a.TLSCert, []string{"tls", "cert_file"}},
		{&a.TLSKey, []string{"tls", "key_file"}},
		{&a.TLSCA, []string{"tls", "root_cas_file"}},
	}
	for _, f := range fields {
		v, err := conf.FieldString(f.path...)
		if err != nil {
			return Auth{}, err
		}
		*f.dst = v
	}
	var err error
	if a.RequireTLS, err = conf.FieldBool("tls", "require"); err != nil {
		return Auth{}, err
	}
	return a, a.Validate()
}

// parseServer reads `url` and rejects anything but nats://host:port.
func parseServer(conf *service.ParsedConfig) (string, error) {
	raw, err := conf.FieldString("url")
	if err != nil {
		return "", err
	}
	loc, err := ParseURL(raw)
	if err != nil {
		return "", fmt.Errorf("url: %w", err)
	}
	return loc.Server, nil
}

// ConnectionFields are the `url`, `auth` and `tls` fields of the
// sigma_nats_jetstream components, for other components that connect the same
// way (the fleet's).
func ConnectionFields() []*service.ConfigField { return connectionFields() }

// ParseConnection reads the fields of ConnectionFields.
func ParseConnection(conf *service.ParsedConfig) (server string, auth Auth, err error) {
	if server, err = parseServer(conf); err != nil {
		return "", Auth{}, err
	}
	auth, err = parseAuth(conf)
	return server, auth, err
}
