// Package engine evaluates Sigma rules against lines of input, free of any
// stream framework: it loads the rules into a State (with processing
// pipelines, dynamic sources and correlation rules), decodes each line into
// events, runs detection, the correlation step and enrichment, and encodes
// the results (spec/output.md) in input order. A Hub swaps in a reloaded
// State and reaches every Evaluator for status; the correlation state is
// saved to and restored from SQLite.
//
// The `sigma` Benthos processor (package processor) adapts an Evaluator;
// any other Go program can embed one directly (see Example). The engine
// reports through its own Metrics and Logger interfaces and never imports
// the framework, an HTTP server or a NATS client.
package engine
