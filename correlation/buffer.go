package correlation

import (
	"bytes"
	"compress/flate"
	"io"
	"sync"
)

// EventRef identifies a contributing event in refs mode.
type EventRef struct {
	// Timestamp is the event time in Unix seconds.
	Timestamp int64
	// ID is the event's id; HasID is false when none was found.
	ID    string
	HasID bool
}

// bufferedEvent is one stored event: a deflate-compressed JSON body (full
// mode) or a reference (refs mode).
type bufferedEvent struct {
	ts   int64 // Unix ms, for eviction with the window
	body []byte
	ref  EventRef
}

// eventBuffer keeps at most max events per group, oldest first.
type eventBuffer struct {
	items []bufferedEvent
}

func (b *eventBuffer) len() int { return len(b.items) }

func (b *eventBuffer) add(e bufferedEvent, max int) {
	if max <= 0 {
		return
	}
	if len(b.items) >= max {
		drop := len(b.items) - max + 1
		b.items = append(b.items[:0], b.items[drop:]...)
	}
	b.items = append(b.items, e)
}

func (b *eventBuffer) evictBefore(cutoff int64) {
	i := 0
	for i < len(b.items) && b.items[i].ts < cutoff {
		i++
	}
	if i > 0 {
		b.items = append(b.items[:0], b.items[i:]...)
	}
}

func (b *eventBuffer) clear() { b.items = b.items[:0] }

var flateWriters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.DefaultCompression)
	return w
}}

// compress deflates body into a new slice.
func compress(body []byte) []byte {
	var out bytes.Buffer
	w := flateWriters.Get().(*flate.Writer)
	w.Reset(&out)
	_, _ = w.Write(body)
	_ = w.Close()
	flateWriters.Put(w)
	return out.Bytes()
}

// decompress inflates a stored body; a corrupt body yields nil.
func decompress(data []byte) []byte {
	r := flate.NewReader(bytes.NewReader(data))
	defer r.Close()
	out, err := io.ReadAll(r)
	if err != nil {
		return nil
	}
	return out
}
