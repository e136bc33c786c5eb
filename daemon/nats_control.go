package daemon

import (
	"fmt"

	"github.com/rsigma-connect/rsigma-connect/config"
	"github.com/rsigma-connect/rsigma-connect/nats"
)

// startNATSControl subscribes to rsigma.control.resolve on the NATS server
// chosen by config.NATSControlServer, so that a message there re-resolves
// the dynamic sources (nats-and-tls.md §1.8). Without dynamic sources or
// without any NATS URL it does nothing. A failed subscription is logged, not
// fatal: the sources still refresh on their own triggers. The returned func
// closes the listener.
func (d *daemon) startNATSControl() (stop func()) {
	srcs := d.hub.Sources()
	server, ok := config.NATSControlServer(d.opts)
	if srcs == nil || !ok {
		return func() {}
	}
	l, err := nats.ListenControl(server, config.NATSAuth(d.opts), logPrintf{d}, srcs.Trigger)
	if err != nil {
		d.log.Warn("NATS control listener not started", "subject", nats.ControlSubject, "error", err.Error())
		return func() {}
	}
	return l.Close
}

// logPrintf adapts the daemon logger to nats.Logger.
type logPrintf struct{ d *daemon }

func (l logPrintf) Infof(format string, args ...any) { l.d.log.Info(fmt.Sprintf(format, args...)) }
func (l logPrintf) Warnf(format string, args ...any) { l.d.log.Warn(fmt.Sprintf(format, args...)) }
