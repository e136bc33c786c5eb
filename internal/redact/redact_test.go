package redact

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	for in, want := range map[string]string{
		"nats://alice:s3cret@127.0.0.1:4222/events.>":  "nats://***@127.0.0.1:4222/events.>",
		"nats://tok3n@127.0.0.1:4222":                  "nats://***@127.0.0.1:4222",
		"https://u:p@w@host/path?q=a@b#f@g":            "https://***@host/path?q=a@b#f@g",
		"nats://127.0.0.1:4222/events.>":               "nats://127.0.0.1:4222/events.>",
		"http://host/a@b":                              "http://host/a@b",
		"stdout":                                       "stdout",
		"file:///var/log/x@y.ndjson":                   "file:///var/log/x@y.ndjson",
		"https://feed.example/ioc?apikey=k3y&day=1":    "https://feed.example/ioc?apikey=***&day=1",
		"https://h/x?day=1&API_KEY=k&Access-Token=t#k": "https://h/x?day=1&API_KEY=***&Access-Token=***#k",
		"https://b.s3.example/o?X-Amz-Signature=ab12":  "https://b.s3.example/o?X-Amz-Signature=***",
		"https://u:p@h/x?token=t&keep=token":           "https://***@h/x?token=***&keep=token",
		"https://h/x?key&monkey=1&key=":                "https://h/x?key&monkey=1&key=***",
		"not a url?token=t":                            "not a url?token=t",
	} {
		if got := URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHTTPErrorHidesATokenUserName(t *testing.T) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://t0ken@127.0.0.1:1/x", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = http.DefaultClient.Do(req)
	if err == nil || !strings.Contains(err.Error(), "t0ken") {
		t.Fatalf("net/http error %v: expected it to show the token (else this test shows nothing)", err)
	}
	masked := HTTPError(err)
	if strings.Contains(masked.Error(), "t0ken") || !strings.Contains(masked.Error(), "http://***@127.0.0.1:1/x") {
		t.Fatalf("masked error %q", masked)
	}
	if !errors.Is(masked, errors.Unwrap(err)) {
		t.Fatalf("masked error %v no longer wraps %v", masked, errors.Unwrap(err))
	}
	if plain := errors.New("x"); HTTPError(plain) != plain {
		t.Fatal("a plain error changed")
	}
}

func TestHTTPErrorHidesAQueryKey(t *testing.T) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://127.0.0.1:1/ioc?apikey=s3cret&day=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = http.DefaultClient.Do(req)
	if err == nil || !strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("net/http error %v: expected it to show the key (else this test shows nothing)", err)
	}
	if masked := HTTPError(err).Error(); strings.Contains(masked, "s3cret") || !strings.Contains(masked, "/ioc?apikey=***&day=1") {
		t.Fatalf("masked error %q", masked)
	}
}
