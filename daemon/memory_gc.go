package daemon

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// loadLimit is the memory limit while the rules load: the estimate from
// the rule files' size, raised whenever a collection finds that it leaves
// the heap less than loadHeadroom times the live heap. The runtime holds
// the heap plus its own overhead (free and partly used spans, metadata,
// stacks) to the limit, so the room is what the limit leaves after that
// overhead.
type loadLimit struct {
	mu       sync.Mutex
	estimate int64
	samples  [4]metrics.Sample
}

// follow raises the limit after a collection if the live heap needs it.
func (l *loadLimit) follow() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, name := range []string{"/gc/heap/live:bytes", "/memory/classes/total:bytes",
		"/memory/classes/heap/released:bytes", "/memory/classes/heap/objects:bytes"} {
		l.samples[i].Name = name
	}
	metrics.Read(l.samples[:])
	var v [4]int64
	for i, s := range l.samples {
		if s.Value.Kind() != metrics.KindUint64 {
			return
		}
		v[i] = int64(s.Value.Uint64())
	}
	live, overhead := v[0], v[1]-v[2]-v[3]
	if want := int64(float64(live)*loadHeadroom) + overhead; want > l.estimate {
		l.estimate = want
		debug.SetMemoryLimit(want)
	}
}

// afterEachGC calls fn after every garbage collection, on a goroutine of
// the runtime's finalizers, until stop is called. A collection that ends
// while stop runs may still call fn once.
func afterEachGC(fn func()) (stop func()) {
	var mu sync.Mutex
	stopped := false
	var rearm func(*gcSentinel)
	rearm = func(s *gcSentinel) {
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			return
		}
		fn()
		runtime.SetFinalizer(s, rearm)
	}
	runtime.SetFinalizer(&gcSentinel{}, rearm)
	return func() {
		mu.Lock()
		stopped = true
		mu.Unlock()
	}
}

// gcSentinel is the object whose finalizer marks a collection: with a
// pointer in it, it is never one of the runtime's combined tiny objects,
// so each collection frees it on its own.
type gcSentinel struct {
	_ *byte
	_ [8]byte
}
