package server

import (
	"context"
	"errors"
	"sync"
)

// ErrQueueClosed is returned by LineQueue.Push once the queue is closed (the
// daemon is shutting down); its text is the HTTP 503 error body.
var ErrQueueClosed = errors.New("event channel closed")

// QueueHooks observe a LineQueue for metrics (daemon.md §6.2, metrics.md
// rsigma_input_queue_depth and rsigma_back_pressure_events_total). Nil
// hooks are skipped.
type QueueHooks struct {
	Enqueued     func() // a line entered the queue
	Dequeued     func() // the engine side took a line
	BackPressure func() // a producer found the queue full and now waits
}

// LineQueue is the bounded source→engine queue of raw input lines that the
// HTTP ingest handlers fill and a stream input drains. Push blocks while the
// queue is full; Pop drains what is left after Close before reporting
// ErrQueueClosed.
type LineQueue struct {
	ch        chan []byte
	done      chan struct{}
	closeOnce sync.Once
	hooks     QueueHooks
}

// NewLineQueue returns a queue holding up to capacity lines (at least 1).
func NewLineQueue(capacity int, hooks QueueHooks) *LineQueue {
	if capacity < 1 {
		capacity = 1
	}
	return &LineQueue{ch: make(chan []byte, capacity), done: make(chan struct{}), hooks: hooks}
}

// Push enqueues line, which the queue owns afterwards. It tries without
// blocking first; when the queue is full it reports back-pressure and waits
// for space, for ctx, or for Close.
func (q *LineQueue) Push(ctx context.Context, line []byte) error {
	select {
	case <-q.done:
		return ErrQueueClosed
	default:
	}
	select {
	case q.ch <- line:
		call(q.hooks.Enqueued)
		return nil
	default:
	}
	call(q.hooks.BackPressure)
	select {
	case q.ch <- line:
		call(q.hooks.Enqueued)
		return nil
	case <-q.done:
		return ErrQueueClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Pop waits for the next line. After Close it keeps returning queued lines
// and then ErrQueueClosed.
func (q *LineQueue) Pop(ctx context.Context) ([]byte, error) {
	select {
	case line := <-q.ch:
		call(q.hooks.Dequeued)
		return line, nil
	default:
	}
	select {
	case line := <-q.ch:
		call(q.hooks.Dequeued)
		return line, nil
	case <-q.done:
		if line, ok := q.TryPop(); ok {
			return line, nil
		}
		return nil, ErrQueueClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// TryPop returns a queued line without waiting.
func (q *LineQueue) TryPop() ([]byte, bool) {
	select {
	case line := <-q.ch:
		call(q.hooks.Dequeued)
		return line, true
	default:
		return nil, false
	}
}

// Len is the number of queued lines.
func (q *LineQueue) Len() int { return len(q.ch) }

// Close refuses further pushes; producers waiting for space get
// ErrQueueClosed. Safe to call more than once.
func (q *LineQueue) Close() { q.closeOnce.Do(func() { close(q.done) }) }

func call(f func()) {
	if f != nil {
		f()
	}
}
