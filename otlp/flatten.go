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
	var events [][]byte
	for _, rl := range req.GetResourceLogs() {
		resource := rl.GetResource().GetAttributes()
		for _, sl := range rl.GetScopeLogs() {
			scope := sl.GetScope()
			for _, rec := range sl.GetLogRecords() {
				obj := flattenRecord(rec, resource, scope)
				events = append(events, obj.appendJSON(make([]byte, 0, 256)))
			}
		}
	}
	return events
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

func flattenRecord(rec *logspb.LogRecord, resource []*commonpb.KeyValue, scope *commonpb.InstrumentationScope) *object {
	obj := newObject(8 + len(rec.GetAttributes()) + len(resource))
	if ns := rec.GetTimeUnixNano(); ns != 0 {
		obj.set("timestamp", formatUnixNano(ns))
	}
	if ns := rec.GetObservedTimeUnixNano(); ns != 0 {
		obj.set("observed_timestamp", formatUnixNano(ns))
	}
	if sev := rec.GetSeverityNumber(); sev != 0 {
		obj.set("severity_number", int64(sev))
	}
	if text := rec.GetSeverityText(); text != "" {
		obj.set("severity_text", text)
	}
	if body := rec.GetBody(); body.GetValue() != nil {
		if kv, ok := body.GetValue().(*commonpb.AnyValue_KvlistValue); ok {
			for _, pair := range kv.KvlistValue.GetValues() {
				obj.set(pair.GetKey(), jsonValue(pair.GetValue()))
			}
		} else {
			obj.set("body", jsonValue(body))
		}
	}
	if id := rec.GetTraceId(); len(id) > 0 {
		obj.set("trace_id", hex.EncodeToString(id))
	}
	if id := rec.GetSpanId(); len(id) > 0 {
		obj.set("span_id", hex.EncodeToString(id))
	}
	for _, pair := range rec.GetAttributes() {
		obj.set(pair.GetKey(), jsonValue(pair.GetValue()))
	}
	for _, pair := range resource {
		obj.set("resource."+pair.GetKey(), jsonValue(pair.GetValue()))
	}
	if name := scope.GetName(); name != "" {
		obj.set("scope.name", name)
	}
	if version := scope.GetVersion(); version != "" {
		obj.set("scope.version", version)
	}
	return obj
}

func formatUnixNano(ns uint64) string {
	return time.Unix(0, int64(ns)).UTC().Format(timestampLayout)
}

// jsonValue maps an OTLP AnyValue to a JSON value: bytes become lowercase
// hex, a kvlist an object, an unset value null.
func jsonValue(v *commonpb.AnyValue) any {
	switch v := v.GetValue().(type) {
	case *commonpb.AnyValue_StringValue:
		return v.StringValue
	case *commonpb.AnyValue_BoolValue:
		return v.BoolValue
	case *commonpb.AnyValue_IntValue:
		return v.IntValue
	case *commonpb.AnyValue_DoubleValue:
		return v.DoubleValue
	case *commonpb.AnyValue_BytesValue:
		return hex.EncodeToString(v.BytesValue)
	case *commonpb.AnyValue_ArrayValue:
		values := v.ArrayValue.GetValues()
		out := make([]any, len(values))
		for i, e := range values {
			out[i] = jsonValue(e)
		}
		return out
	case *commonpb.AnyValue_KvlistValue:
		pairs := v.KvlistValue.GetValues()
		obj := newObject(len(pairs))
		for _, pair := range pairs {
			obj.set(pair.GetKey(), jsonValue(pair.GetValue()))
		}
		return obj
	}
	return nil
}
