package exporter

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redpanda-data/benthos/v4/public/service"
)

// Field names of the `prometheus` exporter: those of the exporter of the
// same name in Redpanda Connect, so that a host's config carries over, plus
// component_labels.
const (
	fieldUseHistogramTiming = "use_histogram_timing"
	fieldHistogramBuckets   = "histogram_buckets"
	fieldSummaryObjectives  = "summary_quantiles_objectives"
	fieldProcessMetrics     = "add_process_metrics"
	fieldGoMetrics          = "add_go_metrics"
	fieldPushURL            = "push_url"
	fieldPushInterval       = "push_interval"
	fieldPushJobName        = "push_job_name"
	fieldPushBasicAuth      = "push_basic_auth"
	fieldFileOutputPath     = "file_output_path"
	fieldComponentLabels    = "component_labels"
)

// refusedFields lints the fields accepted for compatibility but not
// implemented, each with the reason.
const refusedFields = `root = []
root = if this.use_histogram_timing.or(true) == false { root.append("use_histogram_timing: false (summaries) is not supported: timers are always histograms") } else { root }
root = if this.exists("summary_quantiles_objectives") { root.append("summary_quantiles_objectives is not supported: timers are histograms, never summaries") } else { root }
`

// PrometheusSpec is the config spec of the `prometheus` metrics exporter.
func PrometheusSpec() *service.ConfigSpec {
	return service.NewConfigSpec().
		Beta().
		Summary("Exposes metrics in the Prometheus text format (client_golang) on the service's /metrics endpoint.").
		Description("Metric names are kept verbatim. Timers become histograms in seconds. `rsigma_uptime_seconds` is "+
			"set on every scrape. The fields are those of Redpanda Connect's `prometheus` exporter; summaries "+
			"(`use_histogram_timing: false`, `summary_quantiles_objectives`) are refused by lint.").
		LintRule(refusedFields).
		Fields(
			service.NewBoolField(fieldUseHistogramTiming).
				Description("Timers are always histograms; `false` (summaries) is refused.").
				Default(true).Advanced(),
			service.NewFloatListField(fieldHistogramBuckets).
				Description("Buckets of the timers whose buckets docs/metrics.md does not fix (empty: the client_golang defaults).").
				Default([]any{}).Advanced(),
			service.NewAnyField(fieldSummaryObjectives).
				Description("Not supported (timers are histograms); present only so that lint can say so.").
				Optional().Advanced(),
			service.NewBoolField(fieldProcessMetrics).
				Description("Also export the process collector (`process_*`).").
				Default(false),
			service.NewBoolField(fieldGoMetrics).
				Description("Also export the Go runtime collector (`go_*`).").
				Default(false),
			service.NewStringField(fieldPushURL).
				Description("A Prometheus Pushgateway to push the metrics to, every `push_interval` and once at shutdown.").
				Optional().Advanced(),
			service.NewDurationField(fieldPushInterval).
				Description("Interval between pushes; unset pushes only at shutdown.").
				Optional().Advanced(),
			service.NewStringField(fieldPushJobName).
				Description("The `job` label of pushed metrics.").
				Default("benthos_push").Advanced(),
			service.NewObjectField(fieldPushBasicAuth,
				service.NewStringField("username").Default(""),
				service.NewStringField("password").Default("").Secret(),
			).Description("HTTP basic auth of the pushes (when `username` is set).").Optional().Advanced(),
			service.NewStringField(fieldFileOutputPath).
				Description("A file that receives all metrics in the text format when the service shuts down.").
				Default("").Advanced(),
			service.NewBoolField(fieldComponentLabels).
				Description("Keep the framework's `label` and `path` labels on `rsigma_*` metrics, as on every other "+
					"metric, so that several `sigma` processors report apart (give each a `label`). `engine daemon` "+
					"sets it to `false`: its metrics then have exactly the names and labels of docs/metrics.md.").
				Default(true),
		)
}

// RegisterPrometheus registers the `prometheus` exporter on env. Every
// exporter built from it writes into reg, so that a caller that owns reg (the
// daemon) can add collectors of its own and serve them on the same endpoint.
// A nil reg gives each exporter a fresh registry.
func RegisterPrometheus(env *service.Environment, reg *prometheus.Registry) error {
	return env.RegisterMetricsExporter("prometheus", PrometheusSpec(),
		func(conf *service.ParsedConfig, log *service.Logger) (service.MetricsExporter, error) {
			o, err := parsePrometheusOptions(conf)
			if err != nil {
				return nil, err
			}
			if o.Push.URL != "" {
				o.Push.Failed = func(err error) { log.Warnf("prometheus push to %s failed: %v", o.Push.URL, err) }
			}
			r := reg
			if r == nil {
				r = prometheus.NewRegistry()
			}
			return NewPrometheusExporter(r, o), nil
		})
}

// parsePrometheusOptions reads the exporter's fields.
func parsePrometheusOptions(conf *service.ParsedConfig) (PrometheusOptions, error) {
	var o PrometheusOptions
	var err error
	if o.ProcessMetrics, err = conf.FieldBool(fieldProcessMetrics); err != nil {
		return o, err
	}
	if o.GoMetrics, err = conf.FieldBool(fieldGoMetrics); err != nil {
		return o, err
	}
	if o.ComponentLabels, err = conf.FieldBool(fieldComponentLabels); err != nil {
		return o, err
	}
	if o.HistogramBuckets, err = conf.FieldFloatList(fieldHistogramBuckets); err != nil {
		return o, err
	}
	if o.FileOutputPath, err = conf.FieldString(fieldFileOutputPath); err != nil {
		return o, err
	}
	if !conf.Contains(fieldPushURL) {
		return o, nil
	}
	if o.Push.URL, err = conf.FieldString(fieldPushURL); err != nil {
		return o, err
	}
	if o.Push.Job, err = conf.FieldString(fieldPushJobName); err != nil {
		return o, err
	}
	if conf.Contains(fieldPushInterval) {
		if o.Push.Interval, err = conf.FieldDuration(fieldPushInterval); err != nil {
			return o, err
		}
	}
	if conf.Contains(fieldPushBasicAuth) {
		if o.Push.Username, err = conf.FieldString(fieldPushBasicAuth, "username"); err != nil {
			return o, err
		}
		if o.Push.Password, err = conf.FieldString(fieldPushBasicAuth, "password"); err != nil {
			return o, err
		}
	}
	return o, nil
}
