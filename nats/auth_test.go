package nats

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nkeys"
)

func TestAuthValidate(t *testing.T) {
	tests := []struct {
		name     string
		auth     Auth
		conflict bool
		wantErr  bool
	}{
		{"anonymous", Auth{}, false, false},
		{"token_alone", Auth{Token: "t"}, false, false},
		{"user_and_password", Auth{User: "u", Password: "p"}, false, false},
		{"token_and_creds_conflict", Auth{Token: "t", CredsFile: "x"}, true, true},
		{"token_and_user_conflict", Auth{Token: "t", User: "u", Password: "p"}, true, true},
		{"nkey_and_creds_conflict", Auth{NKeySeed: "S", CredsFile: "x"}, true, true},
		{"user_without_password", Auth{User: "u"}, false, true},
		{"password_without_user", Auth{Password: "p"}, false, true},
		{"cert_without_key", Auth{TLSCert: "c"}, false, true},
		{"cert_is_additive", Auth{Token: "t", TLSCert: "c", TLSKey: "k"}, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.auth.Validate()
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if errors.Is(err, ErrAuthConflict) != tc.conflict {
				t.Fatalf("err = %v, conflict want %v", err, tc.conflict)
			}
		})
	}
}

func TestAuthOptionsNameTheMissingFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.creds")
	_, err := Auth{CredsFile: missing}.Options()
	if err == nil || !strings.Contains(err.Error(), missing) {
		t.Fatalf("err = %v, want it to name %s", err, missing)
	}
	if _, err := (Auth{NKeySeed: "not-a-seed"}).Options(); err == nil {
		t.Fatal("a value that is neither a seed nor a file must fail")
	}
	kp, _ := nkeys.CreateUser()
	seed, _ := kp.Seed()
	if _, err := (Auth{NKeySeed: string(seed)}).Options(); err != nil {
		t.Fatalf("valid seed: %v", err)
	}
}

func TestReplayValidate(t *testing.T) {
	now := time.Now()
	if err := (Replay{FromSequence: 3, FromLatest: true}).Validate(); !errors.Is(err, ErrReplayConflict) {
		t.Fatalf("sequence+latest: %v", err)
	}
	if err := (Replay{FromTime: now, FromSequence: 1}).Validate(); !errors.Is(err, ErrReplayConflict) {
		t.Fatalf("time+sequence: %v", err)
	}
	if err := (Replay{FromTime: now}).Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseReplayTime("2026-05-15 10:00"); err == nil {
		t.Fatal("non RFC 3339 time accepted")
	}
	if _, err := ParseReplayTime("2026-05-15T10:00:00Z"); err != nil {
		t.Fatal(err)
	}
}
