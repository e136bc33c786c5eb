package daemon

import (
	"context"
	"errors"
	"time"
)

// drainQueued is the graceful stop of `--input http` (daemon.md §11): the
// API server stops accepting and finishes its in-flight requests (which
// may wait for queue space while the engine keeps consuming), then the input
// queue is closed so that the stream evaluates every line already accepted
// and ends by itself. It reports true when the stream ended within timeout
// (its Run result is then consumed from runErr); false means the caller
// must stop the stream (other inputs, or the timeout passed).
func (d *daemon) drainQueued(runErr <-chan error, timeout time.Duration) bool {
	if d.opts.Input != "http" {
		return false
	}
	deadline := time.Now().Add(timeout)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	if err := d.api.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		d.log.Warn("API server shutdown", "error", err.Error())
	}
	d.ops.ingest.Close()
	select {
	case err := <-runErr:
		if err != nil {
			d.log.Warn("stream ended with an error while draining", "error", err.Error())
		}
		return true
	case <-ctx.Done():
		return false
	}
}
