// Package resources embeds the files rsigma-connect ships: sample rules and
// events (used by the README's first command, tests and examples) and example
// stream configurations.
package resources

import "embed"

// Samples holds samples/rules/*.yml (detection and correlation rules) and
// samples/events.ndjson (events that trigger them).
//
//go:embed samples
var Samples embed.FS
