package natsfetch_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	natsgo "github.com/nats-io/nats.go"

	"github.com/rsigma-connect/rsigma-connect/internal/natstest"
	"github.com/rsigma-connect/rsigma-connect/source"
	"github.com/rsigma-connect/rsigma-connect/source/fetch/natsfetch"
)

// publishUntil publishes data on subject every 20ms until stop is closed.
func publishUntil(t *testing.T, url, subject string, data func() string, stop <-chan struct{}) {
	t.Helper()
	nc, err := natsgo.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		defer nc.Close()
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				_ = nc.Publish(subject, []byte(data()))
			}
		}
	}()
}

func TestNATSSourceResolvesFromTheNextMessage(t *testing.T) {
	url := natstest.URL(natstest.Start(t, nil))
	srcs, err := source.Parse("s.yml", []byte("sources: [{id: feed, type: nats, url: '"+url+"', subject: feeds.ips, timeout: 5s, extract: .ips}]"))
	if err != nil {
		t.Fatal(err)
	}
	if !srcs[0].Type.Remote() {
		t.Fatal("nats sources are remote")
	}
	stop := make(chan struct{})
	defer close(stop)
	publishUntil(t, url, "feeds.ips", func() string { return `{"ips":["10.0.0.1"]}` }, stop)
	r := source.NewResolver(srcs, source.Options{Transports: transports})
	if err := r.ResolveAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v, _ := r.Value("feed"); !reflect.DeepEqual(v, []any{"10.0.0.1"}) {
		t.Fatalf("value = %#v", v)
	}
}

func TestNATSSourceTimesOutWithoutPublisher(t *testing.T) {
	url := natstest.URL(natstest.Start(t, nil))
	srcs, _ := source.Parse("s.yml", []byte("sources: [{id: feed, type: nats, url: '"+url+"', subject: quiet, timeout: 100ms, on_error: fail}]"))
	err := source.NewResolver(srcs, source.Options{Transports: transports}).ResolveAll(context.Background())
	var re *source.ResolveError
	if err == nil || !strings.Contains(err.Error(), "feed") || !asResolveError(err, &re) || re.Kind != source.KindTimeout {
		t.Fatalf("err = %v, want a timeout", err)
	}
}

func asResolveError(err error, re **source.ResolveError) bool {
	for err != nil {
		if x, ok := err.(*source.ResolveError); ok {
			*re = x
			return true
		}
		u, ok := err.(interface{ Unwrap() []error })
		if !ok {
			return false
		}
		errs := u.Unwrap()
		if len(errs) == 0 {
			return false
		}
		err = errs[0]
	}
	return false
}

func TestNATSPushUpdatesTheValue(t *testing.T) {
	url := natstest.URL(natstest.Start(t, nil))
	srcs, _ := source.Parse("s.yml", []byte("sources: [{id: feed, type: nats, url: '"+url+"', subject: feeds.push, refresh: push, timeout: 200ms, required: false, on_error: use_default, default: []}]"))
	r := source.NewResolver(srcs, source.Options{Transports: transports})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_ = r.ResolveAll(ctx) // nothing published yet: the default
	if v, _ := r.Value("feed"); !reflect.DeepEqual(v, []any{}) {
		t.Fatalf("initial value = %#v", v)
	}
	go r.Run(ctx)
	stop := make(chan struct{})
	defer close(stop)
	publishUntil(t, url, "feeds.push", func() string { return `["pushed"]` }, stop)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if v, _ := r.Value("feed"); reflect.DeepEqual(v, []any{"pushed"}) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	v, _ := r.Value("feed")
	t.Fatalf("value after pushes = %#v", v)
}

func TestNATSSourceValidation(t *testing.T) {
	for _, tc := range []struct{ decl, want string }{
		{"{id: a, type: nats, url: 'http://x', subject: s}", "expected a nats:// URL"},
		{"{id: a, type: nats, url: 'nats://x:4222', subject: 'feeds.>'}", "without wildcards"},
		{"{id: a, type: file, path: x, refresh: push}", "push is only valid for nats sources"},
	} {
		if _, err := source.Parse("s.yml", []byte("sources: ["+tc.decl+"]")); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.decl, err, tc.want)
		}
	}
}

// transports are the transports the tests' resolvers use.
var transports = map[source.Type]source.Transport{source.TypeNATS: natsfetch.Transport{}}
