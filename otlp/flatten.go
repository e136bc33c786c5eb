package otlp

import (
	"encoding/hex"
	"time"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
)

// timestampLayout is RFC 3339 in UTC with exactly nine fractional digits.
const timestampLayout = "2006-01-02T15:04:05.000000000Z"

// Flatten turns every log record of an export request into one JSON object
// (http-api.md §4.3), in request order. A later key overwrites an earlier equal
// key: record fields, then body, ids, log attributes, resource.<key> and
// scope.name/scope.version.
func Flatten(req *collogspb.ExportLogsServiceRequest) [][]byte {
	events := make([][]byte, 0, RecordCount(req))
	var obj object
	_ = forEachRecord(req, func(rec *logspb.LogRecord, resource []prefixedAttribute, scope *commonpb.InstrumentationScope) error {
		obj.reset()
		flattenRecord(&obj, rec, resource, scope)
		events = append(events, obj.appendJSON(make([]byte, 0, obj.jsonLen())))
		return nil
	})
	return events
}

// forEachRecord calls f with every log record of a decoded request, its
// resource attributes keyed for flattening and its scope, in request order,
// until f fails.
func forEachRecord(req *collogspb.ExportLogsServiceRequest,
	f func(*logspb.LogRecord, []prefixedAttribute, *commonpb.InstrumentationScope) error) error {
	for _, rl := range req.GetResourceLogs() {
		resource := resourceKeys(rl.GetResource().GetAttributes())
		for _, sl := range rl.GetScopeLogs() {
			for _, rec := range sl.GetLogRecords() {
				if err := f(rec, resource, sl.GetScope()); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// RecordCount is the number of log records in an export request.
func RecordCount(req *collogspb.ExportLogsServiceRequest) int {
	n := 0
	for _, rl := range req.GetResourceLogs() {
		for _, sl := range rl.GetScopeLogs() {
			n += len(sl.GetLogRecords())
		}
	}
	return n
}

// prefixedAttribute is a resource attribute with its event key,
// "resource.<key>", built once per ResourceLogs.
type prefixedAttribute struct {
	key   string
	value *commonpb.AnyValue
}

func resourceKeys(attrs []*commonpb.KeyValue) []prefixedAttribute {
	out := make([]prefixedAttribute, len(attrs))
	for i, a := range attrs {
		out[i] = prefixedAttribute{key: "resource." + a.GetKey(), value: a.GetValue()}
	}
	return out
}

func flattenRecord(obj *object, rec *logspb.LogRecord, resource []prefixedAttribute, scope *commonpb.InstrumentationScope) {
	if ns := rec.GetTimeUnixNano(); ns != 0 {
		obj.setString("timestamp", formatUnixNano(ns))
	}
	if ns := rec.GetObservedTimeUnixNano(); ns != 0 {
		obj.setString("observed_timestamp", formatUnixNano(ns))
	}
	if sev := rec.GetSeverityNumber(); sev != 0 {
		obj.setInt("severity_number", int64(sev))
	}
	if text := rec.GetSeverityText(); text != "" {
		obj.setString("severity_text", text)
	}
	if body := rec.GetBody(); body.GetValue() != nil {
		if kv, ok := body.GetValue().(*commonpb.AnyValue_KvlistValue); ok {
			for _, pair := range kv.KvlistValue.GetValues() {
				obj.setAnyValue(pair.GetKey(), pair.GetValue())
			}
		} else {
			obj.setAnyValue("body", body)
		}
	}
	if id := rec.GetTraceId(); len(id) > 0 {
		obj.setString("trace_id", hex.EncodeToString(id))
	}
	if id := rec.GetSpanId(); len(id) > 0 {
		obj.setString("span_id", hex.EncodeToString(id))
	}
	for _, pair := range rec.GetAttributes() {
		obj.setAnyValue(pair.GetKey(), pair.GetValue())
	}
	for _, a := range resource {
		obj.setAnyValue(a.key, a.value)
	}
	if name := scope.GetName(); name != "" {
		obj.setString("scope.name", name)
	}
	if version := scope.GetVersion(); version != "" {
		obj.setString("scope.version", version)
	}
}

func formatUnixNano(ns uint64) string {
	return time.Unix(0, int64(ns)).UTC().Format(timestampLayout)
}
