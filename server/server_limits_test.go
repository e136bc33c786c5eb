package server

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/certtest"
	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

// limitedServer is a Server on 127.0.0.1:0 behind a ConnLimiter, with
// /healthz, /readyz, POST /api/v1/events and a handler that writes its
// header twice (which net/http reports through the error log).
type limitedServer struct {
	addr    string
	limiter *ConnLimiter
	log     *syncBuffer
	queue   *LineQueue // behind POST /api/v1/events, 100 lines
}

func startLimitedServer(t *testing.T, maxConns int, timeouts Timeouts) *limitedServer {
	t.Helper()
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &limitedServer{addr: ln.Addr().String(), limiter: LimitConnections(ln, maxConns), log: &syncBuffer{}}
	mux := NewMux()
	HandleHealth(mux, func() bool { return true })
	s.queue = NewLineQueue(100, QueueHooks{})
	mux.HandleFunc("/api/v1/events", EventsHandler(s.queue, NewIngestBudget(DefaultIngestBudgetBytes)))
	mux.HandleFunc("/big", func(w http.ResponseWriter, _ *http.Request) {
		chunk := make([]byte, 1<<20)
		for range 256 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/twice", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.WriteHeader(http.StatusOK)
	})
	srv := New(s.limiter, mux, Options{
		Log:         slog.New(slog.NewJSONHandler(s.log, nil)),
		Timeouts:    timeouts,
		Connections: s.limiter,
	})
	go func() { _ = srv.Serve() }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return s
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// closedWithin reads c until the server closes it and reports how long
// that took; the test fails if it stays open for limit.
func closedWithin(t *testing.T, c net.Conn, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	_ = c.SetReadDeadline(start.Add(limit))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("connection still open after %v", limit)
	}
	return time.Since(start)
}

// rawRequest sends raw on a new connection and returns the response.
func rawRequest(t *testing.T, addr, raw string) (*http.Response, net.Conn) {
	t.Helper()
	c := dial(t, addr)
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp, c
}

func TestServerTimeouts(t *testing.T) {
	timeouts := Timeouts{ReadHeader: 300 * time.Millisecond, Read: 600 * time.Millisecond, Write: time.Second, Idle: 400 * time.Millisecond}
	s := startLimitedServer(t, 100, timeouts)

	t.Run("a_body_sent_a_byte_at_a_time_is_cut_at_the_read_timeout", func(t *testing.T) {
		c := dial(t, s.addr)
		if _, err := io.WriteString(c, "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{"); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		defer close(done)
		go func() { // keeps the body coming, so that only the read timeout can end it
			tick := time.NewTicker(50 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-done:
					return
				case <-tick.C:
					if _, err := io.WriteString(c, "x"); err != nil {
						return
					}
				}
			}
		}()
		closedWithin(t, c, 10*time.Second)
	})
	t.Run("a_silent_connection_is_cut_at_the_header_timeout", func(t *testing.T) {
		closedWithin(t, dial(t, s.addr), 10*time.Second)
	})
	t.Run("a_client_that_does_not_read_its_response_is_cut_at_the_write_timeout", func(t *testing.T) {
		before := s.limiter.connections()
		c := dial(t, s.addr)
		if _, err := io.WriteString(c, "GET /big HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		waitOpen(t, s.limiter, before+1)
		waitOpen(t, s.limiter, before) // the server gave up writing and closed it
	})
	t.Run("a_handler_waiting_for_queue_space_longer_than_the_write_timeout_still_answers", func(t *testing.T) {
		for range 100 { // a full queue: the next line waits
			if err := s.queue.Push(context.Background(), []byte("{}")); err != nil {
				t.Fatal(err)
			}
		}
		type answer struct {
			resp *http.Response
			err  error
		}
		answered := make(chan answer, 1)
		go func() {
			resp, err := http.Post("http://"+s.addr+"/api/v1/events", "application/x-ndjson", strings.NewReader(`{"late":1}`))
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			answered <- answer{resp, err}
		}()
		select {
		case a := <-answered:
			t.Fatalf("answered while the queue was full: %v %v", a.resp, a.err)
		case <-time.After(3 * timeouts.Write): // waiting is the behaviour under test
		}
		drain(s.queue)
		var a answer
		select {
		case a = <-answered:
		case <-time.After(30 * time.Second):
			t.Fatal("no answer within 30s of draining the queue")
		}
		if a.err != nil || a.resp.StatusCode != http.StatusOK {
			t.Fatalf("after %v of back-pressure: %v %v, want 200", 3*timeouts.Write, a.resp, a.err)
		}
	})
	t.Run("an_idle_kept_alive_connection_is_cut_at_the_idle_timeout", func(t *testing.T) {
		resp, c := rawRequest(t, s.addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		if resp.StatusCode != 200 || resp.Close {
			t.Fatalf("status %d, close %v: want a kept-alive 200", resp.StatusCode, resp.Close)
		}
		closedWithin(t, c, 10*time.Second)
	})
}

func TestConnLimiter(t *testing.T) {
	long := Timeouts{ReadHeader: time.Minute, Read: time.Minute, Write: time.Minute, Idle: time.Minute}
	s := startLimitedServer(t, 2, long)

	// Two clients take the limit and hold it with half a request.
	held := []net.Conn{dial(t, s.addr), dial(t, s.addr)}
	for _, c := range held {
		if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\n"); err != nil {
			t.Fatal(err)
		}
	}
	waitOpen(t, s.limiter, 2)

	resp, c := rawRequest(t, s.addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode != 200 || !resp.Close {
		t.Fatalf("/healthz over the limit: %d close=%v, want 200 and the connection closed", resp.StatusCode, resp.Close)
	}
	closedWithin(t, c, 5*time.Second)
	resp, _ = rawRequest(t, s.addr, "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode != 200 {
		t.Fatalf("/readyz over the limit: %d, want 200", resp.StatusCode)
	}
	resp, _ = rawRequest(t, s.addr, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode == http.StatusServiceUnavailable {
		t.Fatalf("/metrics over the limit: 503, want it served (this mux has none: 404)")
	}
	resp, _ = rawRequest(t, s.addr, "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("ingest over the limit: %d Retry-After %q, want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if got := counterValue(t, s.limiter.rejected.WithLabelValues(RejectProbeLane)); got != 1 {
		t.Fatalf("rejected{probe_lane} = %v, want 1", got)
	}

	// Silent clients fill the probe lane; a probe still gets in, in the
	// place of the oldest of them.
	waitOpen(t, s.limiter, 2) // the answered probe-lane connections are gone
	var lane []net.Conn
	for range ProbeConnections {
		lane = append(lane, dial(t, s.addr))
		waitOpen(t, s.limiter, int64(2+len(lane))) // in order, so that lane[0] is the oldest
	}
	resp, _ = rawRequest(t, s.addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode != 200 {
		t.Fatalf("/healthz with the probe lane full: %d, want 200", resp.StatusCode)
	}
	if took := closedWithin(t, lane[0], 5*time.Second); took > time.Second {
		t.Fatalf("the oldest probe-lane connection stayed %v, want it closed for the probe", took)
	}
	if got := counterValue(t, s.limiter.rejected.WithLabelValues(RejectEvicted)); got != 1 {
		t.Fatalf("rejected{evicted} = %v, want 1", got)
	}
	// The probe lane empties itself: its connections live ProbeLifetime.
	for _, c := range lane[1:] {
		closedWithin(t, c, ProbeLifetime+5*time.Second)
	}

	// Once the held clients go, new ones are served normally again.
	for _, c := range held {
		_ = c.Close()
	}
	waitOpen(t, s.limiter, 0)
	resp, _ = rawRequest(t, s.addr, "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
	if resp.StatusCode != 200 {
		t.Fatalf("ingest under the limit: %d, want 200", resp.StatusCode)
	}
}

// waitOpen waits until the limiter counts n open connections.
func waitOpen(t *testing.T, l *ConnLimiter, n int64) {
	t.Helper()
	poll.Wait(t, 10*time.Second, fmt.Sprintf("%d open connections", n), func() bool { return l.connections() == n })
}

// TestServerErrorLogIsJSON: what net/http reports about a connection goes
// through the daemon's logger, not as plain lines on stderr.
func TestServerErrorLogIsJSON(t *testing.T) {
	s := startLimitedServer(t, 100, Timeouts{})
	rawRequest(t, s.addr, "GET /twice HTTP/1.1\r\nHost: x\r\n\r\n")
	poll.Wait(t, 10*time.Second, "the superfluous-WriteHeader report in the log", func() bool {
		return strings.Contains(s.log.String(), "superfluous")
	})
	var line struct {
		Level, Msg string
	}
	first := strings.SplitN(s.log.String(), "\n", 2)[0]
	if err := json.Unmarshal([]byte(first), &line); err != nil || line.Level != "WARN" {
		t.Fatalf("log line %q: %v, want a JSON WARN line", first, err)
	}
}

// TestConnLimiterUnderTLS: the limiter sits below the TLS listener, and a
// probe-lane connection is still recognised once wrapped in TLS.
func TestConnLimiterUnderTLS(t *testing.T) {
	ca := certtest.NewCA(t, "ca")
	store, err := NewCertStore(newServerFiles(t, ca, t.TempDir(), "srv"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	limiter := LimitConnections(raw, 1)
	mux := NewMux()
	HandleHealth(mux, func() bool { return true })
	mux.HandleFunc("/api/v1/events", EventsHandler(NewLineQueue(10, QueueHooks{}), nil))
	srv := New(NewTLSListener(limiter, store, slog.New(slog.DiscardHandler)), mux, Options{Connections: limiter})
	go func() { _ = srv.Serve() }()
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })

	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca.PEM)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true,
		TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "localhost"}}}
	base := "https://" + raw.Addr().String()

	held, err := tls.Dial("tcp", raw.Addr().String(), &tls.Config{RootCAs: pool, ServerName: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	waitOpen(t, limiter, 1)
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200} {
		resp, err := client.Get(base + path)
		if err != nil || resp.StatusCode != want {
			t.Fatalf("GET %s over the limit, through TLS: %v %v, want %d", path, resp, err, want)
		}
		resp.Body.Close()
	}
	resp, err := client.Post(base+"/api/v1/events", "application/x-ndjson", strings.NewReader("{}"))
	if err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("ingest over the limit, through TLS: %v %v, want 503", resp, err)
	}
	resp.Body.Close()
}
