package config

import "github.com/rsigma-connect/rsigma-connect/server"

// TLSEnabled reports whether the API listener terminates TLS.
func (o *Options) TLSEnabled() bool { return o.TLSCert != "" }

// validateTLS checks the TLS flags of the API listener (nats-and-tls.md
// §2.1) and the plaintext refusal rule (§2.5). Loading the PEM files is the
// daemon's job; their errors surface as "Failed to initialize TLS: …".
func validateTLS(o *Options) error {
	if err := server.CheckKeyPassword(o.TLSKeyPassword); err != nil {
		return Configf("Failed to initialize TLS: %v", err)
	}
	switch {
	case o.TLSCert != "" && o.TLSKey == "":
		return Configf("--tls-cert requires --tls-key")
	case o.TLSKey != "" && o.TLSCert == "":
		return Configf("--tls-key requires --tls-cert")
	case o.TLSClientCA != "" && o.TLSCert == "":
		return Configf("--tls-client-ca requires --tls-cert and --tls-key")
	}
	if _, err := server.ParseMinVersion(o.TLSMinVersion); err != nil {
		return Configf("%v", err)
	}
	if !o.TLSEnabled() {
		if err := server.CheckPlaintextBind(o.APIAddr, o.AllowPlaintext); err != nil {
			return Configf("%v", err)
		}
	}
	return nil
}
