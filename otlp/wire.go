package otlp

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/rsigma-connect/rsigma-connect/server"
)

// wireReader reads protobuf wire format from a stream, keeping the offset
// so that nested messages can be bounded by their length. Every byte slice
// it returns is paid for by the claim first.
type wireReader struct {
	r     *bufio.Reader
	off   int64
	claim *server.Claim
}

// errTruncated is a message that ends inside a field.
var errTruncated = errors.New("unexpected end of message")

// maxGroupDepth bounds nested groups skipped as unknown fields, as
// proto.Unmarshal bounds recursion.
const maxGroupDepth = 100

// tag reads a field tag. At a field boundary of the outermost message the
// end of the stream is io.EOF.
func (w *wireReader) tag() (protowire.Number, protowire.Type, error) {
	v, err := w.varint()
	if err != nil {
		return 0, 0, err
	}
	num, typ := protowire.DecodeTag(v)
	if num < protowire.MinValidNumber || num > protowire.MaxValidNumber {
		return 0, 0, fmt.Errorf("invalid field number %d at byte %d", num, w.off)
	}
	return num, typ, nil
}

// varint reads one base-128 varint; io.EOF only before its first byte.
func (w *wireReader) varint() (uint64, error) {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		b, err := w.r.ReadByte()
		if err != nil {
			if shift > 0 && errors.Is(err, io.EOF) {
				return 0, errTruncated
			}
			return 0, err
		}
		w.off++
		if shift == 63 && b > 1 {
			break // the tenth byte holds only the 64th bit
		}
		v |= uint64(b&0x7f) << shift
		if b < 0x80 {
			return v, nil
		}
	}
	return 0, fmt.Errorf("varint overflows 64 bits at byte %d", w.off)
}

// length reads the length of a length-delimited field that must end by end
// (end < 0: no bound known).
func (w *wireReader) length(end int64) (int64, error) {
	v, err := w.varint()
	if err != nil {
		return 0, eofIsTruncation(err)
	}
	if v > 1<<31 || (end >= 0 && w.off+int64(v) > end) {
		return 0, fmt.Errorf("field length %d at byte %d runs past its message", v, w.off)
	}
	return int64(v), nil
}

// bytes reads n bytes into buf (reallocated, and paid for, when too small).
func (w *wireReader) bytes(buf []byte, n int64) ([]byte, error) {
	if int64(cap(buf)) < n {
		if err := w.claim.Grow(n); err != nil {
			return buf, err
		}
		w.claim.Shrink(int64(cap(buf)))
		buf = make([]byte, n)
	}
	buf = buf[:n]
	read, err := io.ReadFull(w.r, buf)
	w.off += int64(read)
	return buf, eofIsTruncation(err)
}

// skip discards the value of an unknown field of type typ.
func (w *wireReader) skip(num protowire.Number, typ protowire.Type, end int64, depth int) error {
	var n int64
	switch typ {
	case protowire.VarintType:
		_, err := w.varint()
		return eofIsTruncation(err)
	case protowire.Fixed32Type:
		n = 4
	case protowire.Fixed64Type:
		n = 8
	case protowire.BytesType:
		var err error
		if n, err = w.length(end); err != nil {
			return err
		}
	case protowire.StartGroupType:
		return w.skipGroup(num, end, depth)
	default:
		return fmt.Errorf("unexpected wire type %d at byte %d", typ, w.off)
	}
	return w.discard(n)
}

// discard skips n bytes.
func (w *wireReader) discard(n int64) error {
	skipped, err := w.r.Discard(int(n))
	w.off += int64(skipped)
	return eofIsTruncation(err)
}

func (w *wireReader) skipGroup(num protowire.Number, end int64, depth int) error {
	if depth >= maxGroupDepth {
		return fmt.Errorf("groups nested deeper than %d at byte %d", maxGroupDepth, w.off)
	}
	for {
		n, typ, err := w.tag()
		if err != nil {
			return eofIsTruncation(err)
		}
		if typ == protowire.EndGroupType {
			if n != num {
				return fmt.Errorf("mismatched end of group %d at byte %d", n, w.off)
			}
			return nil
		}
		if err := w.skip(n, typ, end, depth+1); err != nil {
			return err
		}
	}
}

func eofIsTruncation(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errTruncated
	}
	return err
}
