package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
)

// waitStreamCount waits until stream holds at least n messages.
func waitStreamCount(t *testing.T, js jetstream.JetStream, stream string, n uint64, d *daemontest.Daemon) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for streamCount(js, stream) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%s holds %d messages after 30s, want %d\n%s", stream, streamCount(js, stream), n, d.Stderr())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitStream waits until stream exists: a `run` of a printed config creates
// the input stream when its input connects, and a publish before that finds
// no stream ("nats: no response from stream").
func waitStream(t *testing.T, js jetstream.JetStream, stream string, d *daemontest.Daemon) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := js.Stream(ctx, stream)
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("stream %s not created within 30s: %v\n%s", stream, err, d.Stderr())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A password inside a NATS URL never leaves the process: not in the printed
// config (which still runs, reading it from ${NATS_PASSWORD}), not in logs,
// API answers or startup errors.
func TestDaemonNATSPasswordInTheURL(t *testing.T) {
	const secret = "pa55-in-url"
	url, js := jetStreamServer(t, func(o *server.Options) { o.Username, o.Password = "alice", secret },
		natsgo.UserInfo("alice", secret))
	withSecret := "nats://alice:" + secret + "@" + strings.TrimPrefix(url, "nats://")
	flags := []string{"--input", withSecret + "/events.>", "--output", withSecret + "/detections", "--dlq", withSecret + "/dead"}
	noSecret := func(t *testing.T, where, text string) {
		t.Helper()
		if strings.Contains(text, secret) {
			t.Fatalf("%s shows the password:\n%s", where, text)
		}
	}

	t.Run("print_config_masks_it_and_runs_with_it_from_the_environment", func(t *testing.T) {
		conf, stderr, code := daemontest.Run(t, "", natsDaemonArgs(append(flags, "--print-config")...)...)
		if code != 0 {
			t.Fatalf("--print-config exit %d\n%s", code, stderr)
		}
		noSecret(t, "the printed config", conf)
		if n := strings.Count(conf, "url: nats://alice:${NATS_PASSWORD}@"); n != 3 {
			t.Fatalf("%d urls read the password from ${NATS_PASSWORD}, want 3:\n%s", n, conf)
		}
		path := filepath.Join(t.TempDir(), "x.yaml")
		if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv("NATS_PASSWORD", secret)
		d := daemontest.Start(t, "run", path)
		waitStream(t, js, "rsigma-events", d)
		publishLines(t, js, "events.windows", daemontest.Lines(sampleEvents(t)))
		waitStreamCount(t, js, "rsigma-detections", 1, d)
		d.Signal(syscall.SIGINT)
		d.Wait(10 * time.Second)
	})

	t.Run("logs_and_api_answers_never_show_it", func(t *testing.T) {
		before := streamCount(js, "rsigma-detections")
		d := daemontest.Start(t, natsDaemonArgs(flags...)...)
		base := "http://" + d.APIAddr(15*time.Second)
		publishLines(t, js, "events.windows", daemontest.Lines(sampleEvents(t)))
		waitStreamCount(t, js, "rsigma-detections", before+1, d)
		for _, path := range []string{"/api/v1/status", "/api/v1/rules", "/api/v1/sources", "/metrics", "/healthz", "/readyz"} {
			_, body := daemontest.Get(t, base+path)
			noSecret(t, path, body)
		}
		d.Signal(syscall.SIGINT)
		if code := d.Wait(10 * time.Second); code != 0 {
			t.Fatalf("exit %d\n%s", code, d.Stderr())
		}
		noSecret(t, "stderr", d.Stderr())
		if !strings.Contains(d.Stderr(), "nats://***@") {
			t.Fatalf("stderr names no NATS URL at all (so this test shows nothing):\n%s", d.Stderr())
		}
	})

	for name, args := range map[string][]string{
		"wildcard_output_subject":         {"--input", withSecret + "/events.>", "--output", withSecret + "/events.*"},
		"output_caught_by_the_input":      {"--input", withSecret + "/events.>", "--output", withSecret + "/events.x"},
		"bad_input_subject":               {"--input", withSecret + "/events..x"},
		"refused_password":                {"--input", strings.Replace(withSecret, secret, secret+"-wrong", 1) + "/events.>"},
		"two_passwords_to_print":          {"--input", withSecret + "/events.>", "--output", strings.Replace(withSecret, secret, "other", 1) + "/detections", "--print-config"},
		"url_and_flag_passwords_to_print": {"--input", withSecret + "/events.>", "--nats-user", "alice", "--nats-password", "other", "--print-config"},
	} {
		t.Run("startup_error_never_shows_it/"+name, func(t *testing.T) {
			out, stderr, code := daemontest.Run(t, "", natsDaemonArgs(args...)...)
			if code != 3 {
				t.Fatalf("exit %d, want 3\n%s", code, stderr)
			}
			noSecret(t, "stderr", stderr)
			noSecret(t, "stdout", out)
			if !strings.Contains(stderr, "nats://***@") {
				t.Fatalf("the error names no NATS URL (so this test shows nothing):\n%s", stderr)
			}
		})
	}
}
