package nats

import (
	"sync/atomic"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// Position is the high-water mark of acknowledged JetStream messages: the
// largest stream sequence and the latest publish time (unix seconds) among
// messages whose ack was sent. The correlation state store persists it as
// source_sequence / source_timestamp (spec/daemon.md §10). Safe for
// concurrent use; the zero value holds no position.
type Position struct {
	sequence atomic.Uint64
	unix     atomic.Int64
}

// Observe raises the mark to cover a message with stream sequence seq
// published at ts. It never lowers either value.
func (p *Position) Observe(seq uint64, ts time.Time) {
	for {
		cur := p.sequence.Load()
		if seq <= cur || p.sequence.CompareAndSwap(cur, seq) {
			break
		}
	}
	sec := ts.Unix()
	for {
		cur := p.unix.Load()
		if sec <= cur || p.unix.CompareAndSwap(cur, sec) {
			break
		}
	}
}

// Load returns the mark; ok is false while no message has been acked.
func (p *Position) Load() (sequence uint64, unixSeconds int64, ok bool) {
	seq := p.sequence.Load()
	return seq, p.unix.Load(), seq > 0
}

type positionKey struct{}

// SharedPosition returns the Position that the nats_jetstream input of the
// stream owning res updates on every ack. Any component of the same stream
// (the sigma processor's state saver) gets the same pointer. A nil res
// yields a fresh, unshared Position.
func SharedPosition(res *service.Resources) *Position {
	if res == nil {
		return &Position{}
	}
	v, _ := res.GetOrSetGeneric(positionKey{}, &Position{})
	return v.(*Position)
}
