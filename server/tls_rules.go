package server

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// KeyPasswordEnv is the environment variable equivalent of --tls-key-password.
const KeyPasswordEnv = "RSIGMA_TLS_KEY_PASSWORD"

// ParseMinVersion maps a --tls-min-version value to a crypto/tls version.
// Accepted: 1.2, 1.3, tls1.2, TLS1.2, tls1.3, TLS1.3; empty means 1.3.
func ParseMinVersion(s string) (uint16, error) {
	switch s {
	case "", "1.3", "tls1.3", "TLS1.3":
		return tls.VersionTLS13, nil
	case "1.2", "tls1.2", "TLS1.2":
		return tls.VersionTLS12, nil
	}
	return 0, fmt.Errorf("invalid --tls-min-version %q (expected 1.2 or 1.3)", s)
}

// CheckKeyPassword rejects any --tls-key-password / RSIGMA_TLS_KEY_PASSWORD
// value: encrypted keys are unsupported, and the error tells the operator how
// to decrypt the key.
func CheckKeyPassword(password string) error {
	if password == "" {
		return nil
	}
	return fmt.Errorf("--tls-key-password (%s) is not supported: %w", KeyPasswordEnv, ErrEncryptedKey)
}

// CheckPlaintextBind applies the plaintext refusal rule to an API address
// served without TLS: a loopback IP (127.0.0.0/8 or ::1) always may serve
// plaintext; any other address, including 0.0.0.0, ::, a hostname or an
// IPv4-mapped loopback, needs allowPlaintext. unix:// addresses are exempt.
func CheckPlaintextBind(apiAddr string, allowPlaintext bool) error {
	if allowPlaintext || strings.HasPrefix(apiAddr, "unix://") || isLoopbackAddr(apiAddr) {
		return nil
	}
	return fmt.Errorf("refusing to bind plaintext HTTP on non-loopback address %s: "+
		"configure --tls-cert/--tls-key, or pass --allow-plaintext to accept unencrypted traffic", apiAddr)
}

func isLoopbackAddr(apiAddr string) bool {
	host, _, err := net.SplitHostPort(apiAddr)
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	return (ip.Is4() && ip.IsLoopback()) || ip == netip.IPv6Loopback()
}
