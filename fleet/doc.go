// Package fleet lets several processes share one event stream's
// correlation rules so that together they give exactly the results of one
// process reading the whole stream (docs/fleet-correlation.md).
//
// The flow has two stages. Stage 1 (detection) runs on any member: each
// event's correlation contributions (correlation.Engine.Contributions) are
// split by partition (Split) and sent, one Batch per (event, partition),
// over a keyed transport. Stage 2 (correlation) runs where a partition is
// owned: a Correlator applies each partition's batches, in source order,
// to an engine of its own and names every firing with a deterministic
// FiringID, so that a replay after a failover repeats ids instead of
// inventing new alerts. Reorder puts a partition's batches back into
// source order behind a watermark, and Checkpoint describes the state a
// new owner resumes from.
//
// Nothing here imports a stream framework or NATS: the Benthos processor
// and the JetStream transport live in sub-packages.
package fleet
