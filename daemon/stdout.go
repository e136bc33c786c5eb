package daemon

import (
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/rsigma-connect/rsigma-connect/config"
	"github.com/rsigma-connect/rsigma-connect/sink"
)

// catchSIGPIPE makes a write to a closed stdout fail with EPIPE instead of
// killing the process with SIGPIPE (exit 141, nothing logged, no state
// saved): the Go runtime raises SIGPIPE for fds 1 and 2 only while nobody
// is notified of it. The returned func restores that.
func catchSIGPIPE() (restore func()) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGPIPE)
	return func() { signal.Stop(c) }
}

// registerStdout registers the stdout sink on the daemon's environment so
// that a closed stdout closes d.stdoutClosed. The sink logs it once and
// sends its results to the DLQ from then on.
func (d *daemon) registerStdout() error {
	var once sync.Once
	err := sink.RegisterStdout(d.env, func() { once.Do(func() { close(d.stdoutClosed) }) })
	if err != nil {
		return config.Configf("registering the stdout sink: %v", err)
	}
	return nil
}

// onlySinkClosed is closed once stdout is closed when it is the only
// --output: the daemon then has nowhere to deliver results and drains and
// stops as on SIGTERM. With other sinks it is nil (never ready).
func (d *daemon) onlySinkClosed() <-chan struct{} {
	if len(d.opts.Outputs) == 1 && d.opts.Outputs[0] == "stdout" {
		return d.stdoutClosed
	}
	return nil
}
