package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkEventsHandler measures NDJSON ingest through a real HTTP
// round trip: 1000-line bodies pushed onto a queue drained concurrently.
func BenchmarkEventsHandler(b *testing.B) {
	q := NewLineQueue(10000, QueueHooks{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for {
			if _, err := q.Pop(ctx); err != nil {
				return
			}
		}
	}()
	srv := httptest.NewServer(EventsHandler(q, nil))
	defer srv.Close()
	body := strings.Repeat(`{"CommandLine":"C:\\Windows\\System32\\cmd.exe /c whoami","User":"alice"}`+"\n", 1000)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resp, err := http.Post(srv.URL, "application/x-ndjson", strings.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "lines/s")
}
