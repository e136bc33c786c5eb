package daemon

import (
	"context"
	"testing"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/rsigma-connect/rsigma-connect/config"
	"github.com/rsigma-connect/rsigma-connect/internal/natstest"
)

// CheckNATS fails (exit 3) when the server is unreachable or refuses the
// credentials, and succeeds against a JetStream server that accepts them.
func TestPreflightNATS(t *testing.T) {
	s := natstest.Start(t, func(o *server.Options) { o.Authorization = "s3cret" })
	url := "nats://" + s.Addr().String()
	cases := []struct {
		name   string
		mutate func(o *config.Options)
		ok     bool
	}{
		{"accepted_token", func(o *config.Options) { o.NATSToken = "s3cret" }, true},
		{"refused_token", func(o *config.Options) { o.NATSToken = "wrong" }, false},
		{"no_credentials", func(o *config.Options) {}, false},
		{"unreachable_server", func(o *config.Options) {
			o.NATSToken = "s3cret"
			o.Input = "nats://127.0.0.1:1/events.>"
		}, false},
		{"output_overlaps_an_existing_stream", func(o *config.Options) {
			o.NATSToken = "s3cret"
			o.Input = "stdin"
			o.Outputs = []string{url + "/events.x"} // rsigma-events (events.>) exists from the first case
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := preflightOptions()
			o.Input = url + "/events.>"
			o.Outputs = []string{url + "/detections"}
			c.mutate(o)
			err := preflightNATS(context.Background(), o, nil)
			if (err == nil) != c.ok {
				t.Fatalf("err = %v, want ok %v", err, c.ok)
			}
			if err != nil && config.CodeOf(err) != config.ExitConfig {
				t.Fatalf("exit code %d, want 3", config.CodeOf(err))
			}
		})
	}
}
