package config

// maxLineBytes is the longest stdin line (or pretty-printed JSON value,
// joined by the sigma_stdin input) read as one event.
const maxLineBytes = 16 << 20

// inputSection is the stream input for --input. There is no stream buffer:
// for stdin the sigma_stdin input hands the pipeline the lines it has
// already read (never waiting for more), up to handOver, and back-pressure
// reaches the pipe directly, so the queue between source and engine is the
// lines being handed over plus those being evaluated (at most
// 2 × --buffer-size events). A framework memory buffer of --buffer-size
// events cost about 30 MB of peak RSS and CPU on every event and bought
// nothing for a pipe. The HTTP input (POST /api/v1/events and OTLP) bounds
// its own queue by --buffer-size and hands over what is queued, up to
// handOver. NATS fetches --batch-size messages at a time, since a fetch
// waits for its messages and acknowledges them together. The sigma
// processor evaluates every hand-over in steps of --batch-size (its
// batch_size).
func inputSection(o *Options) omap {
	if IsNATS(o.Input) {
		return natsInput(o) // nats_stream.go
	}
	if o.Input == "http" {
		// Lines POSTed to /api/v1/events, queue bounded by --buffer-size. The
		// daemon serves the endpoint on its API listener; under `run` the
		// input serves it on address.
		return omap{{"sigma_http_events", omap{
			{"batch_size", handOver(o)},
			{"address", o.APIAddr},
			{"buffer_size", o.BufferSize},
		}}}
	}
	return omap{{"sigma_stdin", omap{
		{"max_buffer_size", maxLineBytes},
		{"max_batch", handOver(o)},
	}}}
}

// minHandOver is the most events stdin and the HTTP input hand to the
// pipeline at once when --batch-size is smaller. The stream framework
// spends ~28 µs of CPU on each hand-over (a transaction through every stage
// of the stream), more than evaluating an event against the whole SigmaHQ
// corpus, so what is already read or queued goes over in one transaction
// and the processor still evaluates it --batch-size events per step: the
// same steps, results and order as one hand-over per event, at a third of
// the CPU.
const minHandOver = 128

// handOver is the most events handed over at once: minHandOver or
// --batch-size if larger, at most --buffer-size.
func handOver(o *Options) int {
	return min(max(batchSize(o), minHandOver), max(o.BufferSize, 1))
}

// batchSize is --batch-size as applied: at least 1, at most --buffer-size
// (spec/daemon.md §3.10).
func batchSize(o *Options) int {
	return min(max(o.BatchSize, 1), max(o.BufferSize, 1))
}
