package processor

import (
	"bytes"
	"encoding/json"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/engine"
)

// annotateBatch keeps every message of batch and adds the results of each
// (outs, in line order) under key, as an array of result objects. A JSON
// object message gains the key; any other content (a syslog or plain line)
// becomes {"message": <content as a string>, key: [...]}. A message without
// results passes on unchanged, so `this.exists(key)` tells the ones that
// matched; a message with a decode error passes on with its error set.
func annotateBatch(batch service.MessageBatch, outs []engine.Output, key string) service.MessageBatch {
	out := make(service.MessageBatch, 0, len(batch))
	j := 0
	for i, m := range batch {
		var results []any
		var err error
		for ; j < len(outs) && outs[j].Line == i; j++ {
			o := &outs[j]
			if o.Err != nil {
				err = o.Err
				continue
			}
			results = append(results, resultValue(o.JSON))
		}
		if len(results) > 0 {
			m = annotated(m, key, results)
		}
		if err != nil {
			m.SetError(err)
		}
		out = append(out, m)
	}
	return out
}

// annotated is a copy of m with results under key.
func annotated(m *service.Message, key string, results []any) *service.Message {
	res := m.Copy()
	if v, err := res.AsStructuredMut(); err == nil {
		if obj, ok := v.(map[string]any); ok {
			obj[key] = results
			res.SetStructuredMut(obj)
			return res
		}
	}
	raw, _ := m.AsBytes()
	res.SetStructuredMut(map[string]any{"message": string(raw), key: results})
	return res
}

// resultValue decodes a result object for structured content; numbers stay
// json.Number, as written.
func resultValue(b []byte) any {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return string(b) // never happens: the engine writes valid JSON
	}
	return v
}
