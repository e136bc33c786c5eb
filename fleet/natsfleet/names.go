package natsfleet

import (
	"fmt"
	"strconv"
	"strings"
)

// Names are the JetStream objects of one fleet, derived from its name
// (the consumer group).
type Names struct {
	// Stream holds the contribution batches, Prefix.<p> for partition p.
	Stream, Prefix string
	// Leases (KV, with TTL) holds "partition.<p>" leases and "member.<id>"
	// heartbeats; Checkpoints (KV) holds "partition.<p>" checkpoints and
	// "partitions", the fleet's partition count; State (object store)
	// holds the partition snapshots.
	Leases, Checkpoints, State string
}

// NamesFor returns the names of fleet name: stream rsigma-fleet-<name>
// with subjects rsigma.fleet.<name>.corr.<p>, buckets
// rsigma-fleet-<name>-leases and -checkpoints, object store
// rsigma-fleet-<name>-state (name reduced to letters, digits, - and _).
func NamesFor(name string) Names {
	n := sanitise(name)
	base := "rsigma-fleet-" + n
	return Names{Stream: base, Prefix: "rsigma.fleet." + n + ".corr",
		Leases: base + "-leases", Checkpoints: base + "-checkpoints", State: base + "-state"}
}

// Subject is partition p's subject.
func (n Names) Subject(p int) string { return n.Prefix + "." + strconv.Itoa(p) }

// partitionOf parses the partition of a subject of n.
func (n Names) partitionOf(subject string) (int, bool) {
	rest, ok := strings.CutPrefix(subject, n.Prefix+".")
	if !ok {
		return 0, false
	}
	p, err := strconv.Atoi(rest)
	return p, err == nil && p >= 0
}

func sanitise(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

func leaseKey(p int) string      { return "partition." + strconv.Itoa(p) }
func memberKey(id string) string { return "member." + sanitise(id) }
func checkpointKey(p int) string { return "partition." + strconv.Itoa(p) }
func objectName(p int, lease, n uint64) string {
	return fmt.Sprintf("partition-%d-%d-%d", p, lease, n)
}

const partitionsKey = "partitions"
