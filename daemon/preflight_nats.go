package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/rsigma-connect/rsigma-connect/config"
	"github.com/rsigma-connect/rsigma-connect/internal/redact"
	"github.com/rsigma-connect/rsigma-connect/nats"
)

// natsCheckTimeout bounds the whole NATS startup check.
const natsCheckTimeout = 15 * time.Second

// preflightNATS connects to every nats:// URL of o the way the stream will, so
// that an unreachable server, refused credentials, a server without
// JetStream or an overlapping stream exit 3 at startup instead of being
// retried forever by the framework (spec/daemon.md §2.2 steps 18–19). It
// also creates the streams and the durable consumer, repositioning the
// durable when a replay flag asks for it (logged at warn on log).
func preflightNATS(ctx context.Context, o *config.Options, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(ctx, natsCheckTimeout)
	defer cancel()
	auth := config.NATSAuth(o)
	var lg nats.Logger
	if log != nil {
		lg = slogPrintf{log}
	}
	if config.IsNATS(o.Input) {
		loc, err := nats.ParseURL(o.Input)
		if err != nil {
			return config.Configf("--input: %v", err)
		}
		replay, err := config.NATSReplay(o)
		if err != nil {
			return err
		}
		cfg := nats.InputConfig{Server: loc.Server, Subject: loc.Subject, ConsumerGroup: o.ConsumerGroup, Replay: replay, Auth: auth}
		if err := nats.CheckInput(ctx, cfg, lg); err != nil {
			return config.Configf("--input %s: %v", redact.URL(o.Input), err)
		}
	}
	for _, s := range config.NATSSinks(o) {
		loc, err := nats.ParseURL(s.URL)
		if err != nil {
			return config.Configf("%s: %v", s.Flag, err)
		}
		if err := nats.CheckOutput(ctx, nats.OutputConfig{Server: loc.Server, Subject: loc.Subject, Auth: auth}, lg); err != nil {
			return config.Configf("%s %s: %v", s.Flag, redact.URL(s.URL), err)
		}
	}
	return nil
}

// slogPrintf adapts a *slog.Logger to the printf-style nats.Logger and
// engine.Logger.
type slogPrintf struct{ l *slog.Logger }

func (s slogPrintf) Debugf(format string, args ...any) { s.l.Debug(fmt.Sprintf(format, args...)) }
func (s slogPrintf) Infof(format string, args ...any)  { s.l.Info(fmt.Sprintf(format, args...)) }
func (s slogPrintf) Warnf(format string, args ...any)  { s.l.Warn(fmt.Sprintf(format, args...)) }
func (s slogPrintf) Errorf(format string, args ...any) { s.l.Error(fmt.Sprintf(format, args...)) }
