package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func postEvents(t *testing.T, url, body string) (int, map[string]any, http.Header) {
	t.Helper()
	resp, err := http.Post(url, "application/x-ndjson", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return resp.StatusCode, m, resp.Header
}

func drain(q *LineQueue) []string {
	var got []string
	for {
		line, ok := q.TryPop()
		if !ok {
			return got
		}
		got = append(got, string(line))
	}
}

func TestEventsHandler(t *testing.T) {
	bigLine := strings.Repeat("a", MaxLineBytes+1)
	for _, tc := range []struct {
		name       string
		body       string
		wantStatus int
		wantBody   map[string]any
		wantQueued []string
	}{
		{"one JSON document without newline is one event", `{"a":1}`, 200,
			map[string]any{"accepted": 1.0}, []string{`{"a":1}`}},
		{"NDJSON batch", "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n", 200,
			map[string]any{"accepted": 3.0}, []string{`{"a":1}`, `{"a":2}`, `{"a":3}`}},
		{"CRLF and blank lines", "x\r\n\r\n  \t\ny\n", 200,
			map[string]any{"accepted": 2.0}, []string{"x", "y"}},
		{"lines that will fail to parse still count", "not json\n{\"a\":1}", 200,
			map[string]any{"accepted": 2.0}, []string{"not json", `{"a":1}`}},
		{"overlong line stops with 413 and keeps earlier lines", "first\n" + bigLine + "\nlast", 413,
			map[string]any{"error": "line exceeds maximum size", "max_bytes": float64(MaxLineBytes)}, []string{"first"}},
		{"invalid UTF-8 is rejected", "ok\n\xff\xfe", 400,
			map[string]any{"error": "request body is not valid UTF-8"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := NewLineQueue(16, QueueHooks{})
			srv := httptest.NewServer(EventsHandler(q, nil))
			defer srv.Close()
			status, body, _ := postEvents(t, srv.URL, tc.body)
			if status != tc.wantStatus {
				t.Fatalf("status = %d, want %d (body %v)", status, tc.wantStatus, body)
			}
			for k, v := range tc.wantBody {
				if body[k] != v {
					t.Errorf("body[%q] = %v, want %v", k, body[k], v)
				}
			}
			if got := drain(q); strings.Join(got, "|") != strings.Join(tc.wantQueued, "|") {
				t.Errorf("queued %q, want %q", got, tc.wantQueued)
			}
		})
	}
}

func TestEventsHandlerRejects(t *testing.T) {
	t.Run("body over 2 MiB is 413", func(t *testing.T) {
		q := NewLineQueue(4, QueueHooks{})
		srv := httptest.NewServer(EventsHandler(q, nil))
		defer srv.Close()
		body := strings.Repeat(strings.Repeat("b", 1000)+"\n", MaxBodyBytes/1000+2)
		status, _, _ := postEvents(t, srv.URL, body)
		if status != http.StatusRequestEntityTooLarge || q.Len() != 0 {
			t.Fatalf("status %d, queued %d; want 413 and nothing queued", status, q.Len())
		}
	})
	t.Run("ingestion disabled is 404 with an error", func(t *testing.T) {
		srv := httptest.NewServer(EventsHandler(nil, nil))
		defer srv.Close()
		status, body, _ := postEvents(t, srv.URL, `{}`)
		if status != 404 || !strings.Contains(body["error"].(string), "--input http") {
			t.Fatalf("got %d %v", status, body)
		}
	})
	t.Run("wrong method is 405 with Allow", func(t *testing.T) {
		srv := httptest.NewServer(EventsHandler(NewLineQueue(1, QueueHooks{}), nil))
		defer srv.Close()
		resp, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" {
			t.Fatalf("got %d Allow=%q", resp.StatusCode, resp.Header.Get("Allow"))
		}
	})
	t.Run("closed queue is 503 with the count so far", func(t *testing.T) {
		q := NewLineQueue(4, QueueHooks{})
		q.Close()
		srv := httptest.NewServer(EventsHandler(q, nil))
		defer srv.Close()
		status, body, _ := postEvents(t, srv.URL, "a\nb")
		if status != 503 || body["error"] != "event channel closed" || body["accepted"] != 0.0 {
			t.Fatalf("got %d %v", status, body)
		}
	})
}

func TestEventsHandlerWaitsWhenQueueIsFull(t *testing.T) {
	var enq, deq, pressure atomic.Int64
	waiting := make(chan struct{}) // closed when the handler first finds the queue full
	var once sync.Once
	q := NewLineQueue(1, QueueHooks{
		Enqueued:     func() { enq.Add(1) },
		Dequeued:     func() { deq.Add(1) },
		BackPressure: func() { pressure.Add(1); once.Do(func() { close(waiting) }) },
	})
	srv := httptest.NewServer(EventsHandler(q, nil))
	defer srv.Close()
	got := make(chan []string, 1)
	go func() {
		var lines []string
		select { // consume only once the producer waits: back-pressure is certain
		case <-waiting:
		case <-time.After(10 * time.Second): // no back-pressure: failed below
		}
		for len(lines) < 5 {
			line, err := q.Pop(context.Background())
			if err != nil {
				break
			}
			lines = append(lines, string(line))
		}
		got <- lines
	}()
	status, body, _ := postEvents(t, srv.URL, "1\n2\n3\n4\n5")
	var lines []string
	select {
	case lines = <-got:
	case <-time.After(10 * time.Second):
		t.Fatalf("the consumer has not got 5 lines within 10s (back-pressure %d, enqueued %d)", pressure.Load(), enq.Load())
	}
	if status != 200 || body["accepted"] != 5.0 || strings.Join(lines, "") != "12345" {
		t.Fatalf("status %d body %v lines %q", status, body, lines)
	}
	if pressure.Load() == 0 || enq.Load() != 5 || deq.Load() != 5 {
		t.Fatalf("hooks: back-pressure %d, enqueued %d, dequeued %d", pressure.Load(), enq.Load(), deq.Load())
	}
}

func TestLineQueueDrainsAfterClose(t *testing.T) {
	q := NewLineQueue(4, QueueHooks{})
	ctx := context.Background()
	for _, s := range []string{"a", "b"} {
		if err := q.Push(ctx, []byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	q.Close()
	if err := q.Push(ctx, []byte("c")); err != ErrQueueClosed {
		t.Fatalf("push after close: %v", err)
	}
	var got []string
	for {
		line, err := q.Pop(ctx)
		if err != nil {
			if err != ErrQueueClosed {
				t.Fatal(err)
			}
			break
		}
		got = append(got, string(line))
	}
	if strings.Join(got, "") != "ab" {
		t.Fatalf("drained %q", got)
	}
}

func TestLineQueueKeepsTheJSONMark(t *testing.T) {
	q := NewLineQueue(4, QueueHooks{})
	ctx := context.Background()
	if err := q.Push(ctx, []byte("line")); err != nil {
		t.Fatal(err)
	}
	if err := q.PushJSON(ctx, []byte(`{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	line, isJSON, err := q.PopItem(ctx)
	if err != nil || string(line) != "line" || isJSON {
		t.Fatalf("first = %q json=%v err=%v", line, isJSON, err)
	}
	line, isJSON, ok := q.TryPopItem()
	if !ok || string(line) != `{"a":1}` || !isJSON {
		t.Fatalf("second = %q json=%v ok=%v", line, isJSON, ok)
	}
}
