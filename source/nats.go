package source

import (
	"context"
	"fmt"
	"time"

	natsgo "github.com/nats-io/nats.go"
)

// NATSDialer opens a connection to a nats source's server.
type NATSDialer func(ctx context.Context, url string) (*natsgo.Conn, error)

func plainNATS(ctx context.Context, url string) (*natsgo.Conn, error) {
	timeout := 10 * time.Second
	if dl, ok := ctx.Deadline(); ok {
		timeout = time.Until(dl)
	}
	return natsgo.Connect(url, natsgo.Timeout(timeout), natsgo.Name("rsigma dynamic source"))
}

// nextNATSMessage waits (up to the source timeout) for the next message on
// the source subject: core NATS keeps no history, so a resolution is the
// next publication.
func (s *Source) nextNATSMessage(ctx context.Context, dial NATSDialer) ([]byte, error) {
	nc, err := dial(ctx, s.URL)
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
		return nil, &ResolveError{ID: s.ID, Kind: KindResourceLimit, Err: fmt.Errorf("message exceeds %d bytes", s.MaxBytes)}
	}
	return msg.Data, nil
}

// push keeps a subscription for a `refresh: push` nats source: every
// message becomes the source's new value. It returns when ctx ends.
func (r *Resolver) push(ctx context.Context, s *Source) {
	nc, err := r.opts.NATS(ctx, s.URL)
	if err != nil {
		r.opts.Logger.Warn("nats source: cannot connect, pushes disabled", "source_id", s.ID, "error", err.Error())
		return
	}
	defer nc.Close()
	sub, err := nc.Subscribe(s.Subject, func(m *natsgo.Msg) {
		data := m.Data
		_ = r.resolveWith(ctx, s, func() ([]byte, error) {
			if int64(len(data)) > s.MaxBytes {
				return nil, &ResolveError{ID: s.ID, Kind: KindResourceLimit, Err: fmt.Errorf("message exceeds %d bytes", s.MaxBytes)}
			}
			return data, nil
		})
	})
	if err != nil {
		r.opts.Logger.Warn("nats source: cannot subscribe, pushes disabled", "source_id", s.ID, "error", err.Error())
		return
	}
	defer func() { _ = sub.Unsubscribe() }()
	<-ctx.Done()
}
