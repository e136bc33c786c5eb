package config

// maxLineBytes is the longest stdin line (or pretty-printed JSON value,
// joined by the sigma_lines scanner) read as one event.
const maxLineBytes = 16 << 20

// inputSection is the stream input for --input.
func inputSection(o *Options) omap {
	if IsNATS(o.Input) {
		return natsInput(o) // nats_stream.go
	}
	if o.Input == "http" {
		// Lines POSTed to /api/v1/events (daemon-only input, queue bounded by --buffer-size).
		return omap{{"sigma_http_events", omap{{"batch_size", o.BatchSize}}}}
	}
	return omap{{"stdin", omap{
		{"scanner", omap{{"sigma_lines", omap{{"max_buffer_size", maxLineBytes}}}}},
	}}}
}

// bufferSection bounds the queue between the source and the engine for
// stdin (--buffer-size events, budgeted at 1 KiB each) and batches what is
// queued, up to --batch-size, without waiting to fill.
func bufferSection(o *Options) any {
	if o.Input != "stdin" {
		return nil
	}
	mem := omap{{"limit", o.BufferSize * 1024}}
	if o.BatchSize > 1 {
		mem = append(mem, kv{"batch_policy", append(omap{{"enabled", true}}, batchPolicy(o)...)})
	}
	return omap{{"memory", mem}}
}
