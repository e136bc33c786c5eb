package config

import (
	"strings"
	"testing"
)

func natsOptions(mutate func(o *Options)) *Options {
	o := Defaults()
	o.Rules = []string{"rules/"}
	o.APIAddr = "127.0.0.1:9090"
	o.Input = "nats://127.0.0.1:4222/events.>"
	o.Outputs = []string{"nats://127.0.0.1:4222/detections"}
	mutate(o)
	return o
}

func TestValidateNATS(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(o *Options)
		want   string // "" = accepted
	}{
		{"input_output_dlq_accepted", func(o *Options) { o.DLQ = "nats://127.0.0.1:4222/dlq" }, ""},
		{"output_caught_by_input_wildcard", func(o *Options) { o.Outputs = []string{"nats://127.0.0.1:4222/events.detections"} }, "caught by the input subject"},
		{"dlq_caught_by_input_wildcard", func(o *Options) { o.DLQ = "nats://127.0.0.1:4222/events.dlq" }, "--dlq"},
		{"same_subject_other_server_accepted", func(o *Options) { o.Outputs = []string{"nats://10.0.0.9:4222/events.detections"} }, ""},
		{"wildcard_output", func(o *Options) { o.Outputs = []string{"nats://127.0.0.1:4222/out.*"} }, "must not contain wildcards"},
		{"bad_input_subject", func(o *Options) { o.Input = "nats://h:1/a..b" }, "empty token"},
		{"token_and_creds", func(o *Options) { o.NATSToken, o.NATSCreds = "t", "/c" }, "mutually exclusive"},
		{"user_and_nkey", func(o *Options) { o.NATSUser, o.NATSPassword, o.NATSNKey = "u", "p", "S" }, "mutually exclusive"},
		{"user_without_password", func(o *Options) { o.NATSUser = "u" }, "given together"},
		{"cert_without_key", func(o *Options) { o.NATSTLSCert = "c" }, "given together"},
		{"two_replay_flags", func(o *Options) { o.ReplayFromSequence, o.ReplayFromLatest = 3, true }, "mutually exclusive"},
		{"bad_replay_time", func(o *Options) { o.ReplayFromTime = "yesterday" }, "--replay-from-time"},
		{"replay_time_accepted", func(o *Options) { o.ReplayFromTime = "2026-05-15T10:00:00Z" }, ""},
		{"bad_consumer_group", func(o *Options) { o.ConsumerGroup = "a.b" }, "--consumer-group"},
		{"conflict_checked_without_nats_urls", func(o *Options) {
			o.Input, o.Outputs = "stdin", []string{"stdout"}
			o.NATSToken, o.NATSNKey = "t", "S"
		}, "mutually exclusive"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Validate(natsOptions(c.mutate))
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || CodeOf(err) != ExitConfig || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v (code %d), want exit 3 containing %q", err, CodeOf(err), c.want)
			}
		})
	}
}

// The NATS translation is compared with its golden file and passes the
// framework's linter with the sigma_nats_jetstream plugins registered.
func TestStreamYAMLForNATS(t *testing.T) {
	o := natsOptions(func(o *Options) {
		o.Outputs = append(o.Outputs, "file:///var/log/rsigma/results.ndjson")
		o.DLQ = "nats://127.0.0.1:4222/dlq"
		o.ConsumerGroup = "detectors"
		o.ReplayFromTime = "2026-05-15T12:00:00+02:00"
		o.NATSUser, o.NATSPassword = "alice", "pw"
		o.NATSRequireTLS = true
		o.BatchSize = 32
	})
	if err := Validate(o); err != nil {
		t.Fatal(err)
	}
	got, err := StreamYAML(o)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "nats_input_outputs_dlq", got)
}

func TestNATSControlServer(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(o *Options)
		want   string
	}{
		{"input_server_first", func(o *Options) { o.Outputs = []string{"nats://b:2/out"} }, "nats://127.0.0.1:4222"},
		{"else_first_nats_output", func(o *Options) {
			o.Input = "stdin"
			o.Outputs = []string{"stdout", "nats://b:2/out", "nats://c:3/out"}
			o.DLQ = "nats://d:4/dlq"
		}, "nats://b:2"},
		{"else_the_dlq", func(o *Options) { o.Input, o.Outputs, o.DLQ = "stdin", []string{"stdout"}, "nats://d:4/dlq" }, "nats://d:4"},
		{"none", func(o *Options) { o.Input, o.Outputs = "stdin", []string{"stdout"} }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := NATSControlServer(natsOptions(c.mutate))
			if got != c.want || ok != (c.want != "") {
				t.Fatalf("got %q %v, want %q", got, ok, c.want)
			}
		})
	}
}

// --print-config writes a secret inside a NATS URL as the variable its flag
// reads (a password after "user:", a token alone before '@'), and refuses
// when one variable would have to stand for two secrets.
func TestPrintedConfigMasksSecretsInURLs(t *testing.T) {
	printed := func(mutate func(o *Options)) (string, error) {
		o := natsOptions(func(o *Options) { o.PrintConfig = true; mutate(o) })
		if err := Validate(o); err != nil {
			return "", err
		}
		b, err := StreamYAML(o)
		return string(b), err
	}
	got, err := printed(func(o *Options) {
		o.Input = "nats://alice:pw1@127.0.0.1:4222/events.>"
		o.Outputs = []string{"nats://t0ken@127.0.0.1:4222/detections"}
		o.DLQ = "nats://127.0.0.1:4222/dlq"
		o.NATSPassword, o.NATSUser = "pw1", "alice"
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"url: nats://alice:${NATS_PASSWORD}@127.0.0.1:4222\n", "url: nats://${NATS_TOKEN}@127.0.0.1:4222\n", "url: nats://127.0.0.1:4222\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("printed config lacks %q", want)
		}
	}
	if strings.Contains(got, "pw1") || strings.Contains(got, "t0ken") {
		t.Fatalf("printed config shows a secret:\n%s", got)
	}
	_, err = printed(func(o *Options) {
		o.Outputs = []string{"nats://t0ken@127.0.0.1:4222/detections"}
		o.NATSToken = "other"
	})
	if err == nil || CodeOf(err) != ExitConfig || !strings.Contains(err.Error(), "--nats-token (or NATS_TOKEN) and --output nats://***@127.0.0.1:4222/detections hold different secrets") {
		t.Fatalf("err = %v", err)
	}
	if _, err := printed(func(o *Options) { o.Input = "nats://alice:pw1@127.0.0.1:4222/events.>" }); err != nil {
		t.Fatalf("one URL secret: %v", err)
	}
}
