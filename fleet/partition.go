package fleet

import (
	"hash/fnv"

	"github.com/rsigma-connect/rsigma-connect/correlation"
)

// MaxPartitions bounds the partition count of a fleet.
const MaxPartitions = 4096

// Partition maps a partition key (correlation.Engine.PartitionKey) to one
// of n partitions: FNV-1a 64 of the key modulo n. It is stable across
// processes and versions, so every member places a group alike.
func Partition(key []byte, n int) int {
	h := fnv.New64a()
	_, _ = h.Write(key)
	return int(h.Sum64() % uint64(n))
}

// Share is the part of one event's contributions that goes to one
// partition, in the order the engine made them.
type Share struct {
	Partition     int
	Contributions []correlation.Contribution
}

// Split groups cts (from Contributions on e) by partition among n, in the
// order each partition first appears; within a share the order of cts is
// kept. key is scratch space, returned for reuse.
func Split(e *correlation.Engine, cts []correlation.Contribution, n int, key []byte) ([]Share, []byte) {
	var out []Share
	for i := range cts {
		key = e.PartitionKey(key[:0], &cts[i])
		p := Partition(key, n)
		j := 0
		for j < len(out) && out[j].Partition != p {
			j++
		}
		if j == len(out) {
			out = append(out, Share{Partition: p})
		}
		out[j].Contributions = append(out[j].Contributions, cts[i])
	}
	return out, key
}
