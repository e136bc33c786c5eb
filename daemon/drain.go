package daemon

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// After SIGTERM/SIGINT the daemon exits within --drain-timeout + 1 s,
// whatever its input is doing (daemon.md §11): the drain gets the
// --drain-timeout; a stream that has not ended by then gets stopGrace to
// stop and abandonGrace to return; then the state is saved and the API
// listener gets apiGrace to finish its requests before it is closed.
const (
	stopGrace    = 300 * time.Millisecond
	abandonGrace = 200 * time.Millisecond
	apiGrace     = 100 * time.Millisecond
)

// drain is the graceful stop of daemon.md §11, bounded by deadline: the
// input ends (endInput) and the stream evaluates what it holds and ends by
// itself. A stream that has not ended by deadline is stopped; one that does
// not return even then (an input blocked beyond reach) is left behind, so
// that the caller can save the state and exit in time.
func (d *daemon) drain(strm *service.Stream, runErr <-chan error, deadline time.Time) {
	if d.endInput(runErr, deadline) {
		return
	}
	d.log.Warn("drain timeout exceeded, some events may be lost")
	if err := strm.StopWithin(stopGrace); err != nil {
		d.log.Warn("stopping the stream", "error", err.Error())
	}
	select {
	case <-runErr:
	case <-time.After(abandonGrace):
		d.log.Warn("the stream did not stop in time; exiting without it")
	}
}

// endInput ends the stream's input the way the end of stdin does and
// reports whether the stream then ended by deadline (its Run result is
// consumed from runErr). With --input http the API server stops accepting
// and finishes its in-flight requests (which may wait for queue space while
// the engine keeps consuming), then the input queue closes; with any other
// input the primary source stops being read and the OTLP queue closes.
func (d *daemon) endInput(runErr <-chan error, deadline time.Time) bool {
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	if d.opts.Input == "http" {
		if err := d.api.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			d.log.Warn("API server shutdown", "error", err.Error())
		}
		d.ops.ingest.Close()
	} else if m := d.merged.Load(); m != nil {
		m.EndPrimary()
	}
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

// closeAPI stops the API listener: in-flight requests get until deadline,
// then every connection is closed.
func (d *daemon) closeAPI(deadline time.Time) {
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	err := d.api.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = d.api.HTTP().Close()
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		d.log.Warn("API server shutdown", "error", err.Error())
	}
}
