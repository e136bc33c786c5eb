// Package natstest runs an embedded NATS server with JetStream for tests,
// on 127.0.0.1 and a random port, with its store in the test's temporary
// directory.
package natstest

import (
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Start runs a server and shuts it down when t ends; tweak (may be nil)
// adjusts its options (auth, TLS, accounts) before it starts.
func Start(t testing.TB, tweak func(*server.Options)) *server.Server {
	t.Helper()
	opts := &server.Options{
		Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(),
		NoLog: true, NoSigs: true,
	}
	if tweak != nil {
		tweak(opts)
	}
	s, err := server.NewServer(opts)
	if err != nil {
		t.Fatalf("new nats server: %v", err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats server not ready within 10s")
	}
	t.Cleanup(s.Shutdown)
	return s
}

// URL is the nats:// URL of s.
func URL(s *server.Server) string { return "nats://" + s.Addr().String() }
