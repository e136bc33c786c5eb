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
		results = retried(o, o.Outputs[0])
	} else {
		var outs []any
		for _, u := range o.Outputs {
			outs = append(outs, sinkWithFallback(o, u))
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

// sinkWithFallback is one sink with bounded retries, then the DLQ.
func sinkWithFallback(o *Options, u string) omap {
	return omap{{"fallback", []any{retried(o, u), omap{{"resource", dlqLabel}}}}}
}

// retried is one sink with bounded retries (spec/daemon.md §5).
func retried(o *Options, u string) omap {
	return omap{{"retry", omap{
		{"max_retries", sinkRetries},
		{"backoff", omap{{"initial_interval", sinkBackoffStart}, {"max_interval", sinkBackoffMax}}},
		{"output", sink(o, u, o.Pretty)},
	}}}
}

// sink is the framework output for one sink URL. Only stdout is ever
// pretty-printed.
func sink(o *Options, u string, pretty bool) omap {
	if u == "stdout" {
		// One write per batch; once stdout is closed its results go to the
		// DLQ, logged once (sink/stdout.go).
		out := omap{{"sigma_stdout", omap{{"closed_resource", dlqLabel}}}}
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
