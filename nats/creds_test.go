package nats

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"

	"github.com/rsigma-connect/rsigma-connect/internal/natstest"
)

// operatorServer runs a server in operator (JWT) mode with one JetStream
// account, and writes a credentials file for a user of that account.
func operatorServer(t *testing.T) (*server.Server, string) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	okp, err := nkeys.CreateOperator()
	must(err)
	opub, _ := okp.PublicKey()
	oc := jwt.NewOperatorClaims(opub)
	ojwt, err := oc.Encode(okp)
	must(err)
	oc, err = jwt.DecodeOperatorClaims(ojwt)
	must(err)

	akp, _ := nkeys.CreateAccount()
	apub, _ := akp.PublicKey()
	ac := jwt.NewAccountClaims(apub)
	ac.Limits.JetStreamLimits = jwt.JetStreamLimits{MemoryStorage: -1, DiskStorage: -1, Streams: -1, Consumer: -1}
	ajwt, err := ac.Encode(okp)
	must(err)

	ukp, _ := nkeys.CreateUser()
	upub, _ := ukp.PublicKey()
	uc := jwt.NewUserClaims(upub)
	uc.IssuerAccount = apub
	ujwt, err := uc.Encode(akp)
	must(err)
	seed, _ := ukp.Seed()
	creds, err := jwt.FormatUserConfig(ujwt, seed)
	must(err)
	path := filepath.Join(t.TempDir(), "user.creds")
	must(os.WriteFile(path, creds, 0o600))

	skp, _ := nkeys.CreateAccount()
	spub, _ := skp.PublicKey()
	sjwt, err := jwt.NewAccountClaims(spub).Encode(okp)
	must(err)

	resolver := &server.MemAccResolver{}
	must(resolver.Store(apub, ajwt))
	must(resolver.Store(spub, sjwt))
	s := natstest.Start(t, func(o *server.Options) {
		o.TrustedOperators = []*jwt.OperatorClaims{oc}
		o.AccountResolver = resolver
		o.SystemAccount = spub
	})
	return s, path
}

// --nats-creds: a JWT + NKey credentials file logs in to an operator-mode
// server; a missing file is refused before dialling.
func TestCredsFileAuth(t *testing.T) {
	s, creds := operatorServer(t)
	if err := CheckInput(testCtx(t), InputConfig{Server: natstest.URL(s), Subject: "in", Auth: Auth{CredsFile: creds}}, nil); err != nil {
		t.Fatalf("creds file refused: %v", err)
	}
	if err := CheckInput(testCtx(t), InputConfig{Server: natstest.URL(s), Subject: "in"}, nil); err == nil {
		t.Fatal("anonymous login accepted by an operator-mode server")
	}
}
