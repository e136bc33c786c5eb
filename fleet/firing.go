package fleet

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strconv"

	"github.com/rsigma-connect/rsigma-connect/correlation"
)

// FiringID names a correlation firing deterministically: a hash of the
// rule's stable key, the group key, the window start, the firing time, the
// origin of the batch that made it fire (BatchOrigin) and its ordinal among
// the results of that batch. Applying the same batches to the same state
// again (a new partition owner replaying after a failover) gives the same
// ids, so a consumer can drop repeats; distinct firings share one only if
// two batches share an origin.
func FiringID(r *correlation.Result, origin string, ordinal int) string {
	h := sha256.New()
	var num [8]byte
	field := func(s string) {
		binary.BigEndian.PutUint64(num[:], uint64(len(s)))
		h.Write(num[:])
		h.Write([]byte(s))
	}
	integer := func(v uint64) {
		binary.BigEndian.PutUint64(num[:], v)
		h.Write(num[:])
	}
	field(r.Rule.StableKey())
	integer(uint64(len(r.GroupKey)))
	for _, p := range r.GroupKey {
		field(p.Field)
		field(p.Value)
	}
	integer(uint64(r.WindowStart))
	integer(uint64(r.Time))
	field(origin)
	integer(uint64(ordinal))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// BatchOrigin names the batch a firing came from: "p<position>" for a batch
// with a source position (unique per event and partition), else
// "s<sequence>", the batch's own sequence in the transport (its JetStream
// sequence on the partition stream), which a replay reads again unchanged.
func BatchOrigin(position, sequence uint64) string {
	if position > 0 {
		return "p" + strconv.FormatUint(position, 10)
	}
	return "s" + strconv.FormatUint(sequence, 10)
}
