package nats

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/internal/redact"
)

// URLScheme is the only scheme that names a NATS location.
const URLScheme = "nats://"

// Location is a parsed `nats://host:port/subject` URL.
type Location struct {
	// Server is the connection URL without the subject, e.g. nats://127.0.0.1:4222.
	Server string
	// Subject is everything after the first '/' following the host; ">" when absent.
	Subject string
}

// ErrNotNATS is returned by ParseURL for a URL that does not start with nats://.
var ErrNotNATS = errors.New("not a nats:// URL")

// ParseURL splits a `nats://host:port/subject` URL at the first '/' after the
// scheme. Without a '/' the subject is ">" (spec/nats-and-tls.md §1.1).
// Credentials embedded in the host part are kept in Server.
func ParseURL(raw string) (Location, error) {
	if !strings.HasPrefix(raw, URLScheme) {
		return Location{}, fmt.Errorf("%q: %w", redact.URL(raw), ErrNotNATS)
	}
	rest := raw[len(URLScheme):]
	host, subject, found := strings.Cut(rest, "/")
	if host == "" {
		return Location{}, fmt.Errorf("%q: missing host:port", redact.URL(raw))
	}
	if !found || subject == "" {
		subject = ">"
	}
	if err := checkSubject(subject); err != nil {
		return Location{}, fmt.Errorf("%q: %w", redact.URL(raw), err)
	}
	return Location{Server: URLScheme + host, Subject: subject}, nil
}

// checkSubject rejects subjects NATS would refuse: empty tokens, spaces and a
// '>' that is not the last token.
func checkSubject(subject string) error {
	tokens := strings.Split(subject, ".")
	for i, tok := range tokens {
		switch {
		case tok == "":
			return fmt.Errorf("subject %q has an empty token", subject)
		case strings.ContainsAny(tok, " \t\r\n"):
			return fmt.Errorf("subject %q contains whitespace", subject)
		case tok == ">" && i != len(tokens)-1:
			return fmt.Errorf("subject %q: '>' must be the last token", subject)
		case len(tok) > 1 && strings.ContainsAny(tok, "*>"):
			return fmt.Errorf("subject %q: wildcard inside token %q", subject, tok)
		}
	}
	return nil
}

// IsConcrete reports whether subject has no wildcard token, as output and DLQ
// subjects must.
func IsConcrete(subject string) bool {
	for _, tok := range strings.Split(subject, ".") {
		if tok == "*" || tok == ">" {
			return false
		}
	}
	return true
}

// SubjectMatches reports whether the concrete subject is caught by filter,
// which may contain '*' (one token) and '>' (one or more trailing tokens).
func SubjectMatches(filter, subject string) bool {
	ft := strings.Split(filter, ".")
	st := strings.Split(subject, ".")
	for i, f := range ft {
		if f == ">" {
			return len(st) > i
		}
		if i >= len(st) {
			return false
		}
		if f != "*" && f != st[i] {
			return false
		}
	}
	return len(ft) == len(st)
}

// SanitiseSubject turns a subject into a JetStream name fragment: every '.',
// '>' and '*' becomes '-', then trailing '-' are stripped
// ("events.>" → "events").
func SanitiseSubject(subject string) string {
	s := strings.NewReplacer(".", "-", ">", "-", "*", "-").Replace(subject)
	return strings.TrimRight(s, "-")
}

// StreamName is the name of the stream created for subject: rsigma-<sanitised>.
func StreamName(subject string) string {
	return "rsigma-" + SanitiseSubject(subject)
}

// DurableName is the durable consumer name for an input subject: the consumer
// group verbatim when given, else rsigma-daemon-<sanitised>.
func DurableName(subject, consumerGroup string) string {
	if consumerGroup != "" {
		return consumerGroup
	}
	return "rsigma-daemon-" + SanitiseSubject(subject)
}

// CheckConsumerGroup rejects names JetStream cannot use as a durable name.
func CheckConsumerGroup(name string) error {
	if name == "" {
		return errors.New("consumer group name is empty")
	}
	if strings.ContainsAny(name, ".*> \t\r\n/\\") {
		return fmt.Errorf("consumer group %q: must not contain '.', '*', '>', '/', '\\' or whitespace", name)
	}
	return nil
}
