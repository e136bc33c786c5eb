package config

// maxLineBytes is the longest stdin line (or pretty-printed JSON value,
// joined by the sigma_lines scanner) read as one event.
const maxLineBytes = 16 << 20

// inputSection is the stream input for --input. There is no stream buffer:
// for stdin the sigma_lines scanner hands the pipeline the lines it has
// already read, up to --batch-size, and back-pressure reaches the pipe
// directly, so the queue between source and engine is the batch being read
// plus the one being evaluated (at most 2 × --batch-size ≤ 2 × --buffer-size
// events). A framework memory buffer of --buffer-size events cost about
// 30 MB of peak RSS and CPU on every event and bought nothing for a pipe.
// The HTTP and NATS inputs bound their own queues by --buffer-size.
func inputSection(o *Options) omap {
	if IsNATS(o.Input) {
		return natsInput(o) // nats_stream.go
	}
	if o.Input == "http" {
		// Lines POSTed to /api/v1/events (daemon-only input, queue bounded by --buffer-size).
		return omap{{"sigma_http_events", omap{{"batch_size", batchSize(o)}}}}
	}
	return omap{{"stdin", omap{
		{"scanner", omap{{"sigma_lines", omap{
			{"max_buffer_size", maxLineBytes},
			{"max_batch", batchSize(o)},
		}}}},
	}}}
}

// batchSize is --batch-size as applied: at least 1, at most --buffer-size
// (spec/daemon.md §3.10).
func batchSize(o *Options) int {
	return min(max(o.BatchSize, 1), max(o.BufferSize, 1))
}
