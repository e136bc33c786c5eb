package nats

import (
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Replay is where a newly created durable consumer starts
// (spec/nats-and-tls.md §1.5). The zero value means "resume": a new durable
// starts at the beginning of the stream, an existing one at its ack floor.
type Replay struct {
	FromSequence uint64    // first stream sequence to deliver; 0 = unset
	FromTime     time.Time // first publish time to deliver; zero = unset
	FromLatest   bool      // the last message in the stream, then new ones
}

// ErrReplayConflict is wrapped by Validate when more than one replay option is set.
var ErrReplayConflict = errors.New("replay from sequence, from time and from latest are mutually exclusive")

// IsSet reports whether any replay option is given.
func (r Replay) IsSet() bool {
	return r.FromSequence > 0 || !r.FromTime.IsZero() || r.FromLatest
}

// Validate rejects more than one replay option.
func (r Replay) Validate() error {
	n := 0
	for _, set := range []bool{r.FromSequence > 0, !r.FromTime.IsZero(), r.FromLatest} {
		if set {
			n++
		}
	}
	if n > 1 {
		return ErrReplayConflict
	}
	return nil
}

// ParseReplayTime parses an RFC 3339 timestamp such as 2026-05-15T10:00:00Z.
func ParseReplayTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("replay from time %q: not an RFC 3339 timestamp", s)
	}
	return t, nil
}

// apply sets the deliver policy of cfg.
func (r Replay) apply(cfg *jetstream.ConsumerConfig) {
	switch {
	case r.FromSequence > 0:
		cfg.DeliverPolicy = jetstream.DeliverByStartSequencePolicy
		cfg.OptStartSeq = r.FromSequence
	case !r.FromTime.IsZero():
		cfg.DeliverPolicy = jetstream.DeliverByStartTimePolicy
		t := r.FromTime.UTC()
		cfg.OptStartTime = &t
	case r.FromLatest:
		cfg.DeliverPolicy = jetstream.DeliverLastPolicy
	default:
		cfg.DeliverPolicy = jetstream.DeliverAllPolicy
	}
}

// sameStart reports whether an existing consumer already starts where r asks.
func (r Replay) sameStart(existing jetstream.ConsumerConfig) bool {
	var want jetstream.ConsumerConfig
	r.apply(&want)
	if existing.DeliverPolicy != want.DeliverPolicy {
		return false
	}
	switch want.DeliverPolicy {
	case jetstream.DeliverByStartSequencePolicy:
		return existing.OptStartSeq == want.OptStartSeq
	case jetstream.DeliverByStartTimePolicy:
		return existing.OptStartTime != nil && existing.OptStartTime.Equal(*want.OptStartTime)
	}
	return true
}

// String describes the start position for log lines.
func (r Replay) String() string {
	switch {
	case r.FromSequence > 0:
		return fmt.Sprintf("from sequence %d", r.FromSequence)
	case !r.FromTime.IsZero():
		return "from time " + r.FromTime.UTC().Format(time.RFC3339Nano)
	case r.FromLatest:
		return "from latest"
	}
	return "resume"
}
