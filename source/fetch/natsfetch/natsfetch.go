// Package natsfetch is the transport of `nats` dynamic sources
// (pipelines.md §8): a resolution is the next message published on the
// source subject, and refresh: push keeps a subscription. It is apart from
// package source so that only programs that want it link the NATS client.
package natsfetch

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	natsgo "github.com/nats-io/nats.go"

	"github.com/rsigma-connect/rsigma-connect/source"
)

// Dialer opens a connection to a nats source's server.
type Dialer func(ctx context.Context, url string) (*natsgo.Conn, error)

// Transport implements source.Pusher for `nats` sources.
type Transport struct {
	// Dial connects to a source's server; nil: a plain connection to the
	// source URL (the daemon passes one applying its NATS auth and TLS
	// flags).
	Dial Dialer
}

func (t Transport) dial(ctx context.Context, url string) (*natsgo.Conn, error) {
	if t.Dial != nil {
		return t.Dial(ctx, url)
	}
	return plainNATS(ctx, url)
}

func plainNATS(ctx context.Context, url string) (*natsgo.Conn, error) {
	timeout := 10 * time.Second
	if dl, ok := ctx.Deadline(); ok {
		timeout = time.Until(dl)
	}
	return natsgo.Connect(url, natsgo.Timeout(timeout), natsgo.Name("rsigma dynamic source"))
}

// Fetch waits (up to the source timeout) for the next message on the
// source subject: core NATS keeps no history, so a resolution is the next
// publication.
func (t Transport) Fetch(ctx context.Context, s *source.Source) ([]byte, error) {
	nc, err := t.dial(ctx, s.URL)
	if err != nil {
		return nil, err
	}
	defer nc.Close()
	sub, err := nc.SubscribeSync(s.Subject)
	if err != nil {
		return nil, err
	}
	msg, err := sub.NextMsgWithContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("no message on %s: %w", s.Subject, err)
	}
	if int64(len(msg.Data)) > s.MaxBytes {
		return nil, &source.ResolveError{ID: s.ID, Kind: source.KindResourceLimit, Err: fmt.Errorf("message exceeds %d bytes", s.MaxBytes)}
	}
	return msg.Data, nil
}

// Push keeps a subscription for a `refresh: push` nats source: every
// message is delivered as the source's new value. It returns when ctx ends.
func (t Transport) Push(ctx context.Context, s *source.Source, deliver func([]byte), log *slog.Logger) {
	nc, err := t.dial(ctx, s.URL)
	if err != nil {
		log.Warn("nats source: cannot connect, pushes disabled", "source_id", s.ID, "error", err.Error())
		return
	}
	defer nc.Close()
	sub, err := nc.Subscribe(s.Subject, func(m *natsgo.Msg) { deliver(m.Data) })
	if err != nil {
		log.Warn("nats source: cannot subscribe, pushes disabled", "source_id", s.ID, "error", err.Error())
		return
	}
	defer func() { _ = sub.Unsubscribe() }()
	<-ctx.Done()
}
