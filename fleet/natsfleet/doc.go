// Package natsfleet runs fleet correlation (package fleet) over NATS
// JetStream, as the daemon's --correlation-partitions does.
//
// Stage 1's batches are published to one subject per partition of the
// fleet's contribution stream (sigma_fleet_contributions, an output).
// Each member leases partitions in a KV bucket whose TTL expires the
// leases of a member that stopped renewing them, reads its partitions'
// subjects, holds each batch back until the consumer group's ack floor on
// the event stream (the watermark) passes its source position, and hands
// the batches, in source order, to the sigma_correlate processor
// (sigma_fleet_partitions, an input). Partition state is checkpointed to
// an object store, with its resume point in a second KV bucket written
// with compare-and-swap on the revision the owner fenced at acquisition,
// so that a member that lost its lease cannot overwrite the new owner's
// checkpoint. docs/fleet-correlation.md describes the protocol.
package natsfleet
