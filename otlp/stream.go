package otlp

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// Field numbers of the messages the stream decoder walks
// (opentelemetry/proto/collector/logs/v1, logs/v1).
const (
	fieldResourceLogs = 1 // ExportLogsServiceRequest.resource_logs
	fieldHead         = 1 // ResourceLogs.resource, ScopeLogs.scope
	fieldItems        = 2 // ResourceLogs.scope_logs, ScopeLogs.log_records
	fieldSchemaURL    = 3 // ResourceLogs.schema_url, ScopeLogs.schema_url

	fieldResource   = fieldHead
	fieldScopeLogs  = fieldItems
	fieldScope      = fieldHead
	fieldLogRecords = fieldItems
)

// readBufferBytes is the stream decoder's read buffer, paid for up front.
const readBufferBytes = 4 << 10

// keepBufferBytes is the largest record buffer kept for the next record; a
// larger one (a huge record) is dropped and its bytes returned.
const keepBufferBytes = 64 << 10

// streamProtobuf decodes a binary ExportLogsServiceRequest from r one log
// record at a time, delivering each record's event before reading the
// next, so that a request holds one record rather than the whole inflated
// body and its decoded tree. Resources and scopes are kept while their
// records are read. Records delivered before an error stay delivered.
//
// Standard encoders write every message's fields in field-number order;
// the decoder relies on it for ResourceLogs.resource and ScopeLogs.scope,
// which must come before the records they describe (a resource or scope
// after the first record of its message is a decode error; repeated ones
// before it are merged, as protobuf merges them).
func streamProtobuf(r io.Reader, d *delivery) error {
	if err := d.claim.Grow(readBufferBytes); err != nil {
		return err
	}
	w := &recordWalker{wire: wireReader{r: bufio.NewReaderSize(r, readBufferBytes), claim: d.claim}, d: d}
	defer w.dropBuffer()
	defer d.count()
	return asDecodeError("protobuf", w.request())
}

// recordWalker is the state of one streamProtobuf.
type recordWalker struct {
	wire wireReader
	d    *delivery
	buf  []byte // record bytes, reused; paid for at its capacity
	rec  logspb.LogRecord
}

func (w *recordWalker) request() error {
	for {
		num, typ, err := w.wire.tag()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if num != fieldResourceLogs || typ != protowire.BytesType {
			if err := w.wire.skip(num, typ, -1, 0); err != nil {
				return err
			}
			continue
		}
		n, err := w.wire.length(-1)
		if err != nil {
			return err
		}
		if err := w.resourceLogs(w.wire.off + n); err != nil {
			return err
		}
	}
}

// enclosing is a resource or scope, which describes the records after it:
// its bytes, merged across repeats, until the first record decodes it.
type enclosing struct {
	raw     []byte
	decoded bool
}

func (w *recordWalker) resourceLogs(end int64) error {
	var resource []prefixedAttribute
	return w.container(end, "resource_logs", "resource",
		func(raw []byte, charged *int64) error {
			var msg resourcepb.Resource
			if err := w.decodeEnclosing(raw, &msg, fieldResourceAttributes, charged); err != nil {
				return err
			}
			resource = resourceKeys(msg.GetAttributes())
			return nil
		},
		func(n int64) error { return w.scopeLogs(w.wire.off+n, resource) })
}

func (w *recordWalker) scopeLogs(end int64, resource []prefixedAttribute) error {
	var scope commonpb.InstrumentationScope
	return w.container(end, "scope_logs", "scope",
		func(raw []byte, charged *int64) error {
			return w.decodeEnclosing(raw, &scope, fieldScopeAttributes, charged)
		},
		func(n int64) error { return w.record(n, resource, &scope) })
}

// container walks a ResourceLogs or a ScopeLogs (named name) ending at byte
// end, which share a shape: field 1 is the enclosing message (resource,
// scope: named head) that describes the items of field 2 (scope logs, log
// records), and field 3 a schema URL. decode gets the enclosing message's bytes (nil when
// absent) once, before the first item, or at the end when there is none so
// that it is still validated; item reads one item of n bytes. The
// enclosing message's memory, paid for in charged, is returned at the end.
func (w *recordWalker) container(end int64, name, head string, decode func(raw []byte, charged *int64) error,
	item func(n int64) error) error {
	head = name + "." + head
	var (
		e       enclosing
		charged int64
	)
	defer func() { w.d.claim.Shrink(charged) }()
	ready := func() error {
		if e.decoded {
			return nil
		}
		e.decoded = true
		if err := decode(e.raw, &charged); err != nil {
			return fmt.Errorf("%s: %w", head, err)
		}
		return nil
	}
	err := w.fields(end, func(num protowire.Number, n int64) (bool, error) {
		switch num {
		case fieldHead:
			return true, w.readEnclosing(&e, n, head, &charged)
		case fieldItems:
			if err := ready(); err != nil {
				return true, err
			}
			return true, item(n)
		case fieldSchemaURL:
			return true, w.checkString(n, name+".schema_url")
		}
		return false, nil
	})
	if err == nil {
		err = ready()
	}
	return err
}

// checkString reads a string field of n bytes that the events do not use
// and checks that it is UTF-8, as protobuf requires of strings.
func (w *recordWalker) checkString(n int64, name string) error {
	raw, err := w.wire.bytes(nil, n)
	defer w.d.claim.Shrink(int64(cap(raw)))
	if err != nil {
		return err
	}
	if !utf8.Valid(raw) {
		return fmt.Errorf("%s: invalid UTF-8", name)
	}
	return nil
}

// fields reads the fields of a message ending at byte end: length-delimited
// ones go to known (which reports whether it consumed the value), every
// other field is skipped.
func (w *recordWalker) fields(end int64, known func(num protowire.Number, n int64) (bool, error)) error {
	for w.wire.off < end {
		num, typ, err := w.wire.tag()
		if err != nil {
			return eofIsTruncation(err)
		}
		if typ != protowire.BytesType {
			if err := w.wire.skip(num, typ, end, 0); err != nil {
				return err
			}
			continue
		}
		n, err := w.wire.length(end)
		if err != nil {
			return err
		}
		consumed, err := known(num, n)
		if err != nil {
			return err
		}
		if !consumed {
			if err := w.wire.discard(n); err != nil {
				return err
			}
		}
	}
	if w.wire.off > end {
		return fmt.Errorf("field runs past the end of its message at byte %d", end)
	}
	return nil
}

// readEnclosing appends n bytes of a resource or scope field to e
// (protobuf merges repeated message fields), paid for in *charged.
func (w *recordWalker) readEnclosing(e *enclosing, n int64, name string, charged *int64) error {
	if e.decoded {
		return fmt.Errorf("%s after the first record it describes (the stream decoder needs it first)", name)
	}
	chunk, err := w.wire.bytes(nil, n) // paid for by wire.bytes
	*charged += int64(cap(chunk))
	if err != nil || e.raw == nil {
		e.raw = chunk
		return err
	}
	merged := int64(len(e.raw)) + n
	if err := w.d.claim.Grow(merged); err != nil {
		return err
	}
	*charged += merged
	e.raw = append(append(make([]byte, 0, merged), e.raw...), chunk...)
	return nil
}

// decodeEnclosing decodes a resource or scope into msg, paying for the
// decoded message in *charged; attrs is msg's attributes field, for the
// estimate.
func (w *recordWalker) decodeEnclosing(raw []byte, msg proto.Message, attrs protowire.Number, charged *int64) error {
	size := decodedSize(raw, attrs, 0)
	if err := w.d.claim.Grow(size); err != nil {
		return err
	}
	*charged += size
	return proto.Unmarshal(raw, msg)
}

// record reads, decodes and delivers one LogRecord of n bytes.
func (w *recordWalker) record(n int64, resource []prefixedAttribute, scope *commonpb.InstrumentationScope) error {
	raw, err := w.wire.bytes(w.buf, n)
	w.buf = raw
	if err != nil {
		return err
	}
	size := decodedSize(raw, fieldRecordAttributes, fieldRecordBody)
	if err := w.d.claim.Grow(size); err != nil {
		return err
	}
	defer w.d.claim.Shrink(size) // the decoded record is garbage once delivered
	if err := proto.Unmarshal(raw, &w.rec); err != nil {
		return fmt.Errorf("log record %d: %w", w.d.records+1, err)
	}
	if cap(w.buf) > keepBufferBytes {
		w.dropBuffer()
	}
	return w.d.record(&w.rec, resource, scope)
}

func (w *recordWalker) dropBuffer() {
	w.d.claim.Shrink(int64(cap(w.buf)))
	w.buf = nil
}
