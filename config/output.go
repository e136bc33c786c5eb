package config

// dlqLabel is the output resource every dead-lettered message goes to.
const dlqLabel = "dlq"

// Per-sink retry before a result is dead-lettered (spec/daemon.md §5).
const (
	sinkRetries      = 3
	sinkBackoffStart = "100ms"
	sinkBackoffMax   = "5s"
)

// outputSection routes results to every --output (fan-out), each sink
// falling back to the DLQ after its retries, and events the processor marked
// undecodable to the DLQ (or drops them, counted, when there is no --dlq).
// The shape is the one verified in design/benthos-notes.md §6: a fallback
// inside each fan-out branch, because fan_out retries a failing child
// forever.
func outputSection(o *Options) omap {
	errored := omap{{"drop", omap{}}}
	if o.DLQ != "" {
		errored = omap{{"resource", dlqLabel}}
	}
	var results omap
	if len(o.Outputs) == 1 {
		results = sinkWithFallback(o, o.Outputs[0])
	} else {
		var outs []any
		for _, u := range o.Outputs {
			outs = append(outs, sinkWithFallback(o, u))
		}
		results = omap{{"broker", omap{{"pattern", "fan_out"}, {"outputs", outs}}}}
	}
	return omap{{"switch", omap{{"cases", []any{
		omap{{"check", "errored()"}, {"output", errored}},
		omap{{"output", results}},
	}}}}}
}

// sinkWithFallback is one sink with bounded retries, then the DLQ.
func sinkWithFallback(o *Options, u string) omap {
	retried := omap{{"retry", omap{
		{"max_retries", sinkRetries},
		{"backoff", omap{{"initial_interval", sinkBackoffStart}, {"max_interval", sinkBackoffMax}}},
		{"output", sink(o, u, o.Pretty)},
	}}}
	return omap{{"fallback", []any{retried, omap{{"resource", dlqLabel}}}}}
}

// sink is the framework output for one sink URL. Only stdout is ever
// pretty-printed.
func sink(o *Options, u string, pretty bool) omap {
	if u == "stdout" {
		out := omap{{"sigma_stdout", omap{}}} // one write per batch (sink/stdout.go)
		if pretty {
			out = append(out, kv{"processors", []any{omap{{"sigma_pretty", omap{}}}}})
		}
		return out
	}
	if IsNATS(u) {
		return natsOutput(o, u) // nats_stream.go
	}
	return omap{{"sigma_file", omap{{"path", FilePath(u)}}}} // reopens a rotated file; fails (→ DLQ) when it cannot
}

// dlqResource is the dead-letter output. Without --dlq it still exists, as a
// drop, so that sink delivery failures are counted in
// rsigma_dlq_events_total and logged (metrics.md §5).
func dlqResource(o *Options) omap {
	var target omap
	if o.DLQ == "" {
		target = omap{{"drop", omap{}}}
	} else {
		target = sink(o, o.DLQ, false)
	}
	return append(omap{{"label", dlqLabel}}, append(target, kv{"processors", []any{omap{{"sigma_dlq_entry", omap{}}}}})...)
}
