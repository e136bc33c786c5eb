package otlp

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// decodeProtobuf parses a binary ExportLogsServiceRequest.
func decodeProtobuf(body []byte) (*collogspb.ExportLogsServiceRequest, error) {
	req := &collogspb.ExportLogsServiceRequest{}
	if err := proto.Unmarshal(body, req); err != nil {
		return nil, fmt.Errorf("protobuf decode error: %w", err)
	}
	return req, nil
}

// decodeJSON parses OTLP/JSON: the proto3 JSON mapping, except that traceId
// and spanId are hex strings rather than base64. Unknown fields are ignored,
// as OTLP receivers must.
func decodeJSON(body []byte) (*collogspb.ExportLogsServiceRequest, error) {
	fixed, err := hexIDsToBase64(body)
	if err != nil {
		return nil, fmt.Errorf("JSON decode error: %w", err)
	}
	req := &collogspb.ExportLogsServiceRequest{}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(fixed, req); err != nil {
		return nil, fmt.Errorf("JSON decode error: %w", err)
	}
	return req, nil
}

// idKeys are the LogRecord bytes fields that OTLP/JSON spells in hex.
var idKeys = []string{"traceId", "spanId", "trace_id", "span_id"}

// hexIDsToBase64 rewrites hex trace and span ids of every log record into the
// base64 that protojson expects. Bodies without ids are returned unchanged.
func hexIDsToBase64(body []byte) ([]byte, error) {
	if !bytes.Contains(body, []byte("Id\"")) && !bytes.Contains(body, []byte("_id\"")) {
		return body, nil
	}
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	changed := false
	for _, record := range logRecordsOf(doc) {
		for _, key := range idKeys {
			s, ok := record[key].(string)
			if !ok || s == "" {
				continue
			}
			raw, err := hex.DecodeString(s)
			if err != nil {
				return nil, fmt.Errorf("logRecord %s %q is not hex: %w", key, s, err)
			}
			record[key] = base64.StdEncoding.EncodeToString(raw)
			changed = true
		}
	}
	if !changed {
		return body, nil
	}
	return json.Marshal(doc)
}

// logRecordsOf walks resourceLogs[].scopeLogs[].logRecords[] of a generic JSON
// document, accepting both lowerCamelCase and original field names.
func logRecordsOf(doc map[string]any) []map[string]any {
	var records []map[string]any
	for _, rl := range objectsAt(doc, "resourceLogs", "resource_logs") {
		for _, sl := range objectsAt(rl, "scopeLogs", "scope_logs") {
			records = append(records, objectsAt(sl, "logRecords", "log_records")...)
		}
	}
	return records
}

func objectsAt(parent map[string]any, keys ...string) []map[string]any {
	var out []map[string]any
	for _, key := range keys {
		list, _ := parent[key].([]any)
		for _, item := range list {
			if obj, ok := item.(map[string]any); ok {
				out = append(out, obj)
			}
		}
	}
	return out
}
