package fleet

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// CheckpointVersion is the version of the checkpoint JSON.
const CheckpointVersion = 1

// ErrCheckpoint marks a checkpoint record this version cannot read.
var ErrCheckpoint = errors.New("unreadable partition checkpoint")

// Checkpoint says where a partition's state was saved and from where its
// batches must be read again to continue it: every batch with a position
// up to Applied is in the state, and so is every batch before Resume in
// the partition's stream and every one listed in Unordered. The state
// itself (correlation.Engine.Snapshot) is stored apart, under Object.
type Checkpoint struct {
	Version   int       `json:"v"`
	Partition int       `json:"partition"`
	Epoch     uint64    `json:"epoch"`
	Member    string    `json:"member"`
	Applied   uint64    `json:"applied"`
	Resume    uint64    `json:"resume"`
	Unordered []uint64  `json:"unordered,omitempty"`
	Object    string    `json:"object,omitempty"`
	Written   time.Time `json:"written"`
}

// Encode returns cp as JSON.
func (cp Checkpoint) Encode() []byte {
	cp.Version = CheckpointVersion
	data, _ := json.Marshal(cp) // only numbers, strings and a time
	return data
}

// DecodeCheckpoint reads a record written by Encode.
func DecodeCheckpoint(data []byte) (Checkpoint, error) {
	var cp Checkpoint
	if err := json.Unmarshal(data, &cp); err != nil {
		return cp, fmt.Errorf("%w: %v", ErrCheckpoint, err)
	}
	if cp.Version != CheckpointVersion {
		return cp, fmt.Errorf("%w: version %d (expected %d)", ErrCheckpoint, cp.Version, CheckpointVersion)
	}
	return cp, nil
}
