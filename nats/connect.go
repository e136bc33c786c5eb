package nats

import (
	"context"
	"fmt"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/rsigma-connect/rsigma-connect/internal/redact"
)

// Logger is the subset of *service.Logger the connection reports to.
type Logger interface {
	Infof(format string, args ...any)
	Warnf(format string, args ...any)
}

type discardLogger struct{}

func (discardLogger) Infof(string, ...any) {}
func (discardLogger) Warnf(string, ...any) {}

// connectTimeout bounds the initial dial and handshake.
const connectTimeout = 5 * time.Second

// Conn is one client connection with its JetStream context.
type Conn struct {
	NC *natsgo.Conn
	JS jetstream.JetStream
}

// Close drains nothing: pending acks and publishes are the caller's to await.
func (c *Conn) Close() {
	if c != nil && c.NC != nil {
		c.NC.Close()
	}
}

// dial opens a core connection that reconnects forever once established.
func dial(server string, auth Auth, log Logger, onClosed func()) (*natsgo.Conn, error) {
	opts, err := auth.Options()
	if err != nil {
		return nil, err
	}
	opts = append(opts,
		natsgo.Name("rsigma-connect"),
		natsgo.Timeout(connectTimeout),
		natsgo.MaxReconnects(-1),
		natsgo.DisconnectErrHandler(func(_ *natsgo.Conn, err error) {
			if err != nil {
				log.Infof("NATS disconnected from %s: %v", redact.URL(server), err)
			}
		}),
		natsgo.ReconnectHandler(func(nc *natsgo.Conn) {
			log.Infof("NATS reconnected to %s", redact.URL(nc.ConnectedUrl()))
		}),
		natsgo.ErrorHandler(func(_ *natsgo.Conn, sub *natsgo.Subscription, err error) {
			if sub != nil {
				log.Warnf("NATS %s, subscription %s: %v", redact.URL(server), sub.Subject, err)
				return
			}
			log.Warnf("NATS %s: %v", redact.URL(server), err)
		}),
		natsgo.ClosedHandler(func(*natsgo.Conn) {
			if onClosed != nil {
				onClosed()
			}
		}),
	)
	nc, err := natsgo.Connect(server, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect to NATS %s: %w", redact.URL(server), err)
	}
	return nc, nil
}

// Connect dials server with auth and checks that JetStream is enabled for
// the account. It never retries the initial dial: an unreachable server,
// refused credentials, a TLS mismatch or a core-only server are returned as
// errors. After a successful dial the client reconnects forever, logging
// each disconnect and reconnect at info. onClosed, when not nil, runs once
// the connection is closed for good.
func Connect(ctx context.Context, server string, auth Auth, log Logger, onClosed func()) (*Conn, error) {
	if log == nil {
		log = discardLogger{}
	}
	nc, err := dial(server, auth, log, onClosed)
	if err != nil {
		return nil, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("NATS %s: JetStream: %w", redact.URL(server), err)
	}
	if _, err := js.AccountInfo(ctx); err != nil {
		nc.Close()
		return nil, fmt.Errorf("NATS %s: JetStream is not available: %w", redact.URL(server), err)
	}
	log.Infof("NATS connected to %s", redact.URL(server))
	return &Conn{NC: nc, JS: js}, nil
}

// connectCore dials server without requiring JetStream (core pub/sub only).
func connectCore(server string, auth Auth, log Logger) (*Conn, error) {
	nc, err := dial(server, auth, log, nil)
	if err != nil {
		return nil, err
	}
	log.Infof("NATS connected to %s", redact.URL(server))
	return &Conn{NC: nc}, nil
}

// Dial opens a one-shot core connection to url (nats://host:port) with the
// process's auth and TLS settings: no reconnects, dial bounded by ctx's
// deadline (else connectTimeout). It fits natsfetch.Dialer:
//
//	natsfetch.Transport{Dial: func(ctx context.Context, url string) (*natsgo.Conn, error) { return nats.Dial(ctx, url, auth) }}
func Dial(ctx context.Context, url string, auth Auth) (*natsgo.Conn, error) {
	opts, err := auth.Options()
	if err != nil {
		return nil, err
	}
	timeout := connectTimeout
	if dl, ok := ctx.Deadline(); ok {
		timeout = time.Until(dl)
	}
	opts = append(opts, natsgo.Name("rsigma-connect"), natsgo.Timeout(timeout), natsgo.NoReconnect())
	nc, err := natsgo.Connect(url, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect to NATS %s: %w", redact.URL(url), err)
	}
	return nc, nil
}
