package nats

import (
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// The server enforces the credentials and the client presents the
// configured ones.
func TestAuthAgainstServersThatRequireIt(t *testing.T) {
	tokenServer := startServer(t, func(o *server.Options) { o.Authorization = "s3cret" })
	userServer := startServer(t, func(o *server.Options) { o.Username, o.Password = "alice", "pw" })
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
			err := CheckInput(testCtx(t), InputConfig{Server: serverURL(tc.server), Subject: "in", Auth: tc.auth}, nil)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
			if err != nil && !strings.Contains(strings.ToLower(err.Error()), "authoriz") {
				t.Fatalf("refusal does not say why: %v", err)
			}
		})
	}
}

// Credentials embedded in the URL reach the server too.
func TestCredentialsInTheURL(t *testing.T) {
	s := startServer(t, func(o *server.Options) { o.Username, o.Password = "bob", "pw" })
	url := "nats://bob:pw@" + s.Addr().String()
	if err := CheckOutput(testCtx(t), OutputConfig{Server: url, Subject: "out"}, nil); err != nil {
		t.Fatal(err)
	}
}

// TLS with a CA made in the test: trusted with the CA file, refused
// without it; require TLS refuses a plaintext server.
func TestTLS(t *testing.T) {
	pki := newTestPKI(t)
	tlsServer := startServer(t, func(o *server.Options) {
		o.TLSConfig = pki.ServerTLS
		o.TLS = true
		o.TLSVerify = false
	})
	plain := startServer(t, nil)
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
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckInput(testCtx(t), InputConfig{Server: serverURL(tc.server), Subject: "in", Auth: tc.auth}, nil)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

// The whole round trip works over TLS from YAML.
func TestRoundTripOverTLS(t *testing.T) {
	pki := newTestPKI(t)
	s := startServer(t, func(o *server.Options) { o.TLSConfig = pki.ServerTLS; o.TLS = true })
	c := &collector{}
	runStream(t, inputYAML(serverURL(s), "events.>", "tls:", "  require: true", "  root_cas_file: "+pki.CAFile), "", c)
	conn, err := PrepareOutput(testCtx(t), OutputConfig{Server: serverURL(s), Subject: "events.a", NoStream: true, Auth: Auth{TLSCA: pki.CAFile}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	waitFor(t, "input stream", 10*time.Second, func() bool {
		_, err := conn.JS.Stream(testCtx(t), "rsigma-events")
		return err == nil
	})
	publish(t, conn.JS, "events.a", `{"tls":true}`)
	waitFor(t, "event over TLS", 10*time.Second, func() bool { return len(c.snapshot()) == 1 })
}
