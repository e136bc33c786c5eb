package config

import (
	"github.com/rsigma-connect/rsigma-connect/server"
)

// validateAPIAuth refuses --api-token-env together with --api-auth: one
// token with every permission, or tokens with roles (http-api.md §6).
// Reading the variables and the file is the daemon's startup check.
func validateAPIAuth(o *Options) error {
	if o.APITokenEnv != "" && o.APIAuth != "" {
		return Configf("--api-token-env and --api-auth: give one (the file can hold an admin token too)")
	}
	return nil
}

// validateUnixAPI checks --api-addr unix:///path: a socket path the kernel
// can bind, and no TLS (which terminates on TCP only); the plaintext
// refusal does not apply (the socket file's mode gates access).
func validateUnixAPI(o *Options, path string) error {
	if err := server.CheckUnixSocketPath(path); err != nil {
		return Configf("--api-addr %q: %v", o.APIAddr, err)
	}
	if o.TLSCert != "" || o.TLSKey != "" || o.TLSClientCA != "" {
		return Configf("--api-addr %q: TLS does not apply to a Unix socket (drop --tls-cert/--tls-key/--tls-client-ca, or listen on IP:port)", o.APIAddr)
	}
	if err := server.CheckKeyPassword(o.TLSKeyPassword); err != nil {
		return Configf("Failed to initialize TLS: %v", err)
	}
	return nil
}
