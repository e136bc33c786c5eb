package nats

import (
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"strings"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"
)

// Auth holds how every connection of the process authenticates and secures
// itself (spec/nats-and-tls.md §1.2). The zero value is an anonymous,
// opportunistic-TLS connection.
type Auth struct {
	CredsFile string // JWT + NKey credentials file
	Token     string
	User      string
	Password  string
	NKeySeed  string // an NKey seed ("SU…"), or a path to a file holding one

	TLSCert    string // client certificate file, additive to any method above
	TLSKey     string // its private key file
	TLSCA      string // CA bundle that verifies the server (extension: no daemon flag)
	RequireTLS bool   // refuse a server that does not negotiate TLS
}

// ErrAuthConflict is wrapped by Validate when more than one credential method is set.
var ErrAuthConflict = errors.New("NATS credential methods are mutually exclusive")

// Methods lists the credential methods that are configured, in precedence
// order (creds, token, user/password, nkey).
func (a Auth) Methods() []string {
	var m []string
	if a.CredsFile != "" {
		m = append(m, "creds")
	}
	if a.Token != "" {
		m = append(m, "token")
	}
	if a.User != "" || a.Password != "" {
		m = append(m, "user/password")
	}
	if a.NKeySeed != "" {
		m = append(m, "nkey")
	}
	return m
}

// Validate reports a configuration that cannot work: two credential
// methods, a user without a password (or the reverse), a certificate
// without its key (or the reverse).
func (a Auth) Validate() error {
	if m := a.Methods(); len(m) > 1 {
		return fmt.Errorf("%w: %s are all set", ErrAuthConflict, strings.Join(m, ", "))
	}
	if (a.User == "") != (a.Password == "") {
		return errors.New("NATS user and password must be given together")
	}
	if (a.TLSCert == "") != (a.TLSKey == "") {
		return errors.New("NATS TLS client certificate and key must be given together")
	}
	return nil
}

// Options turns the configuration into nats.go connection options. It reads
// the credential, seed and certificate files, so a missing file is reported
// here, naming the path.
func (a Auth) Options() ([]natsgo.Option, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	var opts []natsgo.Option
	// Secure must come first: it replaces the TLS config, the file-based
	// options below only fill in what is missing.
	if a.RequireTLS {
		opts = append(opts, natsgo.Secure(&tls.Config{MinVersion: tls.VersionTLS12}))
	}
	if a.TLSCA != "" {
		opts = append(opts, natsgo.RootCAs(a.TLSCA))
	}
	if a.TLSCert != "" {
		opts = append(opts, natsgo.ClientCert(a.TLSCert, a.TLSKey))
	}
	switch {
	case a.CredsFile != "":
		if _, err := os.Stat(a.CredsFile); err != nil {
			return nil, fmt.Errorf("NATS credentials file: %w", err)
		}
		opts = append(opts, natsgo.UserCredentials(a.CredsFile))
	case a.Token != "":
		opts = append(opts, natsgo.Token(a.Token))
	case a.User != "":
		opts = append(opts, natsgo.UserInfo(a.User, a.Password))
	case a.NKeySeed != "":
		opt, err := nkeyOption(a.NKeySeed)
		if err != nil {
			return nil, err
		}
		opts = append(opts, opt)
	}
	return opts, nil
}

// nkeyOption signs the server nonce with the seed; value is the seed itself
// or the path of a file that holds it.
func nkeyOption(value string) (natsgo.Option, error) {
	seed := strings.TrimSpace(value)
	if st, err := os.Stat(value); err == nil && st.Mode().IsRegular() {
		data, err := os.ReadFile(value)
		if err != nil {
			return nil, fmt.Errorf("NATS nkey seed file: %w", err)
		}
		seed = strings.TrimSpace(string(data))
	}
	kp, err := nkeys.FromSeed([]byte(seed))
	if err != nil {
		return nil, fmt.Errorf("NATS nkey seed: %w", err)
	}
	pub, err := kp.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("NATS nkey seed: %w", err)
	}
	return natsgo.Nkey(pub, kp.Sign), nil
}
