package engine

import (
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

func TestAppendDetectionKeyOrderAndNulls(t *testing.T) {
	rule := &sigma.Rule{Title: "Disk Full", Level: "low"}
	m := &sigma.Match{Rule: rule, Selections: []string{"keywords"}}
	got := string(AppendDetection(nil, m, []Enrichment{{Key: "runbook_url", JSON: []byte(`"https://wiki.example/disk"`)}}, nil))
	want := `{"rule_title":"Disk Full","rule_id":null,"level":"low","tags":[],"enrichments":{"runbook_url":"https://wiki.example/disk"},"matched_selections":["keywords"],"matched_fields":[]}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestAppendDetectionEscaping(t *testing.T) {
	rule := &sigma.Rule{
		Title: `<script>&"x"/ünï` + "\x01", ID: "id-1", Tags: []string{"a.b"},
		CustomAttributes: []sigma.Attribute{{Key: "rsigma.x", Value: "v<>"}, {Key: "n", Value: []any{"a", true, nil}}},
	}
	m := &sigma.Match{Rule: rule, Selections: []string{"sel"},
		Fields: []sigma.FieldMatch{{Field: "EventID", Value: sigma.Value{Kind: sigma.KindNumber, Str: "4625", Raw: []byte("4625")}}}}
	got := string(AppendDetection(nil, m, nil, []byte(`{"b":1,"a":2}`)))
	want := `{"rule_title":"<script>&\"x\"/ünï\u0001","rule_id":"id-1","level":null,"tags":["a.b"],` +
		`"custom_attributes":{"rsigma.x":"v<>","n":["a",true,null]},"matched_selections":["sel"],` +
		`"matched_fields":[{"field":"EventID","value":4625}],"event":{"b":1,"a":2}}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestAppendDetectionKeepsPrettyEventsOnOneLine: a pretty-printed event
// (the stdin input joins a JSON object spread over several lines) is
// written without its line breaks, so the result stays one NDJSON line.
func TestAppendDetectionKeepsPrettyEventsOnOneLine(t *testing.T) {
	m := &sigma.Match{Rule: &sigma.Rule{Title: "T"}}
	got := string(AppendDetection(nil, m, nil, []byte("{\r\n  \"a\": \"x\\ny\",\n  \"b\": [\n    1\n  ]\n}")))
	want := `{"rule_title":"T","rule_id":null,"level":null,"tags":[],"matched_selections":[],"matched_fields":[],"event":{  "a": "x\ny",  "b": [    1  ]}}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestAppendDLQEntry(t *testing.T) {
	at := time.Date(2026, 6, 2, 8, 15, 0, 120004000, time.UTC)
	got := string(AppendDLQEntry(nil, "<13>host app: not a json line", "parse error", at))
	want := `{"original_event":"<13>host app: not a json line","error":"parse error","timestamp":"2026-06-02T08:15:00.120004+00:00"}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
