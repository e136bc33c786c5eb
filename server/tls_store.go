package server

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"
)

// ExpiryWarning is how close to its notAfter a certificate must be for the
// store to log a WARN after loading it.
const ExpiryWarning = 30 * 24 * time.Hour

// TLSOptions names the PEM files and protocol floor of the API listener.
type TLSOptions struct {
	CertFile     string // PEM chain, leaf first
	KeyFile      string // PEM private key: PKCS#8, PKCS#1 RSA or SEC1 EC
	ClientCAFile string // optional PEM CA bundle; enables mandatory mutual TLS
	MinVersion   uint16 // tls.VersionTLS12 or tls.VersionTLS13; 0 means 1.3
}

// CertStore holds the API listener's TLS server configuration and swaps it
// atomically on Reload. Handshakes read the configuration once, so a reload
// changes what new connections get and never touches established ones.
type CertStore struct {
	opts    TLSOptions
	log     *slog.Logger
	current atomic.Pointer[tlsMaterial]
	now     func() time.Time
}

// tlsMaterial is one loaded generation of certificate, key and client CAs.
type tlsMaterial struct {
	config   *tls.Config
	notAfter time.Time
}

// NewCertStore loads the files named by opts. The error names the file at
// fault; callers report it as "Failed to initialize TLS: <error>". A nil
// logger means slog.Default().
func NewCertStore(opts TLSOptions, log *slog.Logger) (*CertStore, error) {
	if log == nil {
		log = slog.Default()
	}
	if opts.MinVersion == 0 {
		opts.MinVersion = tls.VersionTLS13
	}
	s := &CertStore{opts: opts, log: log, now: time.Now}
	m, err := s.load()
	if err != nil {
		return nil, err
	}
	s.current.Store(m)
	s.warnIfExpiring(m)
	return s, nil
}

// Reload re-reads the certificate, key and client CA files given at
// construction. On success the new material serves every later handshake; on
// failure the previous material stays active and the error is returned (the
// caller counts it in rsigma_reloads_failed_total).
func (s *CertStore) Reload() error {
	m, err := s.load()
	if err != nil {
		s.log.Error("TLS certificate reload failed; keeping the previous certificate", "error", err.Error())
		return fmt.Errorf("reload TLS certificate: %w", err)
	}
	s.current.Store(m)
	s.log.Info("TLS certificate reloaded", "not_after", m.notAfter.UTC().Format(time.RFC3339))
	s.warnIfExpiring(m)
	return nil
}

// Config returns the server configuration for the next handshake. The
// returned value must not be modified.
func (s *CertStore) Config() *tls.Config { return s.current.Load().config }

// NotAfter is the expiry of the active leaf certificate.
func (s *CertStore) NotAfter() time.Time { return s.current.Load().notAfter }

// ExpirySeconds is NotAfter minus now in seconds, negative once expired.
func (s *CertStore) ExpirySeconds() float64 { return s.NotAfter().Sub(s.now()).Seconds() }

func (s *CertStore) load() (*tlsMaterial, error) {
	cert, err := loadKeyPair(s.opts.CertFile, s.opts.KeyFile)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   s.opts.MinVersion,
		NextProtos:   []string{"h2", "http/1.1"},
	}
	if s.opts.ClientCAFile != "" {
		pool, err := readCertPool(s.opts.ClientCAFile)
		if err != nil {
			return nil, err
		}
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return &tlsMaterial{config: cfg, notAfter: cert.Leaf.NotAfter}, nil
}

func (s *CertStore) warnIfExpiring(m *tlsMaterial) {
	left := m.notAfter.Sub(s.now())
	notAfter := m.notAfter.UTC().Format(time.RFC3339)
	switch {
	case left <= 0:
		s.log.Warn("TLS certificate has expired; clients will reject it", "not_after", notAfter, "path", s.opts.CertFile)
	case left < ExpiryWarning:
		s.log.Warn("TLS certificate expires within 30 days", "not_after", notAfter,
			"days_left", int(left.Hours()/24), "path", s.opts.CertFile)
	}
}
