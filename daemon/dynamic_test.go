package daemon

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/rsigma-connect/rsigma-connect/config"
	"github.com/rsigma-connect/rsigma-connect/internal/natstest"
	"github.com/rsigma-connect/rsigma-connect/source"
	"github.com/rsigma-connect/rsigma-connect/source/fetch/natsfetch"
)

// TestNATSDialerUsesDaemonAuth: nats dynamic sources connect with the same
// --nats-* credentials as the input and sinks.
func TestNATSDialerUsesDaemonAuth(t *testing.T) {
	natsDialer := func(o *config.Options) natsfetch.Dialer {
		return sourceTransports(o)[source.TypeNATS].(natsfetch.Transport).Dial
	}
	s := natstest.Start(t, func(o *server.Options) { o.Authorization = "s3cret" })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	withToken := config.Defaults()
	withToken.NATSToken = "s3cret"
	nc, err := natsDialer(withToken)(ctx, s.ClientURL())
	if err != nil {
		t.Fatalf("dial with --nats-token: %v", err)
	}
	nc.Close()

	if nc, err := natsDialer(config.Defaults())(ctx, s.ClientURL()); err == nil {
		nc.Close()
		t.Fatal("dial without credentials succeeded against a server that requires a token")
	}
}
