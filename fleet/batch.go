package fleet

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/rsigma-connect/rsigma-connect/correlation"
)

// BatchVersion is the version of the batch encoding Encode writes.
const BatchVersion = 1

// batchMagic starts every encoded batch.
const batchMagic = 0xB7

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

// Flags of one encoded contribution.
const (
	flagHasValue = 1 << iota
	flagStore
	flagHasID
)

// Encode appends the batch's binary encoding to dst: a magic byte, the
// version, partition, position and contribution count as uvarints, then
// each contribution's fields in declaration order, strings and byte
// slices length-prefixed, times as varints, the number as IEEE 754 bits.
// It is several times cheaper to write and read than JSON, and batches
// never leave the fleet.
func (b *Batch) Encode(dst []byte) []byte {
	dst = append(dst, batchMagic)
	dst = binary.AppendUvarint(dst, BatchVersion)
	dst = binary.AppendUvarint(dst, uint64(b.Partition))
	dst = binary.AppendUvarint(dst, b.Position)
	dst = binary.AppendUvarint(dst, uint64(len(b.Contributions)))
	for i := range b.Contributions {
		dst = appendContribution(dst, &b.Contributions[i])
	}
	return dst
}

func appendContribution(dst []byte, ct *correlation.Contribution) []byte {
	dst = appendString(dst, ct.Rule)
	dst = append(dst, byte(ct.Type))
	dst = binary.AppendUvarint(dst, uint64(len(ct.GroupBy)))
	for _, g := range ct.GroupBy {
		dst = appendString(dst, g)
	}
	dst = appendBytes(dst, ct.Key)
	dst = binary.AppendUvarint(dst, uint64(len(ct.Pairs)))
	for _, p := range ct.Pairs {
		dst = appendString(appendString(dst, p.Field), p.Value)
	}
	dst = binary.AppendVarint(dst, ct.Time)
	dst = binary.AppendUvarint(dst, uint64(len(ct.Refs)))
	for _, r := range ct.Refs {
		dst = appendString(dst, r)
	}
	var flags byte
	if ct.HasValue {
		flags |= flagHasValue
	}
	if ct.Store {
		flags |= flagStore
	}
	if ct.Stored.Ref.HasID {
		flags |= flagHasID
	}
	dst = append(dst, flags)
	dst = appendString(dst, ct.Value)
	dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(ct.Number))
	if ct.Store {
		s := &ct.Stored
		dst = binary.AppendVarint(dst, s.Time)
		dst = appendBytes(dst, s.Body)
		dst = binary.AppendVarint(dst, s.Ref.Timestamp)
		dst = appendString(dst, s.Ref.ID)
	}
	return dst
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

func appendBytes(dst, b []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	return append(dst, b...)
}

// DecodeBatch reads a batch written by Encode. Errors wrap ErrBatch and
// name the field. Strings are copied; the returned batch does not alias
// data.
func DecodeBatch(data []byte) (Batch, error) {
	r := reader{data: data, ct: -1}
	if len(data) == 0 || data[0] != batchMagic {
		return Batch{}, fmt.Errorf("%w: no batch header", ErrBatch)
	}
	r.pos = 1
	if v := r.uvarint("version"); r.err == nil && v != BatchVersion {
		return Batch{}, fmt.Errorf("%w: version %d (expected %d)", ErrBatch, v, BatchVersion)
	}
	partition := r.uvarint("partition")
	if r.err == nil && partition >= MaxPartitions {
		return Batch{}, fmt.Errorf("%w: partition: %d out of range", ErrBatch, partition)
	}
	b := Batch{Partition: int(partition), Position: r.uvarint("position")}
	n := r.count("contributions")
	if r.err != nil {
		return Batch{}, r.err
	}
	b.Contributions = make([]correlation.Contribution, n)
	for i := range b.Contributions {
		r.contribution(&b.Contributions[i], i)
		if r.err != nil {
			return Batch{}, r.err
		}
	}
	if r.pos != len(data) {
		return Batch{}, fmt.Errorf("%w: %d bytes after the last contribution", ErrBatch, len(data)-r.pos)
	}
	return b, nil
}

// reader decodes an encoded batch, remembering the first error.
type reader struct {
	data []byte
	pos  int
	err  error
	ct   int // the contribution being read, -1 before the first
}

// fail records the first error, naming field (within the contribution
// being read, if any).
func (r *reader) fail(field, what string) {
	if r.err != nil {
		return
	}
	if r.ct >= 0 {
		field = fmt.Sprintf("contributions[%d].%s", r.ct, field)
	}
	r.err = fmt.Errorf("%w: %s: %s", ErrBatch, field, what)
}

func (r *reader) uvarint(field string) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.data[r.pos:])
	if n <= 0 {
		r.fail(field, "truncated")
		return 0
	}
	r.pos += n
	return v
}

func (r *reader) varint(field string) int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.data[r.pos:])
	if n <= 0 {
		r.fail(field, "truncated")
		return 0
	}
	r.pos += n
	return v
}

// count reads a length that must fit in the bytes left (every element
// takes at least one).
func (r *reader) count(field string) int {
	n := r.uvarint(field)
	if r.err == nil && n > uint64(len(r.data)-r.pos) {
		r.fail(field, fmt.Sprintf("%d elements in %d bytes", n, len(r.data)-r.pos))
		return 0
	}
	return int(n)
}

func (r *reader) bytes(field string) []byte {
	n := r.count(field)
	if r.err != nil {
		return nil
	}
	out := make([]byte, n)
	copy(out, r.data[r.pos:])
	r.pos += n
	return out
}

func (r *reader) string(field string) string {
	n := r.count(field)
	if r.err != nil {
		return ""
	}
	s := string(r.data[r.pos : r.pos+n])
	r.pos += n
	return s
}

func (r *reader) byte(field string) byte {
	if r.err != nil {
		return 0
	}
	if r.pos >= len(r.data) {
		r.fail(field, "truncated")
		return 0
	}
	r.pos++
	return r.data[r.pos-1]
}

func (r *reader) contribution(ct *correlation.Contribution, i int) {
	r.ct = i
	ct.Rule = r.string("rule")
	typ := correlation.Type(r.byte("type"))
	if _, ok := correlation.ParseType(typ.String()); r.err == nil && !ok {
		r.fail("type", fmt.Sprintf("unknown correlation type %d", uint8(typ)))
	}
	ct.Type = typ
	if n := r.count("group_by"); n > 0 {
		ct.GroupBy = make([]string, n)
		for j := range ct.GroupBy {
			ct.GroupBy[j] = r.string("group_by")
		}
	}
	ct.Key = r.bytes("key")
	if n := r.count("group_key"); n > 0 {
		ct.Pairs = make([]correlation.GroupPair, n)
		for j := range ct.Pairs {
			ct.Pairs[j] = correlation.GroupPair{Field: r.string("group_key"), Value: r.string("group_key")}
		}
	}
	ct.Time = r.varint("time")
	if n := r.count("refs"); n > 0 {
		ct.Refs = make([]string, n)
		for j := range ct.Refs {
			ct.Refs[j] = r.string("refs")
		}
	}
	flags := r.byte("flags")
	ct.HasValue, ct.Store = flags&flagHasValue != 0, flags&flagStore != 0
	ct.Value = r.string("value")
	if r.err == nil {
		if len(r.data)-r.pos < 8 {
			r.fail("number", "truncated")
			return
		}
		ct.Number = math.Float64frombits(binary.LittleEndian.Uint64(r.data[r.pos:]))
		r.pos += 8
	}
	if ct.Store {
		s := &ct.Stored
		s.Time = r.varint("stored.time")
		if body := r.bytes("stored.body"); len(body) > 0 {
			s.Body = body
		}
		s.Ref.Timestamp = r.varint("stored.ref_timestamp")
		s.Ref.ID = r.string("stored.id")
		s.Ref.HasID = flags&flagHasID != 0
	}
}
