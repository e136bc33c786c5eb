package config

import (
	"strings"
	"testing"
)

func TestValidateTLSFlags(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(o *Options)
		want   string // "" means accepted
	}{
		{"cert_and_key_on_all_interfaces", func(o *Options) {
			o.APIAddr, o.TLSCert, o.TLSKey = "0.0.0.0:9090", "c.pem", "k.pem"
		}, ""},
		{"cert_without_key", func(o *Options) { o.TLSCert = "c.pem" }, "--tls-cert requires --tls-key"},
		{"key_without_cert", func(o *Options) { o.TLSKey = "k.pem" }, "--tls-key requires --tls-cert"},
		{"client_ca_without_cert", func(o *Options) { o.TLSClientCA = "ca.pem" }, "--tls-client-ca requires --tls-cert"},
		{"key_password_points_to_openssl", func(o *Options) {
			o.TLSCert, o.TLSKey, o.TLSKeyPassword = "c.pem", "k.pem", "hunter2"
			o.SetGiven("rules", "tls-cert", "tls-key", "tls-key-password")
		}, "openssl rsa -in key.pem -out key-decrypted.pem"},
		{"min_version_1_2", func(o *Options) { o.TLSMinVersion = "tls1.2" }, ""},
		{"bad_min_version", func(o *Options) { o.TLSMinVersion = "1.1" }, "invalid --tls-min-version"},
		{"ipv4_mapped_loopback_is_refused", func(o *Options) { o.APIAddr = "[::ffff:127.0.0.1]:9090" }, "refusing to bind plaintext"},
		{"ipv6_unspecified_refused_with_flag_hint", func(o *Options) { o.APIAddr = "[::]:9090" }, "--allow-plaintext"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := Defaults()
			o.Rules = []string{"rules"}
			o.APIAddr = "127.0.0.1:9090"
			c.mutate(o)
			err := Validate(o)
			if c.want == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			if err == nil || CodeOf(err) != ExitConfig || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Validate = %v (exit %d), want exit 3 containing %q", err, CodeOf(err), c.want)
			}
		})
	}
}
