package sink

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	otellog "go.opentelemetry.io/otel/log"
)

// otlpSeverity is the OTLP severity of each result level (output.md §8):
// number and text.
var otlpSeverity = map[string]struct {
	number otellog.Severity
	text   string
}{
	"critical":      {otellog.SeverityFatal, "FATAL"},
	"high":          {otellog.SeverityError, "ERROR"},
	"medium":        {otellog.SeverityWarn, "WARN"},
	"low":           {otellog.SeverityInfo, "INFO"},
	"informational": {otellog.SeverityDebug, "DEBUG"},
}

// resultRecord turns one result (its JSON, output.md §3-4) into an OTLP log
// record: time and observed time now, the rule title as body, severity
// from the level, and every top-level key of the result as an attribute
// (objects become key/value lists, sorted by key, arrays arrays, integers ints, other
// numbers doubles, null the empty value), in the result's key order.
func resultRecord(result []byte, now time.Time) (otellog.Record, error) {
	var rec otellog.Record
	rec.SetTimestamp(now)
	rec.SetObservedTimestamp(now)
	dec := json.NewDecoder(bytes.NewReader(result))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return rec, fmt.Errorf("a result must be a JSON object")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return rec, fmt.Errorf("reading a result: %w", err)
		}
		key, _ := t.(string)
		v, err := attributeValue(dec)
		if err != nil {
			return rec, fmt.Errorf("reading result key %q: %w", key, err)
		}
		switch key {
		case "rule_title":
			if v.Type() == attribute.STRING {
				rec.SetBody(v)
			}
		case "level":
			if sev, known := otlpSeverity[strings.ToLower(v.AsString())]; known && v.Type() == attribute.STRING {
				rec.SetSeverity(sev.number)
				rec.SetSeverityText(sev.text)
			}
		}
		rec.AddAttributes(attribute.KeyValue{Key: attribute.Key(key), Value: v})
	}
	return rec, nil
}

// attributeValue reads the next JSON value of dec (which uses UseNumber),
// keeping the key order of objects.
func attributeValue(dec *json.Decoder) (attribute.Value, error) {
	t, err := dec.Token()
	if err != nil {
		return attribute.Value{}, err
	}
	switch x := t.(type) {
	case string:
		return attribute.StringValue(x), nil
	case bool:
		return attribute.BoolValue(x), nil
	case json.Number:
		if i, err := x.Int64(); err == nil && !strings.ContainsAny(x.String(), ".eE") {
			return attribute.Int64Value(i), nil
		}
		f, _ := x.Float64()
		return attribute.Float64Value(f), nil
	case json.Delim:
		if x == '[' {
			var items []attribute.Value
			for dec.More() {
				v, err := attributeValue(dec)
				if err != nil {
					return v, err
				}
				items = append(items, v)
			}
			_, err := dec.Token() // ]
			return attribute.SliceValue(items...), err
		}
		var kvs []attribute.KeyValue
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return attribute.Value{}, err
			}
			v, err := attributeValue(dec)
			if err != nil {
				return v, err
			}
			key, _ := k.(string)
			kvs = append(kvs, attribute.KeyValue{Key: attribute.Key(key), Value: v})
		}
		_, err := dec.Token() // }
		return attribute.MapValue(kvs...), err
	}
	return attribute.Value{}, nil // null
}
