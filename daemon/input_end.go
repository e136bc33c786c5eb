package daemon

import (
	"context"
	"sync"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// EndPrimary ends the input the way the end of stdin does, for the drain
// after SIGTERM/SIGINT (daemon.md §11): the primary source is no longer
// read (a batch in hand is nacked, so NATS redelivers it), the OTLP queue
// refuses new records and its queued ones are still read, then ReadBatch
// reports the end of input and the stream evaluates what it holds and
// stops by itself.
func (m *mergedInput) EndPrimary() {
	m.queue.Close()
	if m.stopPrimary != nil {
		m.stopPrimary()
	}
}

// primaryAcks holds the acknowledgements of the primary's batches that were
// handed to the stream and not acknowledged yet.
type primaryAcks struct {
	mu      sync.Mutex
	next    int
	pending map[int]service.AckFunc
}

// track returns ack wrapped so that it is called at most once, and
// remembered until it is.
func (a *primaryAcks) track(ack service.AckFunc) service.AckFunc {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.pending == nil {
		a.pending = map[int]service.AckFunc{}
	}
	id := a.next
	a.next++
	a.pending[id] = ack
	return func(ctx context.Context, err error) error {
		if ack := a.take(id); ack != nil {
			return ack(ctx, err)
		}
		return nil
	}
}

func (a *primaryAcks) take(id int) service.AckFunc {
	a.mu.Lock()
	defer a.mu.Unlock()
	ack := a.pending[id]
	delete(a.pending, id)
	return ack
}

// nackAll acknowledges every pending batch with err.
func (a *primaryAcks) nackAll(err error) {
	a.mu.Lock()
	pending := a.pending
	a.pending = nil
	a.mu.Unlock()
	for _, ack := range pending {
		_ = ack(context.Background(), err)
	}
}
