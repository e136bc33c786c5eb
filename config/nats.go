package config

import (
	"errors"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/internal/redact"
	"github.com/rsigma-connect/rsigma-connect/nats"
)

// IsNATS reports whether u is a nats:// URL.
func IsNATS(u string) bool { return strings.HasPrefix(u, nats.URLScheme) }

// NATSAuth is the connection security every nats:// URL of the process uses.
// Flag values already override their environment variables (flags.go).
func NATSAuth(o *Options) nats.Auth {
	return nats.Auth{
		CredsFile: o.NATSCreds, Token: o.NATSToken, User: o.NATSUser, Password: o.NATSPassword,
		NKeySeed: o.NATSNKey, TLSCert: o.NATSTLSCert, TLSKey: o.NATSTLSKey, RequireTLS: o.NATSRequireTLS,
	}
}

// NATSReplay is the start position asked for by the replay flags.
func NATSReplay(o *Options) (nats.Replay, error) {
	r := nats.Replay{FromSequence: o.ReplayFromSequence, FromLatest: o.ReplayFromLatest}
	if o.ReplayFromTime != "" {
		t, err := nats.ParseReplayTime(o.ReplayFromTime)
		if err != nil {
			return r, Configf("--replay-from-time: %v", err)
		}
		r.FromTime = t
	}
	if err := r.Validate(); err != nil {
		return r, Configf("--replay-from-sequence, --replay-from-time, --replay-from-latest: %v", err)
	}
	return r, nil
}

// validateNATS checks the NATS flags whether or not a NATS URL is used
// (a value from an environment variable counts as given, daemon.md §4), and
// the nats:// URLs: a concrete output/DLQ subject that the input subject
// would also capture on the same server is refused (its stream would
// overlap the input's, nats-and-tls.md §1.3).
func validateNATS(o *Options) error {
	if err := NATSAuth(o).Validate(); err != nil {
		if errors.Is(err, nats.ErrAuthConflict) {
			return Configf("--nats-creds, --nats-token, --nats-user/--nats-password, --nats-nkey (or NATS_* variables): %v", err)
		}
		return Configf("--nats-*: %v", err)
	}
	if _, err := NATSReplay(o); err != nil {
		return err
	}
	if o.ConsumerGroup != "" {
		if err := nats.CheckConsumerGroup(o.ConsumerGroup); err != nil {
			return Configf("--consumer-group: %v", err)
		}
	}
	if o.PrintConfig {
		if err := checkPrintedSecrets(o); err != nil { // print_secrets.go
			return err
		}
	}
	if !IsNATS(o.Input) {
		return nil
	}
	in, err := nats.ParseURL(o.Input)
	if err != nil {
		return Configf("--input: %v", err)
	}
	for _, s := range NATSSinks(o) {
		out, _ := nats.ParseURL(s.URL) // checked by checkNATSSink
		if out.Server == in.Server && nats.SubjectMatches(in.Subject, out.Subject) {
			return Configf("%s %s: subject %q is caught by the input subject %q; keep detection and DLQ subjects outside the input filter",
				s.Flag, redact.URL(s.URL), out.Subject, in.Subject)
		}
	}
	return nil
}

// checkNATSSink validates a nats:// --output or --dlq URL: the subject must
// be concrete.
func checkNATSSink(flag, u string) (string, error) {
	loc, err := nats.ParseURL(u)
	if err != nil {
		return "", Configf("%s: %v", flag, err)
	}
	if !nats.IsConcrete(loc.Subject) {
		return "", Configf("%s %s: subject %q must not contain wildcards", flag, redact.URL(u), loc.Subject)
	}
	return u, nil
}

// NATSSink is a nats:// sink URL with the flag that gave it.
type NATSSink struct{ Flag, URL string }

// NATSSinks lists the nats:// sinks, the DLQ first (the order they open in).
func NATSSinks(o *Options) []NATSSink {
	var out []NATSSink
	if IsNATS(o.DLQ) {
		out = append(out, NATSSink{"--dlq", o.DLQ})
	}
	for _, u := range o.Outputs {
		if IsNATS(u) {
			out = append(out, NATSSink{"--output", u})
		}
	}
	return out
}

// NATSControlServer is the server the control listener for dynamic sources
// connects to (nats-and-tls.md §1.8): the --input server when the input is
// NATS, else the first NATS --output, else the NATS --dlq; ok is false
// without any NATS URL.
func NATSControlServer(o *Options) (server string, ok bool) {
	urls := append(append([]string{o.Input}, o.Outputs...), o.DLQ)
	for _, u := range urls {
		if !IsNATS(u) {
			continue
		}
		if loc, err := nats.ParseURL(u); err == nil {
			return loc.Server, true
		}
	}
	return "", false
}
