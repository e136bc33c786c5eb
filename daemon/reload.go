package daemon

import (
	"context"
	"time"
)

// Reload trigger queue and debounce (daemon.md §8).
const (
	reloadQueueSize = 4
	reloadDebounce  = 500 * time.Millisecond
)

// reloader funnels every reload trigger (file watcher, SIGHUP, POST
// /api/v1/reload) into one bounded queue consumed by a single task, so that
// reload passes never overlap and a burst of triggers costs one pass.
type reloader struct {
	triggers chan string
	debounce time.Duration
	pass     func(ctx context.Context, cause string)
}

func newReloader(debounce time.Duration, pass func(ctx context.Context, cause string)) *reloader {
	return &reloader{triggers: make(chan string, reloadQueueSize), debounce: debounce, pass: pass}
}

// Trigger queues a reload without waiting; it reports false when the queue
// is full (the API answers 429 then).
func (r *reloader) Trigger(cause string) bool {
	select {
	case r.triggers <- cause:
		return true
	default:
		return false
	}
}

// Run performs reload passes until ctx ends: it takes one trigger, waits the
// debounce interval, discards the triggers queued meanwhile and runs one
// pass.
func (r *reloader) Run(ctx context.Context) {
	for {
		var cause string
		select {
		case <-ctx.Done():
			return
		case cause = <-r.triggers:
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(r.debounce):
		}
		for drained := false; !drained; {
			select {
			case <-r.triggers:
			default:
				drained = true
			}
		}
		r.pass(ctx, cause)
	}
}
