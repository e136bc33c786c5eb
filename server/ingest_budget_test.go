package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// counterValue reads one counter.
func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

func TestIngestBudget(t *testing.T) {
	b := NewIngestBudget(100)
	first, second := b.Claim(IngestEvents), b.Claim(IngestOTLPHTTP)
	if err := first.Grow(60); err != nil {
		t.Fatal(err)
	}
	if err := second.Grow(50); !errors.Is(err, ErrIngestBusy) {
		t.Fatalf("second claim over what is left: %v, want ErrIngestBusy", err)
	}
	if err := second.Grow(41); !errors.Is(err, ErrIngestBusy) {
		t.Fatalf("a refused claim keeps failing to count once: %v", err)
	}
	if got := counterValue(t, b.rejected.WithLabelValues(IngestOTLPHTTP, ReasonBudget)); got != 1 {
		t.Fatalf("rejected{otlp_http,budget} = %v, want 1 (once per claim)", got)
	}
	if err := first.Grow(41); !errors.Is(err, ErrIngestTooLarge) {
		t.Fatalf("a claim beyond the whole budget: %v, want ErrIngestTooLarge", err)
	}

	hold := first.Hold(50) // e.g. the lines of a body, queued
	first.Release()
	if b.Held() != 50 {
		t.Fatalf("held %d after the request ended, want the 50 its queued lines hold", b.Held())
	}
	shared := hold.Share()
	hold.Release()
	if b.Held() != 50 {
		t.Fatalf("held %d with one owner left, want 50", b.Held())
	}
	shared.Release()
	if b.Held() != 0 {
		t.Fatalf("held %d after the last owner, want 0", b.Held())
	}
	if err := second.Grow(100); err != nil {
		t.Fatalf("the whole budget is free again: %v", err)
	}
	second.Shrink(-10) // nothing: a claim cannot grow by shrinking
	second.Release()
	if b.Held() != 0 {
		t.Fatalf("held %d after every claim was released, want 0", b.Held())
	}

	var unbounded *IngestBudget
	c := unbounded.Claim(IngestEvents)
	if err := c.Grow(1 << 40); err != nil {
		t.Fatalf("a nil budget admits everything: %v", err)
	}
	c.Hold(10).Release()
	c.Release()
}

// TestEventsHandlerBudget: POST /api/v1/events reads its body within the
// ingest budget, and the body stays counted while its lines are queued.
func TestEventsHandlerBudget(t *testing.T) {
	line := strings.Repeat("x", 1000) + "\n"
	body := strings.Repeat(line, 900) // 900 KB

	t.Run("queued_lines_hold_the_body_until_taken", func(t *testing.T) {
		b := NewIngestBudget(2 << 20)
		q := NewLineQueue(1000, QueueHooks{})
		srv := httptest.NewServer(EventsHandler(q, b))
		defer srv.Close()
		if status, m, _ := postEvents(t, srv.URL, body); status != 200 || m["accepted"] != 900.0 {
			t.Fatalf("first body: %d %v", status, m)
		}
		if b.Held() < int64(len(body)) {
			t.Fatalf("held %d while its lines are queued, want at least the %d-byte body", b.Held(), len(body))
		}
		status, m, header := postEvents(t, srv.URL, body)
		if status != http.StatusTooManyRequests || header.Get("Retry-After") != RetryAfterSeconds ||
			m["error"] != ErrIngestBusy.Error() {
			t.Fatalf("second body while the first is queued: %d %v Retry-After %q, want 429", status, m, header.Get("Retry-After"))
		}
		if q.Len() != 900 {
			t.Fatalf("%d lines queued, want only the first body's 900", q.Len())
		}
		drain(q)
		if b.Held() != 0 {
			t.Fatalf("held %d once every line was taken, want 0", b.Held())
		}
		if status, _, _ := postEvents(t, srv.URL, body); status != 200 {
			t.Fatalf("after the queue drained: %d, want 200", status)
		}
		if got := counterValue(t, b.rejected.WithLabelValues(IngestEvents, ReasonBudget)); got != 1 {
			t.Fatalf("rejected{events,budget} = %v, want 1", got)
		}
	})

	t.Run("blank_padding_is_held_with_the_line", func(t *testing.T) {
		b := NewIngestBudget(4 << 20)
		q := NewLineQueue(10, QueueHooks{})
		srv := httptest.NewServer(EventsHandler(q, b))
		defer srv.Close()
		padded := "{}\n" + strings.Repeat(" ", 1<<20)
		if status, m, _ := postEvents(t, srv.URL, padded); status != 200 || m["accepted"] != 1.0 {
			t.Fatalf("%d %v", status, m)
		}
		if b.Held() < int64(len(padded)) {
			t.Fatalf("held %d for one 2-byte line keeping a %d-byte body alive, want the whole body", b.Held(), len(padded))
		}
	})

	t.Run("body_larger_than_the_budget_is_413", func(t *testing.T) {
		b := NewIngestBudget(64 << 10)
		q := NewLineQueue(1000, QueueHooks{})
		srv := httptest.NewServer(EventsHandler(q, b))
		defer srv.Close()
		status, _, _ := postEvents(t, srv.URL, body)
		if status != http.StatusRequestEntityTooLarge || q.Len() != 0 || b.Held() != 0 {
			t.Fatalf("status %d, %d queued, %d held; want 413, nothing queued or held", status, q.Len(), b.Held())
		}
		if got := counterValue(t, b.rejected.WithLabelValues(IngestEvents, ReasonTooLarge)); got != 1 {
			t.Fatalf("rejected{events,too_large} = %v, want 1", got)
		}
	})

	t.Run("a_failed_push_releases_its_share", func(t *testing.T) {
		b := NewIngestBudget(1 << 20)
		q := NewLineQueue(10, QueueHooks{})
		q.Close()
		claim := b.Claim(IngestEvents)
		if err := claim.Grow(100); err != nil {
			t.Fatal(err)
		}
		hold := claim.Hold(100)
		if err := q.PushHeld(context.Background(), []byte("x"), false, hold.Share()); !errors.Is(err, ErrQueueClosed) {
			t.Fatal(err)
		}
		hold.Release()
		claim.Release()
		if b.Held() != 0 {
			t.Fatalf("held %d after a refused push, want 0", b.Held())
		}
	})
}

// TestClaimReadAllPaysAsDataArrives: a body announcing 1 MiB that has sent
// 10 bytes holds a small buffer, not its announced length, so slow clients
// cannot reserve the budget.
func TestClaimReadAllPaysAsDataArrives(t *testing.T) {
	b := NewIngestBudget(DefaultIngestBudgetBytes)
	claim := b.Claim(IngestEvents)
	pr, pw := io.Pipe()
	read := make(chan []byte)
	go func() {
		body, _ := claim.ReadAll(pr, 1<<20)
		read <- body
	}()
	if _, err := pw.Write([]byte("0123456789")); err != nil {
		t.Fatal(err)
	}
	if held := b.Held(); held > readChunkBytes {
		t.Fatalf("%d bytes held for 10 bytes received of an announced 1 MiB, want at most %d", held, readChunkBytes)
	}
	full := strings.Repeat("x", 1<<20-10)
	if _, err := io.WriteString(pw, full); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	var body []byte
	select {
	case body = <-read:
	case <-time.After(30 * time.Second):
		t.Fatal("ReadAll has not returned within 30s of the end of the body")
	}
	if len(body) != 1<<20 || cap(body) != 1<<20+1 || b.Held() != int64(cap(body)) {
		t.Fatalf("read %d bytes into a buffer of %d, %d held; want 1 MiB in 1 MiB+1, all of it held", len(body), cap(body), b.Held())
	}
	claim.Release()
}
