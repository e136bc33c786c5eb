// Package correlation parses Sigma correlation rules and evaluates them
// statefully over the detection hits of an event stream.
//
// The flow is: ParseNode turns a correlation document into a mutable Rule
// (pipelines may rewrite its field names); Compile resolves every rule
// reference against the detection rules and the other correlations and builds
// an Engine; Engine.Process is called once per event, in event order, with the
// indices of the detection rules the event matched, and returns the
// correlation results that fired (chained results last).
//
// The Engine is a single writer: Process, Snapshot, Restore and Expire must
// not run concurrently (callers serialise them, see processor/). Memory is
// bounded: window entries expire with their window, every group is dropped
// once its window is empty and its suppression has lapsed, and the number of
// live groups across all correlations is capped (Options.MaxStateEntries).
//
// Nothing here imports a stream framework, HTTP or NATS; the SQLite snapshot
// store lives in the sub-package store.
package correlation
