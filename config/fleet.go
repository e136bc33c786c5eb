package config

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/rsigma-connect/rsigma-connect/fleet"
	"github.com/rsigma-connect/rsigma-connect/fleet/natsfleet"
	"github.com/rsigma-connect/rsigma-connect/nats"
)

// FleetOptions are the fleet correlation flags (docs/fleet-correlation.md).
type FleetOptions struct {
	// Partitions > 0 runs correlation as a fleet of the --consumer-group.
	Partitions         int
	Member             string
	LeaseTTL           time.Duration
	CheckpointInterval time.Duration
}

// fleetFlagNames are the flags of fleetFlags.
var fleetFlagNames = []string{"correlation-partitions", "fleet-member", "fleet-lease-ttl", "fleet-checkpoint-interval"}

// Defaults of the fleet flags, in seconds.
const (
	defaultLeaseTTL           = 10
	defaultCheckpointInterval = 5
)

func fleetFlags() []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "correlation-partitions", Category: "Fleet",
			Usage: "correlate as a fleet: every daemon of the NATS --consumer-group owns a share of this many partitions of the correlation state (fixed per group; docs/fleet-correlation.md)"},
		&cli.StringFlag{Name: "fleet-member", Category: "Fleet", Usage: "this daemon's unique name in the fleet (default <hostname>-<pid>)"},
		&cli.IntFlag{Name: "fleet-lease-ttl", Value: defaultLeaseTTL, Category: "Fleet",
			Usage: "seconds before the partitions of a daemon that stopped are taken over by the others"},
		&cli.IntFlag{Name: "fleet-checkpoint-interval", Value: defaultCheckpointInterval, Category: "Fleet",
			Usage: "seconds between partition state checkpoints to JetStream (what a new owner replays)"},
	}
}

func readFleetFlags(c *cli.Context, o *Options) {
	o.Fleet = FleetOptions{Partitions: c.Int("correlation-partitions"), Member: c.String("fleet-member"),
		LeaseTTL:           time.Duration(c.Int("fleet-lease-ttl")) * time.Second,
		CheckpointInterval: time.Duration(c.Int("fleet-checkpoint-interval")) * time.Second}
}

// validateFleet checks the fleet flags: a fleet needs a NATS input and a
// consumer group, and keeps its state in JetStream, not --state-db.
func validateFleet(o *Options) error {
	f := &o.Fleet
	if f.Partitions == 0 {
		for _, name := range fleetFlagNames[1:] {
			if o.Given(name) {
				return Configf("--%s needs --correlation-partitions", name)
			}
		}
		return nil
	}
	switch {
	case f.Partitions < 0 || f.Partitions > fleet.MaxPartitions:
		return Configf("--correlation-partitions %d: want 1 to %d", f.Partitions, fleet.MaxPartitions)
	case !IsNATS(o.Input):
		return Configf("--correlation-partitions needs a NATS --input (nats://host:port/subject): the fleet shares its stream")
	case o.ConsumerGroup == "":
		return Configf("--correlation-partitions needs --consumer-group: the fleet is the daemons of one group")
	case o.StateDB != "":
		return Configf("--correlation-partitions and --state-db are exclusive: a fleet checkpoints partition state to JetStream")
	case o.ReplayFromSequence > 0 || o.ReplayFromTime != "" || o.ReplayFromLatest:
		return Configf("--correlation-partitions cannot be combined with --replay-from-*: partition checkpoints follow the group's position")
	case f.LeaseTTL < time.Second:
		return Configf("--fleet-lease-ttl %v: want at least 1 second", f.LeaseTTL)
	case f.CheckpointInterval < time.Second:
		return Configf("--fleet-checkpoint-interval %v: want at least 1 second", f.CheckpointInterval)
	}
	in, err := nats.ParseURL(o.Input)
	if err != nil {
		return Configf("--input: %v", err)
	}
	if subject := natsfleet.NamesFor(o.ConsumerGroup).Subject(0); nats.SubjectMatches(in.Subject, subject) {
		return Configf("--input %s: subject %q also catches the fleet's partition subjects (%s); narrow it",
			o.Input, in.Subject, natsfleet.NamesFor(o.ConsumerGroup).Prefix+".*")
	}
	return nil
}

// fleetSection is the sigma processor's `fleet` object.
func fleetSection(o *Options) omap {
	if o.Fleet.Partitions == 0 {
		return nil
	}
	return omap{{"fleet", omap{{"partitions", o.Fleet.Partitions}}}}
}

// withFleet rewires a translated stream for --correlation-partitions: the
// group's events and this member's partitions come in side by side; events
// go to the sigma processor (stage 1) and partition batches to
// sigma_correlate (stage 2); stage 1's batch messages go to their
// partitions' subjects, everything else to the sinks as before.
func withFleet(o *Options, conf omap) omap {
	if o.Fleet.Partitions == 0 {
		return conf
	}
	loc, _ := nats.ParseURL(o.Input) // validated
	conn := append(omap{{"url", loc.Server}, {"fleet", o.ConsumerGroup}}, natsSecurity(o)...)
	partitions := append(omap{{"url", loc.Server}, {"fleet", o.ConsumerGroup}, {"partitions", o.Fleet.Partitions},
		{"events_stream", nats.StreamName(loc.Subject)}}, natsSecurity(o)...)
	if o.Fleet.Member != "" {
		partitions = append(partitions, kv{"member", o.Fleet.Member})
	}
	partitions = append(partitions,
		kv{"lease_ttl", o.Fleet.LeaseTTL.String()}, kv{"checkpoint_interval", o.Fleet.CheckpointInterval.String()})
	for i := range conf {
		switch conf[i].Key {
		case "input":
			conf[i].Value = omap{{"broker", omap{{"inputs", []any{conf[i].Value, omap{{natsfleet.InputName, partitions}}}}}}}
		case "pipeline":
			sigma := ProcessorSection(o)
			conf[i].Value = omap{
				{"threads", 1},
				{"processors", []any{omap{{"switch", []any{
					omap{{"check", fmt.Sprintf("@%s == null", fleet.MetaEpoch)}, {"processors", []any{omap{{"sigma", sigma}}}}},
					omap{{"processors", []any{omap{{"sigma_correlate", sigma}}}}},
				}}}}},
			}
		case "output":
			conf[i].Value = omap{{"switch", omap{{"cases", []any{
				omap{{"check", fmt.Sprintf("@%s != null", fleet.MetaPartition)}, {"output", omap{{natsfleet.OutputName, conn}}}},
				omap{{"output", conf[i].Value}},
			}}}}}
		}
	}
	return conf
}
