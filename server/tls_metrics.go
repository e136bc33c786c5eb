package server

import "github.com/prometheus/client_golang/prometheus"

// TLSCollectors returns the two TLS gauges for the daemon's registry:
// rsigma_tls_certificate_expiry_seconds, computed at scrape time from the
// active leaf's notAfter, and rsigma_tls_active_connections. Register them
// only when TLS is configured (metrics.md §2).
func TLSCollectors(store *CertStore, ln *TLSListener) []prometheus.Collector {
	return []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "rsigma_tls_certificate_expiry_seconds",
			Help: "Seconds until the active API server certificate expires (negative once expired).",
		}, store.ExpirySeconds),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "rsigma_tls_active_connections",
			Help: "Open TLS connections on the API listener that completed their handshake.",
		}, func() float64 { return float64(ln.ActiveConnections()) }),
	}
}
