// Package nats connects rsigma-connect to NATS JetStream.
//
// Register registers two Benthos plugins, both named sigma_nats_jetstream
// (the framework's and Redpanda Connect's own NATS components keep their
// names):
//
//   - an input that reads one event line per JetStream message from a durable
//     pull consumer and acknowledges each message only after the stream acked
//     it (every sink, or the DLQ, took its results): at-least-once delivery;
//   - an output that publishes one message per result and waits for the
//     JetStream publish acknowledgement.
//
// The naming of streams and consumers, the URL grammar, authentication and
// replay follow spec/nats-and-tls.md §1. The daemon calls PrepareInput and
// PrepareOutput before it starts the stream so that an unreachable server,
// refused credentials or an overlapping stream fail at startup instead of
// being retried forever by the framework.
package nats
