package daemon

import (
	"context"
	"time"

	"github.com/rsigma-connect/rsigma-connect/config"
	"github.com/rsigma-connect/rsigma-connect/fleet/natsfleet"
	"github.com/rsigma-connect/rsigma-connect/nats"
)

// fleetCheckTimeout bounds the fleet's startup check.
const fleetCheckTimeout = 15 * time.Second

// checkFleet opens (or creates) the fleet's stream, buckets and object
// store before anything is bound, so that a server that cannot hold them
// or a fleet that runs with another partition count exits 3.
func checkFleet(ctx context.Context, o *config.Options) error {
	if o.Fleet.Partitions == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, fleetCheckTimeout)
	defer cancel()
	loc, err := nats.ParseURL(o.Input)
	if err != nil {
		return config.Configf("--input: %v", err)
	}
	conn, err := nats.Connect(ctx, loc.Server, config.NATSAuth(o), nil, nil)
	if err != nil {
		return config.Configf("--correlation-partitions: %v", err)
	}
	defer conn.Close()
	if _, err := natsfleet.Ensure(ctx, conn.JS, o.ConsumerGroup, o.Fleet.Partitions, o.Fleet.LeaseTTL, natsfleet.StreamSettings{}); err != nil {
		return config.Configf("--correlation-partitions %d: %v", o.Fleet.Partitions, err)
	}
	return nil
}

// mountFleet registers the fleet components with this daemon's status
// board; /api/v1/status shows the member's partitions.
func (d *daemon) mountFleet() error {
	if d.opts.Fleet.Partitions == 0 {
		return nil
	}
	d.fleet = &natsfleet.Board{}
	if err := natsfleet.Register(d.env, d.fleet); err != nil {
		return config.Configf("registering the fleet components: %v", err)
	}
	return nil
}

// fleetStatus is the `fleet` object of /api/v1/status (nil outside a
// fleet or before the member connected).
func (d *daemon) fleetStatus() *natsfleet.Status {
	if s, ok := d.fleet.Status(); ok {
		return &s
	}
	return nil
}
