package fleet

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// framesMagic starts a message holding several batches of one partition.
const framesMagic = 0xF7

// Message collects the batches of several events for one partition into
// one transport message: a magic byte, then each batch as a uvarint length
// and its encoding. One message per partition for a whole input batch of
// events makes the shuffle's cost per batch of events rather than per
// event. The zero value is empty.
type Message struct {
	data      []byte
	frame     []byte // Add's scratch
	positions []byte // uvarints, hashed into the ID
	unplaced  bool   // a batch without a position was added
	frames    int
}

// Add appends b (batches of several events in their source order).
func (m *Message) Add(b *Batch) {
	m.frame = b.Encode(m.frame[:0])
	m.AddEncoded(m.frame, b.Position)
}

// AddEncoded appends an encoded batch (Batch.Encode) at position.
func (m *Message) AddEncoded(batch []byte, position uint64) {
	if m.data == nil {
		m.data = append(m.data, framesMagic)
	}
	m.data = binary.AppendUvarint(m.data, uint64(len(batch)))
	m.data = append(m.data, batch...)
	m.positions = binary.AppendUvarint(m.positions, position)
	m.unplaced = m.unplaced || position == 0
	m.frames++
}

// Len is the number of batches added.
func (m *Message) Len() int { return m.frames }

// Bytes is the message's encoding.
func (m *Message) Bytes() []byte { return m.data }

// ID names the message by its partition and the positions it holds, so
// that a transport can drop a second copy made when the same events are
// redelivered together; "" when a batch has no position.
func (m *Message) ID(partition int) string {
	if m.unplaced || m.frames == 0 {
		return ""
	}
	sum := sha256.Sum256(m.positions)
	return fmt.Sprintf("%d-%s", partition, hex.EncodeToString(sum[:16]))
}

// Frame is one batch of a transport message, not decoded: its position
// (read from its header) and its encoding.
type Frame struct {
	Position uint64
	Data     []byte
}

// Frames splits a transport message into its batches: a message made by
// Message, or a single encoded Batch. The frames alias data.
func Frames(data []byte) ([]Frame, error) {
	if len(data) > 0 && data[0] == batchMagic {
		pos, err := batchPosition(data)
		return []Frame{{Position: pos, Data: data}}, err
	}
	if len(data) == 0 || data[0] != framesMagic {
		return nil, fmt.Errorf("%w: no message header", ErrBatch)
	}
	var out []Frame
	for rest := data[1:]; len(rest) > 0; {
		n, w := binary.Uvarint(rest)
		if w <= 0 || n > uint64(len(rest)-w) {
			return nil, fmt.Errorf("%w: frame %d: truncated", ErrBatch, len(out))
		}
		frame := rest[w : w+int(n)]
		pos, err := batchPosition(frame)
		if err != nil {
			return nil, fmt.Errorf("frame %d: %w", len(out), err)
		}
		out = append(out, Frame{Position: pos, Data: frame})
		rest = rest[w+int(n):]
	}
	return out, nil
}

// batchPosition reads the position from an encoded batch's header.
func batchPosition(data []byte) (uint64, error) {
	r := reader{data: data, pos: 1, ct: -1}
	if len(data) == 0 || data[0] != batchMagic {
		return 0, fmt.Errorf("%w: no batch header", ErrBatch)
	}
	r.uvarint("version")
	r.uvarint("partition")
	pos := r.uvarint("position")
	return pos, r.err
}
