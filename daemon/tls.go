package daemon

import (
	"net"

	"github.com/rsigma-connect/rsigma-connect/config"
	"github.com/rsigma-connect/rsigma-connect/server"
)

// listenAPI binds --api-addr under the connection limit (server.ConnLimiter).
// With --tls-cert/--tls-key it loads the
// certificate first (a failure is exit 3 "Failed to initialize TLS: …"),
// wraps the socket in TLS and registers the two TLS gauges, which exist only
// when TLS is configured (metrics.md §2).
func (d *daemon) listenAPI() (net.Listener, error) {
	var store *server.CertStore
	if d.opts.TLSEnabled() {
		minVersion, err := server.ParseMinVersion(d.opts.TLSMinVersion)
		if err != nil {
			return nil, config.Configf("%v", err)
		}
		store, err = server.NewCertStore(server.TLSOptions{
			CertFile:     d.opts.TLSCert,
			KeyFile:      d.opts.TLSKey,
			ClientCAFile: d.opts.TLSClientCA,
			MinVersion:   minVersion,
		}, d.log)
		if err != nil {
			return nil, config.Configf("Failed to initialize TLS: %v", err)
		}
	}
	raw, err := server.Listen(d.opts.APIAddr)
	if err != nil {
		return nil, config.Configf("--api-addr %s: %v", d.opts.APIAddr, err)
	}
	d.conns = server.LimitConnections(raw, 0) // below TLS: handshakes count too
	d.reg.MustRegister(d.conns.Collectors()...)
	var ln net.Listener = d.conns
	if store == nil {
		return ln, nil
	}
	tlsLn := server.NewTLSListener(ln, store, d.log)
	d.reg.MustRegister(server.TLSCollectors(store, tlsLn)...)
	d.certs = store
	return tlsLn, nil
}

// reloadTLS is the TLS step of a reload pass: it re-reads the certificate,
// key and client CA files and swaps them in for new handshakes. Without TLS
// it does nothing. A non-nil error means the previous certificate stays
// active; the pass counts it in rsigma_reloads_failed_total.
func (d *daemon) reloadTLS() error {
	if d.certs == nil {
		return nil
	}
	return d.certs.Reload()
}
