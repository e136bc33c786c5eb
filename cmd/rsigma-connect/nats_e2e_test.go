package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
	"github.com/rsigma-connect/rsigma-connect/internal/natstest"
)

// jetStreamServer runs an embedded JetStream server on a random port and
// returns its URL and a client JetStream context.
func jetStreamServer(t testing.TB, tweak func(*server.Options), clientOpts ...natsgo.Option) (string, jetstream.JetStream) {
	t.Helper()
	var authorization string
	s := natstest.Start(t, func(o *server.Options) {
		if tweak != nil {
			tweak(o)
		}
		authorization = o.Authorization
	})
	url := natstest.URL(s)
	if authorization != "" {
		clientOpts = append(clientOpts, natsgo.Token(authorization))
	}
	nc, err := natsgo.Connect(url, clientOpts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return url, js
}

func publishLines(t testing.TB, js jetstream.JetStream, subject string, lines []string) {
	t.Helper()
	for i := 0; i < len(lines); i += 1000 {
		var futures []jetstream.PubAckFuture
		for _, l := range lines[i:min(i+1000, len(lines))] {
			f, err := js.PublishAsync(subject, []byte(l))
			if err != nil {
				t.Fatal(err)
			}
			futures = append(futures, f)
		}
		for _, f := range futures {
			select {
			case <-f.Ok():
			case err := <-f.Err():
				t.Fatal(err)
			case <-time.After(10 * time.Second):
				t.Fatal("publish ack timeout")
			}
		}
	}
}

// streamMessages reads every message currently in stream (in order).
func streamMessages(t *testing.T, js jetstream.JetStream, stream string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := js.Stream(ctx, stream)
	if err != nil {
		return nil
	}
	info, err := st.Info(ctx)
	if err != nil || info.State.Msgs == 0 {
		return nil
	}
	cons, err := st.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for uint64(len(out)) < info.State.Msgs {
		want := min(info.State.Msgs-uint64(len(out)), 1000) // a full fetch returns at once
		batch, err := cons.Fetch(int(want), jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		n := len(out)
		for m := range batch.Messages() {
			out = append(out, string(m.Data()))
		}
		if len(out) == n {
			break
		}
	}
	return out
}

// streamCount is the number of messages stored in stream (0 if absent).
func streamCount(js jetstream.JetStream, stream string) uint64 {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := js.Stream(ctx, stream)
	if err != nil {
		return 0
	}
	info, err := st.Info(ctx)
	if err != nil {
		return 0
	}
	return info.State.Msgs
}

func natsDaemonArgs(extra ...string) []string {
	rules := filepath.Join(samplesDir(), "rules")
	return append([]string{"engine", "daemon", "-r", rules, "--api-addr", "127.0.0.1:0"}, extra...)
}

func TestDaemonNATS(t *testing.T) {
	t.Run("round_trip_events_to_detections_same_bytes_as_stdin", func(t *testing.T) {
		url, js := jetStreamServer(t, nil)
		d := daemontest.Start(t, natsDaemonArgs("--input", url+"/events.>", "--output", url+"/detections")...)
		d.APIAddr(15 * time.Second)
		publishLines(t, js, "events.windows", daemontest.Lines(sampleEvents(t)))

		stdinOut, stderr, code := daemontest.Run(t, sampleEvents(t), natsDaemonArgs()...)
		if code != 0 {
			t.Fatalf("stdin run exit %d\n%s", code, stderr)
		}
		want := daemontest.Lines(stdinOut)
		deadline := time.Now().Add(20 * time.Second)
		for streamCount(js, "rsigma-detections") < uint64(len(want)) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		got := streamMessages(t, js, "rsigma-detections")
		sort.Strings(got)
		sort.Strings(want)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("NATS detections differ from the stdin run:\n got %d: %v\nwant %d: %v", len(got), got, len(want), want)
		}
		d.Signal(syscall.SIGINT)
		if code := d.Wait(10 * time.Second); code != 0 {
			t.Fatalf("exit %d after SIGINT", code)
		}
	})

	t.Run("sigkill_mid_stream_then_restart_loses_nothing", func(t *testing.T) {
		const total = 20000
		url, js := jetStreamServer(t, nil)
		// A short ack_wait on the durable the daemon reuses, so that what the
		// killed process held is redelivered quickly.
		ctx := context.Background()
		st, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "rsigma-events", Subjects: []string{"events.>"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateConsumer(ctx, jetstream.ConsumerConfig{Durable: "rsigma-daemon-events", FilterSubject: "events.>",
			AckPolicy: jetstream.AckExplicitPolicy, AckWait: 2 * time.Second}); err != nil {
			t.Fatal(err)
		}
		lines := whoamiEvents(total)
		publishLines(t, js, "events.win", lines)
		args := natsDaemonArgs("--input", url+"/events.>", "--output", url+"/detections", "--include-event", "--batch-size", "16")

		first := daemontest.Start(t, args...)
		deadline := time.Now().Add(30 * time.Second)
		for streamCount(js, "rsigma-detections") < total/10 && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
		if err := first.Cmd.Process.Kill(); err != nil { // SIGKILL
			t.Fatal(err)
		}
		first.Wait(10 * time.Second)
		atKill := streamCount(js, "rsigma-detections")
		t.Logf("detections at SIGKILL: %d of %d", atKill, total)

		second := daemontest.Start(t, args...)
		second.APIAddr(15 * time.Second)
		seen := map[int]int{}
		deadline = time.Now().Add(90 * time.Second)
		for len(seen) < total && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
			if streamCount(js, "rsigma-detections") < total {
				continue
			}
			seen = seqIDs(t, js, "rsigma-detections")
		}
		for i := 0; i < total; i++ {
			if seen[i] == 0 {
				t.Fatalf("event %d has no detection after restart (%d of %d present)", i, len(seen), total)
			}
		}
		dups := 0
		for _, n := range seen {
			dups += n - 1
		}
		t.Logf("all %d events detected; %d duplicates", total, dups)
		second.Signal(syscall.SIGINT)
		second.Wait(10 * time.Second)
	})
}

// seqIDs counts the seq_id of the events carried by the results in stream.
func seqIDs(t *testing.T, js jetstream.JetStream, stream string) map[int]int {
	t.Helper()
	seen := map[int]int{}
	for _, m := range streamMessages(t, js, stream) {
		var r struct {
			Event struct {
				SeqID int `json:"seq_id"`
			} `json:"event"`
		}
		if err := json.Unmarshal([]byte(m), &r); err != nil {
			t.Fatalf("result is not JSON: %s", m)
		}
		seen[r.Event.SeqID]++
	}
	return seen
}

func whoamiEvents(n int) []string {
	lines := make([]string, n)
	for i := range lines {
		lines[i] = fmt.Sprintf(`{"Image":"C:\\Windows\\System32\\whoami.exe","CommandLine":"whoami","seq_id":%d}`, i)
	}
	return lines
}

func TestDaemonNATSGroupsAndDLQ(t *testing.T) {
	t.Run("two_daemons_in_one_consumer_group_split_the_stream", func(t *testing.T) {
		const total = 10000
		url, js := jetStreamServer(t, nil)
		for _, out := range []string{"detections-a", "detections-b"} {
			d := daemontest.Start(t, natsDaemonArgs("--input", url+"/events.>", "--output", url+"/"+out,
				"--consumer-group", "detectors", "--include-event", "--batch-size", "32")...)
			d.APIAddr(15 * time.Second)
		}
		for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			info, err := js.Consumer(context.Background(), "rsigma-events", "detectors")
			if err == nil {
				if ci, err := info.Info(context.Background()); err == nil && ci.NumWaiting >= 2 {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatal("the two daemons are not both pulling")
			}
		}
		publishLines(t, js, "events.win", whoamiEvents(total))
		deadline := time.Now().Add(60 * time.Second)
		for streamCount(js, "rsigma-detections-a")+streamCount(js, "rsigma-detections-b") < total && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		a, b := seqIDs(t, js, "rsigma-detections-a"), seqIDs(t, js, "rsigma-detections-b")
		if len(a) == 0 || len(b) == 0 {
			t.Fatalf("work not split: %d / %d", len(a), len(b))
		}
		for i := 0; i < total; i++ {
			if a[i]+b[i] != 1 {
				t.Fatalf("event %d processed %d times", i, a[i]+b[i])
			}
		}
		t.Logf("split %d events: %d / %d", total, len(a), len(b))
	})

	t.Run("burst_counts_back_pressure_and_drains_the_queue_gauge", func(t *testing.T) {
		const total = 3000
		url, js := jetStreamServer(t, nil)
		if _, err := js.CreateStream(context.Background(), jetstream.StreamConfig{Name: "rsigma-events", Subjects: []string{"events.>"}}); err != nil {
			t.Fatal(err)
		}
		publishLines(t, js, "events.win", whoamiEvents(total))
		d := daemontest.Start(t, natsDaemonArgs("--input", url+"/events.>", "--output", url+"/detections")...)
		base := "http://" + d.APIAddr(15*time.Second)
		deadline := time.Now().Add(30 * time.Second)
		for streamCount(js, "rsigma-detections") < total && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		_, body := daemontest.Get(t, base+"/metrics")
		if v := metricValue(t, body, "rsigma_back_pressure_events_total"); v < 1 {
			t.Errorf("rsigma_back_pressure_events_total = %v after a burst of %d queued events", v, total)
		}
		if v := metricValue(t, body, "rsigma_input_queue_depth"); v != 0 {
			t.Errorf("rsigma_input_queue_depth = %v once everything was processed", v)
		}
	})

	t.Run("undecodable_event_goes_to_the_nats_dlq", func(t *testing.T) {
		url, js := jetStreamServer(t, nil)
		d := daemontest.Start(t, natsDaemonArgs("--input", url+"/events.>", "--output", url+"/detections",
			"--dlq", url+"/dead", "--input-format", "json")...)
		d.APIAddr(15 * time.Second)
		publishLines(t, js, "events.win", []string{"this is not json", whoamiEvents(1)[0]})
		deadline := time.Now().Add(20 * time.Second)
		for (streamCount(js, "rsigma-dead") < 1 || streamCount(js, "rsigma-detections") < 1) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		dead := streamMessages(t, js, "rsigma-dead")
		if len(dead) != 1 || !strings.Contains(dead[0], "this is not json") {
			t.Fatalf("DLQ holds %v, want one entry with the original line", dead)
		}
		if got := streamMessages(t, js, "rsigma-detections"); len(got) != 1 {
			t.Fatalf("detections %v, want one", got)
		}
	})
}

// Startup failures that exit 3 (spec/nats-and-tls.md §1.2, §1.3).
func TestDaemonNATSStartupErrors(t *testing.T) {
	url, tokenJS := jetStreamServer(t, func(o *server.Options) { o.Authorization = "s3cret" })
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"unreachable_server", nil, []string{"--input", "nats://127.0.0.1:1/events.>"}, "no servers available"},
		{"refused_credentials", nil, []string{"--input", url + "/events.>", "--nats-token", "wrong"}, "uthorization"},
		{"no_credentials", nil, []string{"--output", url + "/detections"}, "uthorization"},
		{"output_inside_input_wildcard", nil, []string{"--input", url + "/events.>", "--output", url + "/events.detections", "--nats-token", "s3cret"}, "caught by the input subject"},
		{"credential_flag_and_env_conflict", map[string]string{"NATS_TOKEN": "s3cret"}, []string{"--input", url + "/events.>", "--nats-user", "u", "--nats-password", "p"}, "mutually exclusive"},
		{"two_replay_flags", nil, []string{"--input", url + "/events.>", "--replay-from-latest", "--replay-from-sequence", "3"}, "mutually exclusive"},
		{"bad_replay_time", nil, []string{"--input", url + "/events.>", "--replay-from-time", "2026-05-15 10:00"}, "RFC 3339"},
	}
	coreURL, _ := jetStreamServer(t, func(o *server.Options) { o.JetStream = false })
	cases = append(cases, struct {
		name string
		env  map[string]string
		args []string
		want string
	}{"core_nats_without_jetstream", nil, []string{"--input", coreURL + "/events.>"}, "JetStream"})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			_, stderr, code := daemontest.Run(t, "", natsDaemonArgs(c.args...)...)
			if code != 3 {
				t.Fatalf("exit %d, want 3\n%s", code, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Fatalf("stderr does not mention %q:\n%s", c.want, stderr)
			}
		})
	}
	t.Run("print_config_hides_the_token_and_runs_with_it_from_the_environment", func(t *testing.T) {
		conf, stderr, code := daemontest.Run(t, "", natsDaemonArgs("--input", url+"/events.>", "--output", url+"/detections", "--nats-token", "s3cret", "--print-config")...)
		if code != 0 {
			t.Fatalf("--print-config exit %d\n%s", code, stderr)
		}
		if strings.Contains(conf, "s3cret") || !strings.Contains(conf, "token: ${NATS_TOKEN}") {
			t.Fatalf("printed config shows the secret or lacks its reference:\n%s", conf)
		}
		path := filepath.Join(t.TempDir(), "x.yaml")
		if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv("NATS_TOKEN", "s3cret")
		js := tokenJS
		d := daemontest.Start(t, "run", path)
		waitStream(t, js, "rsigma-events", d)
		publishLines(t, js, "events.windows", daemontest.Lines(sampleEvents(t)))
		deadline := time.Now().Add(20 * time.Second)
		for streamCount(js, "rsigma-detections") == 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if n := streamCount(js, "rsigma-detections"); n == 0 {
			t.Fatalf("no detection published by the printed config run with NATS_TOKEN\n%s", d.Stderr())
		}
		d.Signal(syscall.SIGINT)
		d.Wait(10 * time.Second)
	})
	t.Run("accepted_token_starts", func(t *testing.T) {
		d := daemontest.Start(t, natsDaemonArgs("--input", url+"/events.>", "--output", url+"/detections", "--nats-token", "s3cret")...)
		d.APIAddr(15 * time.Second)
		d.Signal(syscall.SIGINT)
		if code := d.Wait(10 * time.Second); code != 0 {
			t.Fatalf("exit %d", code)
		}
	})
}
