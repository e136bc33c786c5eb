package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/certtest"
	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
)

// pki is a CA minted for one test (internal/certtest), writing its PEM
// files into one directory.
type pki struct {
	t    *testing.T
	dir  string
	ca   *certtest.CA
	pool *x509.CertPool
}

func newPKI(t *testing.T) *pki {
	ca := certtest.NewCA(t, "e2e-ca")
	p := &pki{t: t, dir: t.TempDir(), ca: ca, pool: ca.Pool()}
	certtest.WriteFile(t, p.dir, "ca.pem", ca.PEM)
	return p
}

// issue writes <name>.pem and <name>-key.pem (PKCS#1 RSA) for a leaf valid
// for validFor and returns the parsed key pair.
func (p *pki) issue(name string, client bool, validFor time.Duration) tls.Certificate {
	leaf := p.ca.Issue(p.t, certtest.Leaf{CommonName: name, KeyKind: "rsa", ValidFor: validFor, Client: client})
	keyPEM := leaf.KeyPEM(p.t, "pkcs1")
	certtest.WriteFile(p.t, p.dir, name+".pem", leaf.CertPEM)
	certtest.WriteFile(p.t, p.dir, name+"-key.pem", keyPEM)
	pair, err := tls.X509KeyPair(leaf.CertPEM, keyPEM)
	if err != nil {
		p.t.Fatal(err)
	}
	return pair
}

func (p *pki) write(name string, data []byte) string {
	return certtest.WriteFile(p.t, p.dir, name, data)
}

func (p *pki) path(name string) string { return filepath.Join(p.dir, name) }

// client is an HTTPS client trusting the test CA, optionally with a client
// certificate.
func (p *pki) client(certs ...tls.Certificate) *http.Client {
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: p.pool, Certificates: certs, ServerName: "localhost"},
		ForceAttemptHTTP2: true,
	}}
}

func httpsGet(t *testing.T, c *http.Client, url string) (*http.Response, string, error) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body), nil
}

// TestDaemonTLS runs the built binary with the TLS flags (nats-and-tls.md §2).
func TestDaemonTLS(t *testing.T) {
	rules := filepath.Join(samplesDir(), "rules")
	p := newPKI(t)
	p.issue("server", false, 30*24*time.Hour)
	agent := p.issue("agent", true, 24*time.Hour)
	base := []string{"engine", "daemon", "-r", rules, "--api-addr", "127.0.0.1:0"}
	withTLS := append(append([]string{}, base...), "--tls-cert", p.path("server.pem"), "--tls-key", p.path("server-key.pem"))

	t.Run("https_serves_health_metrics_over_h2_with_tls_gauges", func(t *testing.T) {
		d := daemontest.Start(t, withTLS...)
		addr := d.APIAddr(10 * time.Second)
		c := p.client()
		resp, body, err := httpsGet(t, c, "https://"+addr+"/healthz")
		if err != nil || resp.StatusCode != 200 || !strings.Contains(body, `"ok"`) {
			t.Fatalf("GET /healthz over TLS: %v %v %q", err, resp, body)
		}
		if resp.Proto != "HTTP/2.0" {
			t.Fatalf("ALPN negotiated %s, want HTTP/2.0", resp.Proto)
		}
		_, metrics, err := httpsGet(t, c, "https://"+addr+"/metrics")
		if err != nil {
			t.Fatal(err)
		}
		expiry := metricValue(t, metrics, "rsigma_tls_certificate_expiry_seconds")
		if expiry < 29*86400 || expiry > 30*86400 {
			t.Fatalf("rsigma_tls_certificate_expiry_seconds = %v, want about 30 days", expiry)
		}
		if v := metricValue(t, metrics, "rsigma_tls_active_connections"); v < 1 {
			t.Fatalf("rsigma_tls_active_connections = %v while a connection is open", v)
		}
		if !strings.Contains(d.Stderr(), "TLS certificate expires within 30 days") {
			t.Fatalf("no expiry WARN for a 30-day certificate:\n%s", d.Stderr())
		}
		if _, err := (&http.Client{Timeout: 2 * time.Second}).Get("http://" + addr + "/healthz"); err == nil {
			t.Fatal("plaintext request answered on the TLS listener")
		}
	})

	t.Run("mtls_admits_ca_signed_client_and_refuses_one_without_certificate", func(t *testing.T) {
		args := append(append([]string{}, withTLS...), "--tls-client-ca", p.path("ca.pem"))
		d := daemontest.Start(t, args...)
		addr := d.APIAddr(10 * time.Second)
		if resp, _, err := httpsGet(t, p.client(agent), "https://"+addr+"/healthz"); err != nil || resp.StatusCode != 200 {
			t.Fatalf("CA-signed client: %v %v", err, resp)
		}
		if resp, _, err := httpsGet(t, p.client(), "https://"+addr+"/healthz"); err == nil {
			t.Fatalf("client without certificate got %s", resp.Status)
		}
	})

	t.Run("tls_min_version_1_3_refuses_a_tls12_client", func(t *testing.T) {
		d := daemontest.Start(t, withTLS...)
		addr := d.APIAddr(10 * time.Second)
		conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: p.pool, ServerName: "localhost", MaxVersion: tls.VersionTLS12})
		if err == nil {
			conn.Close()
			t.Fatal("TLS 1.2 handshake accepted with the default --tls-min-version 1.3")
		}
	})

	refusals := []struct {
		name string
		env  string
		args []string
		want []string
	}{
		{"public_bind_without_tls_refuses_to_start", "",
			[]string{"engine", "daemon", "-r", rules, "--api-addr", "0.0.0.0:0"},
			[]string{"refusing to bind plaintext", "--allow-plaintext"}},
		{"missing_cert_file_refuses_to_start", "",
			append(append([]string{}, base...), "--tls-cert", "/nonexistent/cert.pem", "--tls-key", p.path("server-key.pem")),
			[]string{"Failed to initialize TLS", "/nonexistent/cert.pem"}},
		{"key_password_flag_is_rejected_with_guidance", "",
			append(append([]string{}, withTLS...), "--tls-key-password", "hunter2"),
			[]string{"openssl"}},
		{"key_password_env_is_rejected_with_guidance", "hunter2", withTLS, []string{"openssl"}},
		{"invalid_min_version_refuses_to_start", "",
			append(append([]string{}, withTLS...), "--tls-min-version", "1.1"),
			[]string{"invalid --tls-min-version"}},
		{"cert_without_key_refuses_to_start", "",
			append(append([]string{}, base...), "--tls-cert", p.path("server.pem")),
			[]string{"--tls-cert requires --tls-key"}},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env != "" {
				t.Setenv("RSIGMA_TLS_KEY_PASSWORD", tc.env)
			}
			_, stderr, code := daemontest.Run(t, "", tc.args...)
			if code != 3 {
				t.Fatalf("exit %d, want 3; stderr:\n%s", code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Fatalf("stderr lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
}

// metricValue returns the value of an unlabelled sample in Prometheus text.
func metricValue(t *testing.T, exposition, name string) float64 {
	t.Helper()
	for _, line := range strings.Split(exposition, "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			var f float64
			if _, err := fmt.Sscan(v, &f); err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return f
		}
	}
	t.Fatalf("metric %s missing from /metrics:\n%s", name, exposition)
	return 0
}
