package config

import (
	"strings"
	"testing"
)

func TestValidateAPIAddrAndAuth(t *testing.T) {
	long := "unix:///tmp/" + strings.Repeat("s", 100) + ".sock"
	cases := []struct {
		name   string
		mutate func(o *Options)
		want   string // "" means accepted
	}{
		{"unix_socket", func(o *Options) { o.APIAddr = "unix:///run/rsigma/api.sock" }, ""},
		{"unix_socket_is_exempt_from_the_plaintext_refusal", func(o *Options) {
			o.APIAddr, o.AllowPlaintext = "unix:///run/rsigma/api.sock", false
		}, ""},
		{"unix_socket_with_tls", func(o *Options) {
			o.APIAddr, o.TLSCert, o.TLSKey = "unix:///run/rsigma/api.sock", "c.pem", "k.pem"
		}, "TLS does not apply to a Unix socket"},
		{"unix_socket_with_client_ca", func(o *Options) {
			o.APIAddr, o.TLSClientCA = "unix:///run/rsigma/api.sock", "ca.pem"
		}, "TLS does not apply to a Unix socket"},
		{"unix_socket_without_path", func(o *Options) { o.APIAddr = "unix://" }, "empty socket path"},
		{"unix_socket_path_too_long", func(o *Options) { o.APIAddr = long }, "the kernel binds at most 107"},
		{"token_env", func(o *Options) { o.APITokenEnv = "RSIGMA_API_TOKEN" }, ""},
		{"auth_file", func(o *Options) { o.APIAuth = "auth.yml" }, ""},
		{"token_env_and_auth_file", func(o *Options) { o.APITokenEnv, o.APIAuth = "RSIGMA_API_TOKEN", "auth.yml" }, "--api-token-env and --api-auth"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkValidate(t, c.mutate, c.want) })
	}
}

func TestUnixAPIAddrTurnsTheFrameworkServerOff(t *testing.T) {
	o := Defaults()
	o.Rules = []string{"rules"}
	o.APIAddr = "unix:///run/rsigma/api.sock"
	b, err := StreamYAML(o)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "http:\n  enabled: false\n") {
		t.Fatalf("stream config starts:\n%.80s", b)
	}
}
