package engine

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/rsigma-connect/rsigma-connect/sigma"

	"github.com/rsigma-connect/rsigma-connect/enrich"
	"github.com/rsigma-connect/rsigma-connect/internal/jsontext"
)

// Enrichment is one key of a result's `enrichments` object, in the order the
// enrichers wrote them, with its raw JSON value.
type Enrichment = enrich.Value

// appendHeader appends the keys every result starts with (output.md §2):
// rule_title, rule_id, level, tags, then custom_attributes and enrichments
// when non-empty. The object is left open: the caller appends the body keys
// and the closing brace.
func appendHeader(dst []byte, title, id, level string, tags []string, attrs []sigma.Attribute, enr []Enrichment) []byte {
	dst = append(dst, `{"rule_title":`...)
	dst = jsontext.AppendString(dst, title)
	dst = append(dst, `,"rule_id":`...)
	dst = appendNullableString(dst, id)
	dst = append(dst, `,"level":`...)
	dst = appendNullableString(dst, level)
	dst = append(dst, `,"tags":[`...)
	for i, t := range tags {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsontext.AppendString(dst, t)
	}
	dst = append(dst, ']')
	if len(attrs) > 0 {
		dst = append(dst, `,"custom_attributes":`...)
		dst = appendAttributes(dst, attrs)
	}
	if len(enr) > 0 {
		dst = appendEnrichments(dst, enr)
	}
	return dst
}

// appendEnrichments appends `,"enrichments":{…}`.
func appendEnrichments(dst []byte, enr []Enrichment) []byte {
	dst = append(dst, `,"enrichments":{`...)
	for i, e := range enr {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsontext.AppendString(dst, e.Key)
		dst = append(dst, ':')
		dst = append(dst, e.JSON...)
	}
	return append(dst, '}')
}

// AppendDetection appends the JSON of a detection result (output.md §3).
// event is the raw JSON of the event for the `event` key, or nil to omit it;
// its line breaks are left out, so that a pretty-printed event keeps the
// result on one line.
func AppendDetection(dst []byte, m *sigma.Match, enr []Enrichment, event []byte) []byte {
	r := m.Rule
	dst = appendHeader(dst, r.Title, r.ID, r.Level, r.Tags, r.CustomAttributes, enr)
	dst = append(dst, `,"matched_selections":[`...)
	for i, s := range m.Selections {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsontext.AppendString(dst, s)
	}
	dst = append(dst, `],"matched_fields":[`...)
	for i, f := range m.Fields {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"field":`...)
		dst = jsontext.AppendString(dst, f.Field)
		dst = append(dst, `,"value":`...)
		dst = sigma.AppendValueJSON(dst, f.Value)
		dst = append(dst, '}')
	}
	dst = append(dst, ']')
	if event != nil {
		dst = append(dst, `,"event":`...)
		dst = appendOneLine(dst, event)
	}
	return append(dst, '}')
}

// appendOneLine appends the JSON text without its CR and LF bytes: in valid
// JSON they can only be whitespace between tokens (a string holds them
// escaped).
func appendOneLine(dst, text []byte) []byte {
	for {
		i := bytes.IndexAny(text, "\r\n")
		if i < 0 {
			return append(dst, text...)
		}
		dst = append(dst, text[:i]...)
		text = text[i+1:]
	}
}

func appendNullableString(dst []byte, s string) []byte {
	if s == "" {
		return append(dst, "null"...)
	}
	return jsontext.AppendString(dst, s)
}

// appendAttributes writes an ordered mapping as a JSON object.
func appendAttributes(dst []byte, attrs []sigma.Attribute) []byte {
	dst = append(dst, '{')
	for i, a := range attrs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsontext.AppendString(dst, a.Key)
		dst = append(dst, ':')
		dst = appendAny(dst, a.Value)
	}
	return append(dst, '}')
}

// appendAny writes a YAML-derived value as JSON without HTML escaping.
func appendAny(dst []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case string:
		return jsontext.AppendString(dst, x)
	case bool:
		return strconv.AppendBool(dst, x)
	case []sigma.Attribute:
		return appendAttributes(dst, x)
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendAny(dst, e)
		}
		return append(dst, ']')
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return append(dst, "null"...)
	}
	return append(dst, bytes.TrimRight(buf.Bytes(), "\n")...)
}
