package config

import "time"

// dlqLabel is the output resource every dead-lettered message goes to.
const dlqLabel = "dlq"

// outputSection routes results to every --output (fan-out), each sink
// falling back to the DLQ after its retries, and events the processor marked
// undecodable to the DLQ (or drops them, counted as parse errors, when there
// is no --dlq). It is the shape of design/benthos-notes.md §6 in its compact
// form: `reject_errored` nacks the marked messages into the fallback's
// second tier, and passes a batch without marked messages through untouched
// (a `switch` evaluated a Bloblang check and built a sort group for every
// message). With several sinks each fan-out branch has its own fallback,
// because fan_out retries a failing child forever.
func outputSection(o *Options) omap {
	var results omap
	if len(o.Outputs) == 1 {
		results = delivered(o, 0)
	} else {
		var outs []any
		for i := range o.Outputs {
			outs = append(outs, sinkWithFallback(o, i))
		}
		results = omap{{"broker", omap{{"pattern", "fan_out"}, {"outputs", outs}}}}
	}
	return omap{{"fallback", []any{omap{{"reject_errored", results}}, failedTier(o)}}}
}

// failedTier receives what the sinks did not take: marked (undecodable)
// events and results a sink failed to deliver. Both go to the DLQ; without
// --dlq the DLQ resource is a counting drop for delivery failures, and marked
// events are dropped without being counted as DLQ entries.
func failedTier(o *Options) omap {
	dlq := omap{{"resource", dlqLabel}}
	if o.DLQ != "" {
		return dlq
	}
	return omap{{"switch", omap{{"cases", []any{
		omap{{"check", "errored()"}, {"output", omap{{"drop", omap{}}}}},
		omap{{"output", dlq}},
	}}}}}
}

// sinkWithFallback is --output i with its delivery, then the DLQ.
func sinkWithFallback(o *Options, i int) omap {
	return omap{{"fallback", []any{delivered(o, i), omap{{"resource", dlqLabel}}}}}
}

// delivered is --output i behind sigma_sink: bounded retries with
// exponential backoff (--sink-retry-max, --sink-backoff-*-ms), its
// ?on_full= policy and the per-sink metrics (spec/daemon.md §5).
func delivered(o *Options, i int) omap {
	u, opts := o.Outputs[i], outputOptions(o, i)
	onFull := opts.OnFull
	if onFull == "" {
		onFull = "block"
	}
	return omap{{"sigma_sink", omap{
		{"sink", sinkKind(u)},
		{"on_full", onFull},
		{"queue_size", o.BufferSize},
		{"max_retries", o.SinkRetryMax},
		{"backoff_base", millis(o.SinkBackoffBaseMS)},
		{"backoff_max", millis(o.SinkBackoffMaxMS)},
		{"dead_letter", dlqLabel},
		{"drain_timeout", o.DrainTimeout.String()},
		{"output", sink(o, u, opts, o.Pretty)},
	}}}
}

// outputOptions are the options of --output i (none before Validate).
func outputOptions(o *Options, i int) SinkOptions {
	if i < len(o.SinkOptions) {
		return o.SinkOptions[i]
	}
	return SinkOptions{}
}

func millis(ms int) string { return (time.Duration(ms) * time.Millisecond).String() }

// sinkKind is a sink's label in the rsigma_sink_* metrics.
func sinkKind(u string) string {
	switch {
	case u == "stdout":
		return "stdout"
	case IsNATS(u):
		return "nats"
	}
	if _, _, otlp := OTLPScheme(u); otlp {
		return "otlp"
	}
	return "file"
}

// sink is the framework output for one sink URL and its options. Only
// stdout is ever pretty-printed; ?format=ocsf turns each result into a
// finding first.
func sink(o *Options, u string, opts SinkOptions, pretty bool) omap {
	var procs []any
	if opts.Format == "ocsf" {
		procs = append(procs, omap{{"sigma_ocsf", omap{}}})
	}
	var out omap
	switch {
	case u == "stdout":
		// One write per batch; once stdout is closed its results go to the
		// DLQ, logged once (sink/stdout.go).
		out = omap{{"sigma_stdout", omap{{"closed_resource", dlqLabel}}}}
		if pretty {
			procs = append(procs, omap{{"sigma_pretty", omap{}}})
		}
	case IsNATS(u):
		out = natsOutput(o, u) // nats_stream.go
	default:
		if _, _, otlp := OTLPScheme(u); otlp {
			out = otlpOutput(u, opts)
		} else {
			out = omap{{"sigma_file", omap{{"path", FilePath(u)}}}} // reopens a rotated file; fails (→ DLQ) when it cannot
		}
	}
	if len(procs) > 0 {
		out = append(out, kv{"processors", procs})
	}
	return out
}

// otlpOutput is the sigma_otlp output of an OTLP sink URL.
func otlpOutput(u string, opts SinkOptions) omap {
	protocol, tls, _ := OTLPScheme(u)
	endpoint, path := OTLPEndpoint(u)
	m := omap{{"endpoint", endpoint}, {"protocol", protocol}}
	if tls {
		m = append(m, kv{"tls", true})
	}
	for _, f := range []kv{{"ca_file", opts.CA}, {"cert_file", opts.ClientCert}, {"key_file", opts.ClientKey},
		{"server_name", opts.TLSDomain}, {"compression", opts.Compression}, {"url_path", path}} {
		if f.Value != "" {
			m = append(m, f)
		}
	}
	return omap{{"sigma_otlp", m}}
}

// dlqResource is the dead-letter output. Without --dlq it still exists, as a
// drop, so that sink delivery failures are counted in
// rsigma_dlq_events_total and logged (metrics.md §5).
func dlqResource(o *Options) omap {
	var target omap
	if o.DLQ == "" {
		target = omap{{"drop", omap{}}}
	} else {
		target = sink(o, o.DLQ, o.DLQOptions, false)
	}
	return append(omap{{"label", dlqLabel}}, append(target, kv{"processors", []any{omap{{"sigma_dlq_entry", omap{}}}}})...)
}
