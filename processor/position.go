package processor

import (
	"sync/atomic"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// Position is the high-water mark of acknowledged input messages: the
// largest stream sequence and the latest publish time (unix seconds) among
// messages whose ack was sent. An input that knows such positions (the
// daemon's sigma_nats_jetstream input) raises it; the `sigma` processor
// stores it with the correlation state (source_sequence / source_timestamp,
// spec/daemon.md §10). Safe for concurrent use; the zero value holds no
// position. It implements engine.Position.
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

// SharedPosition returns the Position of the stream owning res: every
// component of the same stream (the input that acks, the sigma processor's
// state saver) gets the same pointer. A nil res yields a fresh, unshared
// Position.
func SharedPosition(res *service.Resources) *Position {
	if res == nil {
		return &Position{}
	}
	v, _ := res.GetOrSetGeneric(positionKey{}, &Position{})
	return v.(*Position)
}
