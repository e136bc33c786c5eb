package server

import (
	"crypto/tls"
	"strings"
	"testing"
)

func TestCheckPlaintextBind(t *testing.T) {
	cases := []struct {
		name   string
		addr   string
		allow  bool
		refuse bool
	}{
		{"ipv4_loopback_allows_plaintext", "127.0.0.1:9090", false, false},
		{"whole_127_range_is_loopback", "127.3.2.1:9090", false, false},
		{"ipv6_loopback_allows_plaintext", "[::1]:9090", false, false},
		{"all_interfaces_refused", "0.0.0.0:9090", false, true},
		{"ipv6_unspecified_refused", "[::]:9090", false, true},
		{"private_address_refused", "10.0.0.5:9090", false, true},
		{"ipv4_mapped_loopback_is_not_loopback", "[::ffff:127.0.0.1]:9090", false, true},
		{"empty_host_refused", ":9090", false, true},
		{"hostname_refused", "localhost:9090", false, true},
		{"allow_plaintext_permits_public_bind", "0.0.0.0:9090", true, false},
		{"unix_socket_exempt", "unix:///run/rsigma.sock", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckPlaintextBind(tc.addr, tc.allow)
			if !tc.refuse {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("plaintext bind was allowed")
			}
			for _, want := range []string{"refusing to bind plaintext", "--tls-cert/--tls-key", "--allow-plaintext"} {
				if !strings.Contains(err.Error(), want) {
					t.Fatalf("message %q lacks %q", err, want)
				}
			}
		})
	}
}

func TestParseMinVersion(t *testing.T) {
	cases := []struct {
		in   string
		want uint16
		bad  bool
	}{
		{"", tls.VersionTLS13, false},
		{"1.3", tls.VersionTLS13, false},
		{"tls1.3", tls.VersionTLS13, false},
		{"TLS1.3", tls.VersionTLS13, false},
		{"1.2", tls.VersionTLS12, false},
		{"tls1.2", tls.VersionTLS12, false},
		{"TLS1.2", tls.VersionTLS12, false},
		{"1.1", 0, true},
		{"Tls1.2", 0, true},
	}
	for _, tc := range cases {
		t.Run("value_"+tc.in, func(t *testing.T) {
			got, err := ParseMinVersion(tc.in)
			if tc.bad {
				if err == nil || !strings.Contains(err.Error(), "invalid --tls-min-version") {
					t.Fatalf("ParseMinVersion(%q) error = %v", tc.in, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseMinVersion(%q) = %x, %v; want %x", tc.in, got, err, tc.want)
			}
		})
	}
}
