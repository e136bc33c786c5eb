package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"

	"github.com/rsigma-connect/rsigma-connect/enrich"
)

// enrichResults runs the enrichers over the results out[from:] of a step
// (after evaluation, once per result, never per event). Values are spliced
// into each result as the `enrichments` object, right before its body keys;
// a result an `on_error: drop` enricher failed on is removed. Outputs
// carrying an error (undecodable input for the DLQ) pass untouched.
func (e *Evaluator) enrichResults(ctx context.Context, out []Output, from int) []Output {
	if e.dyn == nil || e.dyn.Enrichers == nil {
		return out
	}
	set := e.dyn.Enrichers.Current()
	if len(set.Enrichers()) == 0 {
		return out
	}
	batch := out[from:]
	var (
		pos     []int
		at      []int
		targets []*enrich.Target
	)
	for i, o := range batch {
		if o.Err != nil {
			continue
		}
		if t, insert, ok := parseResult(o.JSON); ok {
			pos, at, targets = append(pos, i), append(at, insert), append(targets, t)
		}
	}
	if len(targets) == 0 {
		return out
	}
	e.metrics.enrichmentQueue.Set(e.dyn.inflight.Add(int64(len(targets))))
	vals, drops := set.EnrichAll(ctx, targets)
	e.metrics.enrichmentQueue.Set(e.dyn.inflight.Add(-int64(len(targets))))
	dropped := map[int]bool{}
	for k, i := range pos {
		if drops[k] {
			dropped[i] = true
			continue
		}
		if len(vals[k]) > 0 {
			batch[i].JSON = spliceEnrichments(batch[i].JSON, at[k], vals[k])
		}
	}
	if len(dropped) == 0 {
		return out
	}
	kept := out[:from]
	for i, o := range batch {
		if !dropped[i] {
			kept = append(kept, o)
		}
	}
	return kept
}

// spliceEnrichments inserts `,"enrichments":{…}` into result b at offset at.
func spliceEnrichments(b []byte, at int, vals []enrich.Value) []byte {
	out := make([]byte, 0, len(b)+64)
	out = appendEnrichments(append(out, b[:at]...), vals)
	return append(out, b[at:]...)
}

// parseResult reads the keys enrichers need from a result object and the
// offset where `enrichments` belongs (before matched_selections or
// correlation_type, output.md §2). ok is false for anything else.
func parseResult(b []byte) (*enrich.Target, int, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, 0, false
	}
	t := &enrich.Target{}
	insert := -1
	for dec.More() {
		end := int(dec.InputOffset())
		tok, err := dec.Token()
		key, isKey := tok.(string)
		if err != nil || !isKey {
			return nil, 0, false
		}
		if (key == "matched_selections" || key == "correlation_type") && insert < 0 {
			insert = end
		}
		if err := decodeResultKey(dec, key, t); err != nil {
			return nil, 0, false
		}
	}
	if insert < 0 || t.Kind == "" {
		return nil, 0, false
	}
	return t, insert, true
}

func decodeResultKey(dec *json.Decoder, key string, t *enrich.Target) error {
	var id *string
	switch key {
	case "rule_title":
		return dec.Decode(&t.Title)
	case "rule_id":
		err := dec.Decode(&id)
		if id != nil {
			t.ID = *id
		}
		return err
	case "level":
		err := dec.Decode(&id)
		if id != nil {
			t.Level = *id
		}
		return err
	case "tags":
		return dec.Decode(&t.Tags)
	case "matched_fields":
		t.Kind = enrich.Detection
		var fields []struct {
			Field string `json:"field"`
			Value any    `json:"value"`
		}
		err := dec.Decode(&fields)
		for _, f := range fields {
			t.Fields = append(t.Fields, enrich.FieldValue{Name: f.Field, Text: valueText(f.Value)})
		}
		return err
	case "event":
		var raw json.RawMessage
		err := dec.Decode(&raw)
		t.Event = raw
		return err
	case "correlation_type":
		t.Kind = enrich.Correlation
		return dec.Decode(&t.CorrelationType)
	case "aggregated_value":
		var n json.Number
		err := dec.Decode(&n)
		t.AggregatedValue, _ = n.Float64()
		return err
	case "timespan_secs":
		return dec.Decode(&t.TimespanSecs)
	case "group_key":
		return dec.Decode(&t.GroupKey)
	}
	var skip json.RawMessage
	return dec.Decode(&skip)
}

// valueText renders a matched field value for templates.
func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
