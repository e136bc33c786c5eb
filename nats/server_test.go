package nats

import (
	"context"
	"crypto/tls"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/internal/certtest"
	"github.com/rsigma-connect/rsigma-connect/internal/natstest"
)

// testJS opens a plain client connection for publishing and inspecting.
func testJS(t testing.TB, s *server.Server, opts ...natsgo.Option) (*natsgo.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := natsgo.Connect(natstest.URL(s), opts...)
	if err != nil {
		t.Fatalf("client connect: %v", err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return nc, js
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// testPKI is a CA and a server certificate for 127.0.0.1 signed by it, as
// PEM files in a temporary directory.
type testPKI struct {
	CAFile, CertFile, KeyFile string
	ClientCert, ClientKey     string // a client certificate signed by the same CA
	ServerTLS                 *tls.Config
}

func newTestPKI(t testing.TB) testPKI {
	t.Helper()
	dir := t.TempDir()
	ca := certtest.NewCA(t, "rsigma test CA")
	srv := ca.Issue(t, certtest.Leaf{CommonName: "127.0.0.1"})
	cli := ca.Issue(t, certtest.Leaf{CommonName: "rsigma-daemon", Client: true})
	return testPKI{
		CAFile:     certtest.WriteFile(t, dir, "ca.pem", ca.PEM),
		CertFile:   certtest.WriteFile(t, dir, "server.pem", srv.CertPEM),
		KeyFile:    certtest.WriteFile(t, dir, "server-key.pem", srv.KeyPEM(t, "sec1")),
		ClientCert: certtest.WriteFile(t, dir, "client.pem", cli.CertPEM),
		ClientKey:  certtest.WriteFile(t, dir, "client-key.pem", cli.KeyPEM(t, "sec1")),
		ServerTLS:  &tls.Config{Certificates: []tls.Certificate{srv.KeyPair(t)}, ClientCAs: ca.Pool(), MinVersion: tls.VersionTLS12},
	}
}

func serviceResources() *service.Resources { return service.MockResources() }
