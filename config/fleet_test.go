package config

import (
	"strings"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/fleet/correlate"
	"github.com/rsigma-connect/rsigma-connect/fleet/natsfleet"
)

func init() {
	// cmd registers the fleet components; the golden files lint with them.
	if err := correlate.Register(service.GlobalEnvironment()); err != nil {
		panic(err)
	}
	if err := natsfleet.Register(service.GlobalEnvironment(), nil); err != nil {
		panic(err)
	}
}

func fleetOptions() *Options {
	o := Defaults()
	o.Rules = []string{"rules/"}
	o.APIAddr = "127.0.0.1:9090"
	o.Input = "nats://127.0.0.1:4222/events.>"
	o.ConsumerGroup = "detectors"
	o.Fleet.Partitions = 16
	o.SetGiven("correlation-partitions", "consumer-group", "input")
	return o
}

// TestStreamYAMLFleet: with --correlation-partitions the stream reads the
// group's events and the member's partitions, sends events to sigma
// (stage 1) and batches to sigma_correlate (stage 2), and batch messages to
// the fleet's stream; it lints with the fleet components.
func TestStreamYAMLFleet(t *testing.T) {
	o := fleetOptions()
	o.Fleet.Member = "m1"
	o.Fleet.LeaseTTL = 4 * time.Second
	o.SetGiven("fleet-member", "fleet-lease-ttl")
	if err := Validate(o); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	got, err := StreamYAML(o)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "fleet", got)
}

func TestValidateFleetRejects(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(o *Options)
		want   string
	}{
		{"stdin_input", func(o *Options) { o.Input = "stdin" }, "--correlation-partitions needs a NATS --input"},
		{"no_group", func(o *Options) { o.ConsumerGroup = "" }, "--correlation-partitions needs --consumer-group"},
		{"state_db", func(o *Options) { o.StateDB = "state.db" }, "--correlation-partitions and --state-db are exclusive"},
		{"replay", func(o *Options) { o.ReplayFromLatest = true }, "cannot be combined with --replay-from-*"},
		{"too_many", func(o *Options) { o.Fleet.Partitions = 5000 }, "--correlation-partitions 5000: want 1 to 4096"},
		{"negative", func(o *Options) { o.Fleet.Partitions = -1 }, "--correlation-partitions -1"},
		{"short_lease", func(o *Options) { o.Fleet.LeaseTTL = 0 }, "--fleet-lease-ttl 0s"},
		{"input_catches_partitions", func(o *Options) { o.Input = "nats://127.0.0.1:4222/>" }, "also catches the fleet's partition subjects"},
		{"fleet_flag_alone", func(o *Options) { o.Fleet.Partitions = 0; o.SetGiven("fleet-member") }, "--fleet-member needs --correlation-partitions"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := fleetOptions()
			c.mutate(o)
			err := Validate(o)
			if err == nil || CodeOf(err) != ExitConfig || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Validate: %v (exit %d), want exit 3 naming %q", err, CodeOf(err), c.want)
			}
		})
	}
}

// Without --correlation-partitions the translation is today's.
func TestStreamYAMLWithoutFleetUnchanged(t *testing.T) {
	o := fleetOptions()
	o.Fleet.Partitions = 0
	if err := Validate(o); err != nil {
		t.Fatal(err)
	}
	got, err := StreamYAML(o)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(got); strings.Contains(s, "fleet") || strings.Contains(s, "sigma_correlate") {
		t.Fatalf("a daemon without --correlation-partitions got fleet components:\n%s", s)
	}
}
