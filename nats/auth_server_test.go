package nats

import (
	"crypto/tls"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"

	"github.com/rsigma-connect/rsigma-connect/internal/natstest"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// The server enforces the credentials and the client presents the
// configured ones.
func TestAuthAgainstServersThatRequireIt(t *testing.T) {
	tokenServer := natstest.Start(t, func(o *server.Options) { o.Authorization = "s3cret" })
	userServer := natstest.Start(t, func(o *server.Options) { o.Username, o.Password = "alice", "pw" })
	tests := []struct {
		name   string
		server *server.Server
		auth   Auth
		ok     bool
	}{
		{"token_accepted", tokenServer, Auth{Token: "s3cret"}, true},
		{"wrong_token_refused", tokenServer, Auth{Token: "nope"}, false},
		{"no_token_refused", tokenServer, Auth{}, false},
		{"user_password_accepted", userServer, Auth{User: "alice", Password: "pw"}, true},
		{"wrong_password_refused", userServer, Auth{User: "alice", Password: "bad"}, false},
		{"anonymous_refused", userServer, Auth{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckInput(testCtx(t), InputConfig{Server: natstest.URL(tc.server), Subject: "in", Auth: tc.auth}, nil)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
			if err != nil && !strings.Contains(strings.ToLower(err.Error()), "authoriz") {
				t.Fatalf("refusal does not say why: %v", err)
			}
		})
	}
}

// An NKey user signs the server's nonce with its seed.
func TestNKeyAuth(t *testing.T) {
	kp, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := kp.PublicKey()
	seed, _ := kp.Seed()
	other, _ := nkeys.CreateUser()
	otherSeed, _ := other.Seed()
	s := natstest.Start(t, func(o *server.Options) { o.Nkeys = []*server.NkeyUser{{Nkey: pub}} })
	seedFile := filepath.Join(t.TempDir(), "user.nk")
	if err := os.WriteFile(seedFile, seed, 0o600); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		seed string
		ok   bool
	}{"seed_accepted": {string(seed), true}, "seed_file_accepted": {seedFile, true}, "other_key_refused": {string(otherSeed), false}} {
		t.Run(name, func(t *testing.T) {
			err := CheckInput(testCtx(t), InputConfig{Server: natstest.URL(s), Subject: "in", Auth: Auth{NKeySeed: c.seed}}, nil)
			if (err == nil) != c.ok {
				t.Fatalf("err = %v, want ok %v", err, c.ok)
			}
		})
	}
}

// Credentials embedded in the URL reach the server too.
func TestCredentialsInTheURL(t *testing.T) {
	s := natstest.Start(t, func(o *server.Options) { o.Username, o.Password = "bob", "pw" })
	url := "nats://bob:pw@" + s.Addr().String()
	if err := CheckOutput(testCtx(t), OutputConfig{Server: url, Subject: "out"}, nil); err != nil {
		t.Fatal(err)
	}
}

// TLS with a CA made in the test: trusted with the CA file, refused
// without it; require TLS refuses a plaintext server.
func TestTLS(t *testing.T) {
	pki := newTestPKI(t)
	tlsServer := natstest.Start(t, func(o *server.Options) {
		o.TLSConfig = pki.ServerTLS
		o.TLS = true
		o.TLSVerify = false
	})
	mutual := natstest.Start(t, func(o *server.Options) {
		o.TLSConfig = pki.ServerTLS.Clone()
		o.TLSConfig.ClientAuth = tls.RequireAndVerifyClientCert
		o.TLS, o.TLSVerify = true, true
	})
	plain := natstest.Start(t, nil)
	tests := []struct {
		name   string
		server *server.Server
		auth   Auth
		ok     bool
	}{
		{"trusted_with_test_ca", tlsServer, Auth{TLSCA: pki.CAFile}, true},
		{"trusted_with_test_ca_and_require", tlsServer, Auth{TLSCA: pki.CAFile, RequireTLS: true}, true},
		{"unknown_authority_refused", tlsServer, Auth{}, false},
		{"require_tls_refuses_plaintext", plain, Auth{RequireTLS: true}, false},
		{"plaintext_without_require", plain, Auth{}, true},
		{"client_certificate_accepted", mutual, Auth{TLSCA: pki.CAFile, TLSCert: pki.ClientCert, TLSKey: pki.ClientKey}, true},
		{"missing_client_certificate_refused", mutual, Auth{TLSCA: pki.CAFile}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckInput(testCtx(t), InputConfig{Server: natstest.URL(tc.server), Subject: "in", Auth: tc.auth}, nil)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

// The whole round trip works over TLS from YAML.
func TestRoundTripOverTLS(t *testing.T) {
	pki := newTestPKI(t)
	s := natstest.Start(t, func(o *server.Options) { o.TLSConfig = pki.ServerTLS; o.TLS = true })
	c := &collector{}
	runStream(t, inputYAML(natstest.URL(s), "events.>", "tls:", "  require: true", "  root_cas_file: "+pki.CAFile), "", c)
	conn, err := PrepareOutput(testCtx(t), OutputConfig{Server: natstest.URL(s), Subject: "events.a", NoStream: true, Auth: Auth{TLSCA: pki.CAFile}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	poll.Wait(t, 10*time.Second, "input stream", func() bool {
		_, err := conn.JS.Stream(testCtx(t), "rsigma-events")
		return err == nil
	})
	publish(t, conn.JS, "events.a", `{"tls":true}`)
	poll.Wait(t, 10*time.Second, "event over TLS", func() bool { return len(c.snapshot()) == 1 })
}

// Dial applies the auth settings to a one-shot core connection.
func TestDialUsesAuth(t *testing.T) {
	s := natstest.Start(t, func(o *server.Options) { o.Authorization = "s3cret" })
	nc, err := Dial(testCtx(t), natstest.URL(s), Auth{Token: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	nc.Close()
	if _, err := Dial(testCtx(t), natstest.URL(s), Auth{Token: "bad"}); err == nil {
		t.Fatal("refused token accepted")
	}
}
