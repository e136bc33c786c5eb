package otlp

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

// deliverJSON decodes an OTLP/JSON body and delivers its records one at a
// time. protojson has no streaming decoder, so the body is decoded whole,
// its decoded tree paid for up front by jsonDecodedSize.
func deliverJSON(body []byte, d *delivery) error {
	defer d.count()
	size := jsonDecodedSize(body)
	if err := d.claim.Grow(size); err != nil {
		return err
	}
	defer d.claim.Shrink(size)
	req, err := decodeJSON(body)
	if err != nil {
		return &decodeError{format: "JSON", err: err}
	}
	return forEachRecord(req, d.record)
}

// jsonDecodedSize bounds the heap that decoding an OTLP/JSON body takes:
// every decoded message starts with a '{' in the body, and the id rewrite
// copies the body.
func jsonDecodedSize(body []byte) int64 {
	return 3*int64(len(body)) + perMessageBytes + perKeyValueBytes*int64(bytes.Count(body, []byte{'{'}))
}

// decodeJSON parses OTLP/JSON: the proto3 JSON mapping, except that traceId
// and spanId are hex strings rather than base64. Unknown fields are ignored,
// as OTLP receivers must.
func decodeJSON(body []byte) (*collogspb.ExportLogsServiceRequest, error) {
	fixed, err := hexIDsToBase64(body)
	if err != nil {
		return nil, err
	}
	req := &collogspb.ExportLogsServiceRequest{}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(fixed, req); err != nil {
		return nil, err
	}
	return req, nil
}

// idKeys are the LogRecord bytes fields that OTLP/JSON spells in hex.
var idKeys = []string{"traceId", "spanId", "trace_id", "span_id"}

// hexIDsToBase64 rewrites the hex trace and span ids of log records into
// the base64 that protojson expects, in one pass over the body that only
// tells strings, keys and values apart (no decoded tree). Bodies without
// ids are returned unchanged. Only LogRecord has fields of these names.
func hexIDsToBase64(body []byte) ([]byte, error) {
	if !bytes.Contains(body, []byte("Id\"")) && !bytes.Contains(body, []byte("_id\"")) {
		return body, nil
	}
	var out []byte
	copied := 0 // body[:copied] is in out already
	for i := 0; i < len(body); i++ {
		if body[i] != '"' {
			continue
		}
		key, end, ok := jsonString(body, i)
		if !ok {
			break // unterminated: protojson reports it
		}
		i = end - 1
		value := skipSpace(body, end)
		if value >= len(body) || body[value] != ':' || !isIDKey(key) {
			continue
		}
		value = skipSpace(body, value+1)
		if value >= len(body) || body[value] != '"' {
			continue
		}
		id, valueEnd, ok := jsonString(body, value)
		if !ok {
			break
		}
		raw, err := hex.DecodeString(string(id))
		if err != nil {
			return nil, fmt.Errorf("logRecord %s %q is not hex: %w", key, id, err)
		}
		if out == nil {
			out = make([]byte, 0, len(body))
		}
		out = append(out, body[copied:value+1]...)
		out = base64.StdEncoding.AppendEncode(out, raw)
		copied = valueEnd - 1 // the closing quote
		i = valueEnd - 1
	}
	if out == nil {
		return body, nil
	}
	return append(out, body[copied:]...), nil
}

// jsonString finds the string starting with the quote at body[start]: its
// raw contents (escapes left as they are) and the index after its closing
// quote.
func jsonString(body []byte, start int) (contents []byte, end int, ok bool) {
	for i := start + 1; i < len(body); i++ {
		switch body[i] {
		case '\\':
			i++
		case '"':
			return body[start+1 : i], i + 1, true
		}
	}
	return nil, 0, false
}

func skipSpace(body []byte, i int) int {
	for i < len(body) && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r') {
		i++
	}
	return i
}

func isIDKey(key []byte) bool {
	for _, k := range idKeys {
		if string(key) == k {
			return true
		}
	}
	return false
}
