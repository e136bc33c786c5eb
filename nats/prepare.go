package nats

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// PrepareInput connects for cfg and gets or creates its stream and durable
// consumer. On error nothing stays open. The input plugin calls it on every
// (re)connect; the daemon calls it once before starting the stream so that
// failures exit with code 3 (see CheckInput).
func PrepareInput(ctx context.Context, cfg InputConfig, log Logger, onClosed func()) (*Conn, jetstream.Consumer, error) {
	return prepareInput(ctx, cfg, log, onClosed, 0)
}

// rebindWait is how long an input whose durable was deleted under it waits
// for the durable to reappear before creating it itself: the member of the
// group that repositioned it recreates it at once, with its start position.
const rebindWait = 5 * time.Second

// prepareInput is PrepareInput; with awaitDurable > 0 it first waits up to
// that long for the durable to exist.
func prepareInput(ctx context.Context, cfg InputConfig, log Logger, onClosed func(), awaitDurable time.Duration) (*Conn, jetstream.Consumer, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	conn, err := Connect(ctx, cfg.Server, cfg.Auth, log, onClosed)
	if err != nil {
		return nil, nil, err
	}
	st, err := EnsureStream(ctx, conn.JS, cfg.Stream, cfg.Subject)
	if err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("NATS input %s: %w", cfg.Subject, err)
	}
	if awaitDurable > 0 {
		awaitConsumer(ctx, st, cfg.Durable, awaitDurable)
	}
	cons, err := EnsureConsumer(ctx, st, cfg.Durable, cfg.Subject, cfg.Replay, log)
	if err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("NATS input %s: %w", cfg.Subject, err)
	}
	return conn, cons, nil
}

// awaitConsumer polls until the durable exists or wait has passed.
func awaitConsumer(ctx context.Context, st jetstream.Stream, durable string, wait time.Duration) {
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		if _, err := st.Consumer(ctx, durable); err == nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// CheckInput verifies at startup that the input can run: the server is
// reachable, accepts the credentials, has JetStream, and the stream and
// durable exist or could be created (repositioned when replay asks for it).
// The connection is closed again.
func CheckInput(ctx context.Context, cfg InputConfig, log Logger) error {
	conn, _, err := PrepareInput(ctx, cfg, log, nil)
	if err != nil {
		return err
	}
	conn.Close()
	return nil
}

// PrepareOutput connects for cfg and, unless cfg.NoStream, gets or creates
// the stream that captures its subject.
func PrepareOutput(ctx context.Context, cfg OutputConfig, log Logger) (*Conn, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	conn, err := Connect(ctx, cfg.Server, cfg.Auth, log, nil)
	if err != nil {
		return nil, err
	}
	if !cfg.NoStream {
		if _, err := EnsureStream(ctx, conn.JS, cfg.Stream, cfg.Subject); err != nil {
			conn.Close()
			return nil, fmt.Errorf("NATS output %s: %w", cfg.Subject, err)
		}
	}
	return conn, nil
}

// CheckOutput verifies at startup that results can be published to cfg.
func CheckOutput(ctx context.Context, cfg OutputConfig, log Logger) error {
	conn, err := PrepareOutput(ctx, cfg, log)
	if err != nil {
		return err
	}
	conn.Close()
	return nil
}
