package exporter

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/push"
)

// PushOptions push the registry to a Prometheus Pushgateway.
type PushOptions struct {
	URL, Job string
	// Interval between pushes; 0 pushes only when the exporter closes.
	Interval time.Duration
	// Username and Password, when Username is set, authenticate with HTTP
	// basic auth.
	Username, Password string
	// Failed is told about a push that failed (the next one is tried as
	// usual); nil ignores failures.
	Failed func(error)
}

// pushLoop pushes a registry every interval until stopped.
type pushLoop struct {
	pusher *push.Pusher
	failed func(error)
	cancel context.CancelFunc
	done   sync.WaitGroup
}

func startPush(reg *prometheus.Registry, o PushOptions) *pushLoop {
	p := push.New(o.URL, o.Job).Gatherer(reg)
	if o.Username != "" {
		p = p.BasicAuth(o.Username, o.Password)
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &pushLoop{pusher: p, failed: o.Failed, cancel: cancel}
	if o.Interval > 0 {
		l.done.Add(1)
		go l.run(ctx, o.Interval)
	}
	return l
}

func (l *pushLoop) run(ctx context.Context, every time.Duration) {
	defer l.done.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := l.pusher.PushContext(ctx); err != nil && ctx.Err() == nil && l.failed != nil {
				l.failed(err)
			}
		}
	}
}

// stop ends the loop and pushes once more, so that the gateway holds the
// final values.
func (l *pushLoop) stop(ctx context.Context) error {
	l.cancel()
	l.done.Wait()
	if err := l.pusher.PushContext(ctx); err != nil {
		return fmt.Errorf("push_url: %w", err)
	}
	return nil
}
