package fleet

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/rsigma-connect/rsigma-connect/correlation"
)

// BatchVersion is the version of the batch JSON Encode writes.
const BatchVersion = 1

// ErrBatch marks a message that is not a contribution batch this version
// can read; its error says which field is wrong.
var ErrBatch = errors.New("not a contribution batch")

// Batch is what stage 1 sends a partition for one event: the event's
// position in the source stream and its contributions to groups of that
// partition, in the order the engine made them. The pair (Position,
// Partition) names a batch: a source redelivering the event makes the same
// pair again.
type Batch struct {
	Partition int
	// Position is the event's position in the source stream (its
	// JetStream stream sequence); 0 when the source has none.
	Position      uint64
	Contributions []correlation.Contribution
}

// ID is the batch's name, "<position>-<partition>"; "" without a position.
func (b *Batch) ID() string {
	if b.Position == 0 {
		return ""
	}
	return fmt.Sprintf("%d-%d", b.Position, b.Partition)
}

type wireBatch struct {
	Version       int                `json:"v"`
	Partition     int                `json:"partition"`
	Position      uint64             `json:"position,omitempty"`
	Contributions []wireContribution `json:"contributions"`
}

type wireContribution struct {
	Rule     string      `json:"rule"`
	Type     string      `json:"type"`
	GroupBy  []string    `json:"group_by,omitempty"`
	Key      []byte      `json:"key"`
	Pairs    [][2]string `json:"group_key,omitempty"`
	Time     int64       `json:"time"`
	Refs     []string    `json:"refs,omitempty"`
	HasValue bool        `json:"has_value,omitempty"`
	Value    string      `json:"value,omitempty"`
	Number   float64     `json:"number,omitempty"`
	Stored   *wireStored `json:"stored,omitempty"`
}

type wireStored struct {
	Time  int64  `json:"time"`
	Body  []byte `json:"body,omitempty"` // deflate-compressed JSON (full mode)
	RefTS int64  `json:"ref_timestamp,omitempty"`
	ID    string `json:"id,omitempty"`
	HasID bool   `json:"has_id,omitempty"`
}

// Encode returns the batch as versioned JSON.
func (b *Batch) Encode() ([]byte, error) {
	w := wireBatch{Version: BatchVersion, Partition: b.Partition, Position: b.Position,
		Contributions: make([]wireContribution, len(b.Contributions))}
	for i := range b.Contributions {
		ct := &b.Contributions[i]
		wc := wireContribution{Rule: ct.Rule, Type: ct.Type.String(), GroupBy: ct.GroupBy, Key: ct.Key,
			Time: ct.Time, Refs: ct.Refs, HasValue: ct.HasValue, Value: ct.Value, Number: ct.Number}
		for _, p := range ct.Pairs {
			wc.Pairs = append(wc.Pairs, [2]string{p.Field, p.Value})
		}
		if ct.Store {
			s := ct.Stored
			wc.Stored = &wireStored{Time: s.Time, Body: s.Body, RefTS: s.Ref.Timestamp, ID: s.Ref.ID, HasID: s.Ref.HasID}
		}
		w.Contributions[i] = wc
	}
	data, err := json.Marshal(&w)
	if err != nil {
		return nil, fmt.Errorf("contribution batch %s: %w", b.ID(), err)
	}
	return data, nil
}

// DecodeBatch reads a batch written by Encode. Errors wrap ErrBatch and
// name the field.
func DecodeBatch(data []byte) (Batch, error) {
	var w wireBatch
	if err := json.Unmarshal(data, &w); err != nil {
		return Batch{}, fmt.Errorf("%w: %v", ErrBatch, err)
	}
	if w.Version != BatchVersion {
		return Batch{}, fmt.Errorf("%w: v: version %d (expected %d)", ErrBatch, w.Version, BatchVersion)
	}
	if w.Partition < 0 || w.Partition >= MaxPartitions {
		return Batch{}, fmt.Errorf("%w: partition: %d out of range", ErrBatch, w.Partition)
	}
	b := Batch{Partition: w.Partition, Position: w.Position, Contributions: make([]correlation.Contribution, len(w.Contributions))}
	for i, wc := range w.Contributions {
		typ, ok := correlation.ParseType(wc.Type)
		if !ok {
			return Batch{}, fmt.Errorf("%w: contributions[%d].type: unknown correlation type %q", ErrBatch, i, wc.Type)
		}
		ct := correlation.Contribution{Rule: wc.Rule, Type: typ, GroupBy: wc.GroupBy, Key: wc.Key, Time: wc.Time,
			Refs: wc.Refs, HasValue: wc.HasValue, Value: wc.Value, Number: wc.Number}
		for _, p := range wc.Pairs {
			ct.Pairs = append(ct.Pairs, correlation.GroupPair{Field: p[0], Value: p[1]})
		}
		if s := wc.Stored; s != nil {
			ct.Store = true
			ct.Stored = correlation.StoredEvent{Time: s.Time, Body: s.Body,
				Ref: correlation.EventRef{Timestamp: s.RefTS, ID: s.ID, HasID: s.HasID}}
		}
		b.Contributions[i] = ct
	}
	return b, nil
}
