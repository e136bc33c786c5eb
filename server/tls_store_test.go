package server

import (
	"bytes"
	"crypto/tls"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/certtest"
)

func TestCertStoreLoadsEveryKeyEncoding(t *testing.T) {
	ca := certtest.NewCA(t, "test-ca")
	cases := []struct {
		name, keyKind, encoding string
	}{
		{"pkcs8_rsa", "rsa", "pkcs8"},
		{"pkcs8_ec", "ec", "pkcs8"},
		{"pkcs1_rsa", "rsa", "pkcs1"},
		{"sec1_ec", "ec", "sec1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			leaf := ca.Issue(t, certtest.Leaf{CommonName: tc.name, KeyKind: tc.keyKind})
			store, err := NewCertStore(TLSOptions{
				CertFile: certtest.WriteFile(t, dir, "cert.pem", leaf.CertPEM),
				KeyFile:  certtest.WriteFile(t, dir, "key.pem", leaf.KeyPEM(t, tc.encoding)),
			}, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatalf("load %s key: %v", tc.encoding, err)
			}
			got := store.Config().Certificates[0].Leaf.Subject.CommonName
			if got != tc.name {
				t.Fatalf("served leaf CN = %q, want %q", got, tc.name)
			}
			if store.Config().MinVersion != tls.VersionTLS13 {
				t.Fatalf("default min version = %x, want TLS 1.3", store.Config().MinVersion)
			}
		})
	}
}

func TestCertStoreRejectsBadMaterialNamingTheFile(t *testing.T) {
	ca := certtest.NewCA(t, "test-ca")
	leaf := ca.Issue(t, certtest.Leaf{CommonName: "srv", KeyKind: "ec"})
	other := ca.Issue(t, certtest.Leaf{CommonName: "other", KeyKind: "ec"})
	dir := t.TempDir()
	cert := certtest.WriteFile(t, dir, "cert.pem", leaf.CertPEM)
	key := certtest.WriteFile(t, dir, "key.pem", leaf.KeyPEM(t, "pkcs8"))
	otherKey := certtest.WriteFile(t, dir, "other-key.pem", other.KeyPEM(t, "sec1"))
	garbage := certtest.WriteFile(t, dir, "garbage.pem", []byte("not a pem file\n"))
	encrypted := certtest.WriteFile(t, dir, "enc.pem", []byte("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"))
	cases := []struct {
		name    string
		opts    TLSOptions
		wantSub string
	}{
		{"missing_cert_file", TLSOptions{CertFile: dir + "/nope.pem", KeyFile: key}, dir + "/nope.pem"},
		{"missing_key_file", TLSOptions{CertFile: cert, KeyFile: dir + "/nokey.pem"}, dir + "/nokey.pem"},
		{"no_certificate_in_cert_file", TLSOptions{CertFile: garbage, KeyFile: key}, "no certificate found in " + garbage},
		{"no_private_key_in_key_file", TLSOptions{CertFile: cert, KeyFile: cert}, "no private key found in " + cert},
		{"key_does_not_match_certificate", TLSOptions{CertFile: cert, KeyFile: otherKey}, "does not match"},
		{"encrypted_key_points_to_openssl", TLSOptions{CertFile: cert, KeyFile: encrypted}, "openssl rsa -in key.pem"},
		{"invalid_client_ca_bundle", TLSOptions{CertFile: cert, KeyFile: key, ClientCAFile: garbage}, "invalid client CA bundle " + garbage},
		{"missing_client_ca_file", TLSOptions{CertFile: cert, KeyFile: key, ClientCAFile: dir + "/ca.PEM"}, dir + "/ca.PEM"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewCertStore(tc.opts, slog.New(slog.DiscardHandler))
			if err == nil || !strings.Contains(err.Error(), tc.wantSub) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.wantSub)
			}
		})
	}
}

func TestCertStoreFailedReloadKeepsPreviousCertificate(t *testing.T) {
	ca := certtest.NewCA(t, "test-ca")
	dir := t.TempDir()
	first := ca.Issue(t, certtest.Leaf{CommonName: "first", KeyKind: "ec"})
	opts := TLSOptions{
		CertFile: certtest.WriteFile(t, dir, "cert.pem", first.CertPEM),
		KeyFile:  certtest.WriteFile(t, dir, "key.pem", first.KeyPEM(t, "sec1")),
	}
	store, err := NewCertStore(opts, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	certtest.WriteFile(t, dir, "cert.pem", []byte("garbage"))
	if err := store.Reload(); err == nil {
		t.Fatal("Reload with a corrupt certificate returned nil")
	}
	if cn := store.Config().Certificates[0].Leaf.Subject.CommonName; cn != "first" {
		t.Fatalf("after failed reload the store serves %q, want the previous certificate", cn)
	}
	second := ca.Issue(t, certtest.Leaf{CommonName: "second", KeyKind: "rsa"})
	certtest.WriteFile(t, dir, "cert.pem", second.CertPEM)
	certtest.WriteFile(t, dir, "key.pem", second.KeyPEM(t, "pkcs1"))
	if err := store.Reload(); err != nil {
		t.Fatalf("Reload with valid files: %v", err)
	}
	if cn := store.Config().Certificates[0].Leaf.Subject.CommonName; cn != "second" {
		t.Fatalf("after reload the store serves %q, want second", cn)
	}
}

func TestCertStoreExpiryGaugeAndWarning(t *testing.T) {
	ca := certtest.NewCA(t, "test-ca")
	cases := []struct {
		name     string
		validFor time.Duration
		wantWarn string
	}{
		{"long_lived_certificate_logs_no_warning", 365 * 24 * time.Hour, ""},
		{"certificate_expiring_in_10_days_warns", 10 * 24 * time.Hour, "expires within 30 days"},
		{"expired_certificate_warns_differently", -time.Minute, "has expired"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			leaf := ca.Issue(t, certtest.Leaf{CommonName: "srv", KeyKind: "ec", ValidFor: tc.validFor})
			var logs bytes.Buffer
			store, err := NewCertStore(TLSOptions{
				CertFile: certtest.WriteFile(t, dir, "cert.pem", leaf.CertPEM),
				KeyFile:  certtest.WriteFile(t, dir, "key.pem", leaf.KeyPEM(t, "pkcs8")),
			}, slog.New(slog.NewJSONHandler(&logs, nil)))
			if err != nil {
				t.Fatal(err)
			}
			want := tc.validFor.Seconds()
			if got := store.ExpirySeconds(); got > want || got < want-60 {
				t.Fatalf("ExpirySeconds = %.0f, want about %.0f", got, want)
			}
			warned := strings.Contains(logs.String(), `"level":"WARN"`)
			if tc.wantWarn == "" && warned {
				t.Fatalf("unexpected warning: %s", logs.String())
			}
			if tc.wantWarn != "" && !strings.Contains(logs.String(), tc.wantWarn) {
				t.Fatalf("log %q lacks %q", logs.String(), tc.wantWarn)
			}
		})
	}
}

func TestCheckKeyPasswordRejectsAnyValue(t *testing.T) {
	if err := CheckKeyPassword(""); err != nil {
		t.Fatalf("empty password rejected: %v", err)
	}
	err := CheckKeyPassword("hunter2")
	if err == nil || !strings.Contains(err.Error(), "openssl rsa -in key.pem -out key-decrypted.pem") ||
		!errors.Is(err, ErrEncryptedKey) {
		t.Fatalf("CheckKeyPassword(hunter2) = %v, want the openssl guidance", err)
	}
}
