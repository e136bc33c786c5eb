package otlp

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the OTLP receiver's Prometheus families (metrics.md §2-3).
// rsigma_otlp_log_records_total is rendered from startup; the two labelled
// families appear with their first label combination.
type Metrics struct {
	LogRecords prometheus.Counter     // rsigma_otlp_log_records_total
	Requests   *prometheus.CounterVec // rsigma_otlp_requests_total{transport,encoding}
	Errors     *prometheus.CounterVec // rsigma_otlp_errors_total{transport,reason}
}

// Label values of rsigma_otlp_errors_total{reason}.
const (
	ReasonUnsupportedContentType = "unsupported_content_type"
	ReasonDecompression          = "decompression"
	ReasonDecode                 = "decode"
	ReasonChannelClosed          = "channel_closed"
)

// NewMetrics creates unregistered OTLP metrics; register Collectors() with
// the daemon's registry.
func NewMetrics() *Metrics {
	return &Metrics{
		LogRecords: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "rsigma_otlp_log_records_total",
			Help: "OTLP log records accepted over HTTP and gRPC.",
		}),
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rsigma_otlp_requests_total",
			Help: "OTLP export requests decoded successfully.",
		}, []string{"transport", "encoding"}),
		Errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rsigma_otlp_errors_total",
			Help: "OTLP export requests rejected.",
		}, []string{"transport", "reason"}),
	}
}

// Collectors lists the families for prometheus.Registerer.MustRegister.
func (m *Metrics) Collectors() []prometheus.Collector {
	return []prometheus.Collector{m.LogRecords, m.Requests, m.Errors}
}

// decoded counts a request decoded to its end (its records were counted
// one by one as they were decoded).
func (m *Metrics) decoded(transport, encoding string) {
	m.Requests.WithLabelValues(transport, encoding).Inc()
}

func (m *Metrics) rejected(transport, reason string) {
	m.Errors.WithLabelValues(transport, reason).Inc()
}
