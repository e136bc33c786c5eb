package source

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// startupRetryDelay is how long after startup optional sources that failed
// are retried once.
const startupRetryDelay = 5 * time.Second

// Run re-resolves sources in the background until ctx ends: queued
// triggers (Trigger), interval timers, file watches (refresh: watch), NATS
// pushes (refresh: push) and a single retry of optional sources that
// failed at startup.
func (r *Resolver) Run(ctx context.Context) {
	for _, s := range r.sources {
		switch s.Refresh {
		case RefreshInterval:
			go r.every(ctx, s)
		case RefreshPush:
			go r.push(ctx, s)
		}
	}
	if w := r.watch(); w != nil {
		defer w.Close()
		go r.forwardWatch(ctx, w)
	}
	var retry <-chan time.Time
	if len(r.retry) > 0 {
		t := time.NewTimer(startupRetryDelay)
		defer t.Stop()
		retry = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case id := <-r.triggers:
			if id == "" {
				_ = r.resolveEach(ctx)
			} else {
				_ = r.Resolve(ctx, id)
			}
		case <-retry:
			for _, id := range r.retry {
				_ = r.Resolve(ctx, id)
			}
		}
	}
}

// Refresh re-resolves every source now (a full reload), keeping going past
// failures; each failure leaves the value its error policy gives. It
// returns the first error of a source left without a value.
func (r *Resolver) Refresh(ctx context.Context) error { return r.resolveEach(ctx) }

// resolveEach re-resolves every source, keeping going past failures.
func (r *Resolver) resolveEach(ctx context.Context) error {
	var first error
	for _, s := range r.sources {
		if err := r.resolve(ctx, s); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// push keeps the source's transport pushing values (refresh: push): every
// value published becomes the source's new value. It returns when ctx ends.
func (r *Resolver) push(ctx context.Context, s *Source) {
	p, ok := r.opts.Transports[s.Type].(Pusher)
	if !ok {
		r.opts.Logger.Warn("dynamic source cannot push, pushes disabled", "source_id", s.ID, "type", string(s.Type))
		return
	}
	p.Push(ctx, s, func(data []byte) {
		_ = r.resolveWith(ctx, s, func() ([]byte, error) {
			if int64(len(data)) > s.MaxBytes {
				return nil, &ResolveError{ID: s.ID, Kind: KindResourceLimit, Err: fmt.Errorf("message exceeds %d bytes", s.MaxBytes)}
			}
			return data, nil
		})
	}, r.opts.Logger)
}

func (r *Resolver) every(ctx context.Context, s *Source) {
	t := time.NewTicker(s.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_ = r.resolve(ctx, s)
		}
	}
}

// watch starts a watcher on the directories of file sources with
// refresh: watch (directories survive editors that replace files).
func (r *Resolver) watch() *fsnotify.Watcher {
	var w *fsnotify.Watcher
	for _, s := range r.sources {
		if s.Refresh != RefreshWatch {
			continue
		}
		if w == nil {
			var err error
			if w, err = fsnotify.NewWatcher(); err != nil {
				r.opts.Logger.Warn("cannot watch dynamic source files", "error", err.Error())
				return nil
			}
		}
		if err := w.Add(filepath.Dir(s.Path)); err != nil {
			r.opts.Logger.Warn("cannot watch dynamic source file", "source_id", s.ID, "error", err.Error())
		}
	}
	return w
}

func (r *Resolver) forwardWatch(ctx context.Context, w *fsnotify.Watcher) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			for _, s := range r.sources {
				if s.Refresh == RefreshWatch && filepath.Clean(ev.Name) == filepath.Clean(s.Path) {
					_ = r.resolve(ctx, s)
				}
			}
		case _, ok := <-w.Errors:
			if !ok {
				return
			}
		}
	}
}
