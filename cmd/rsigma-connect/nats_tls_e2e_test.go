package main

import (
	"crypto/tls"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	natsgo "github.com/nats-io/nats.go"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
)

// --nats-tls-cert/--nats-tls-key against a server that requires client
// certificates, and --nats-require-tls against a plaintext server. The
// daemon has no CA flag (system roots only, spec/nats-and-tls.md §1.2), so
// the test CA reaches it through SSL_CERT_FILE.
func TestDaemonNATSTLS(t *testing.T) {
	p := newPKI(t)
	srvCert := p.issue("nats-server", false, time.Hour)
	p.issue("daemon", true, time.Hour)
	t.Setenv("SSL_CERT_FILE", p.path("ca.pem"))
	url, js := jetStreamServer(t, func(o *server.Options) {
		o.TLSConfig = &tls.Config{Certificates: []tls.Certificate{srvCert}, ClientCAs: p.pool,
			ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12}
		o.TLS, o.TLSVerify = true, true
	}, natsgo.RootCAs(p.path("ca.pem")), natsgo.ClientCert(p.path("daemon.pem"), p.path("daemon-key.pem")))
	rules := ruleDir(t, simpleRule)

	t.Run("client_certificate_round_trip", func(t *testing.T) {
		sub := subscribe(t, js, "out")
		d := startNATSDaemon(t, rules, "--input", url+"/in", "--output", url+"/out", "--nats-require-tls",
			"--nats-tls-cert", p.path("daemon.pem"), "--nats-tls-key", p.path("daemon-key.pem"))
		publishLines(t, js, "in", []string{malwareEvent})
		if got := ruleTitle(t, next(t, sub, 5*time.Second)); got != "Test Rule" {
			t.Fatalf("rule_title %q", got)
		}
		stopDaemon(t, d)
	})

	plainURL, _ := jetStreamServer(t, nil)
	cases := []struct{ name, input, want string }{
		{"missing_client_certificate_exits_3", url + "/in", "tls"},
		{"require_tls_against_plaintext_exits_3", plainURL + "/in", "secure connection"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := []string{"engine", "daemon", "-r", rules, "--api-addr", "127.0.0.1:0", "--input", c.input, "--nats-require-tls"}
			_, stderr, code := daemontest.Run(t, "", args...)
			if code != 3 || !strings.Contains(stderr, c.want) {
				t.Fatalf("exit %d, want 3 with %q\n%s", code, c.want, stderr)
			}
		})
	}
}
