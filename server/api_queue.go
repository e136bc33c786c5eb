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
	ch        chan queued
	done      chan struct{}
	closeOnce sync.Once
	hooks     QueueHooks
}

// NewLineQueue returns a queue holding up to capacity lines (at least 1).
func NewLineQueue(capacity int, hooks QueueHooks) *LineQueue {
	if capacity < 1 {
		capacity = 1
	}
	return &LineQueue{ch: make(chan queued, capacity), done: make(chan struct{}), hooks: hooks}
}

// queued is one queued line; json marks an event that is already a JSON
// object (an OTLP log record) rather than a raw line of --input-format, and
// hold is the ingest budget its memory is counted in (nil: none).
type queued struct {
	line []byte
	json bool
	hold *Hold
}

// Push enqueues line, which the queue owns afterwards. It tries without
// blocking first; when the queue is full it reports back-pressure and waits
// for space, for ctx, or for Close.
func (q *LineQueue) Push(ctx context.Context, line []byte) error {
	return q.push(ctx, queued{line: line})
}

// PushJSON is Push for an event that is already a JSON object (OTLP log
// records): consumers decode it as JSON whatever --input-format says.
func (q *LineQueue) PushJSON(ctx context.Context, event []byte) error {
	return q.push(ctx, queued{line: event, json: true})
}

// PushHeld is Push (or PushJSON when json is true) for a line whose memory
// is counted in the ingest budget: the queue owns one share of hold and
// releases it when the line leaves the queue, or at once when the push
// fails.
func (q *LineQueue) PushHeld(ctx context.Context, line []byte, json bool, hold *Hold) error {
	err := q.push(ctx, queued{line: line, json: json, hold: hold})
	if err != nil {
		hold.Release()
	}
	return err
}

func (q *LineQueue) push(ctx context.Context, item queued) error {
	select {
	case <-q.done:
		return ErrQueueClosed
	default:
	}
	select {
	case q.ch <- item:
		call(q.hooks.Enqueued)
		return nil
	default:
	}
	call(q.hooks.BackPressure)
	select {
	case q.ch <- item:
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
	line, _, err := q.PopItem(ctx)
	return line, err
}

// PopItem is Pop that also reports whether the line was pushed with
// PushJSON.
func (q *LineQueue) PopItem(ctx context.Context) (line []byte, json bool, err error) {
	if line, json, ok := q.TryPopItem(); ok {
		return line, json, nil
	}
	select {
	case it := <-q.ch:
		return q.taken(it)
	case <-q.done:
		if line, json, ok := q.TryPopItem(); ok {
			return line, json, nil
		}
		return nil, false, ErrQueueClosed
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
}

// TryPop returns a queued line without waiting.
func (q *LineQueue) TryPop() ([]byte, bool) {
	line, _, ok := q.TryPopItem()
	return line, ok
}

// TryPopItem is TryPop that also reports whether the line was pushed with
// PushJSON.
func (q *LineQueue) TryPopItem() (line []byte, json bool, ok bool) {
	select {
	case it := <-q.ch:
		line, json, _ = q.taken(it)
		return line, json, true
	default:
		return nil, false, false
	}
}

// taken is the bookkeeping of a line leaving the queue: its budget share
// is released (the engine's batch holds it from here on, bounded by the
// batch size).
func (q *LineQueue) taken(it queued) ([]byte, bool, error) {
	call(q.hooks.Dequeued)
	it.hold.Release()
	return it.line, it.json, nil
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
