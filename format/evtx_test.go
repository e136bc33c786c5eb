package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// An EVTX record as evtx_dump renders it (synthetic values).
const evtxRecord = `{
  "Event": {
    "#attributes": {"xmlns": "http://schemas.microsoft.com/win/2004/08/events/event"},
    "System": {
      "Provider": {"#attributes": {"Name": "Microsoft-Windows-Sysmon", "Guid": "5770385F"}},
      "EventID": 1,
      "TimeCreated": {"#attributes": {"SystemTime": "2026-01-02T03:04:05.000001Z"}},
      "EventRecordID": 18446744073709551615,
      "Channel": "Microsoft-Windows-Sysmon/Operational",
      "Computer": "ws01.example.local",
      "Security": {"#attributes": {"UserID": "S-1-5-18"}}
    },
    "EventData": {
      "Image": "C:\\Windows\\System32\\certutil.exe",
      "CommandLine": "certutil -decode a.b64 a.exe",
      "Channel": "not the system channel"
    }
  }
}`

func TestFlattenEVTX(t *testing.T) {
	if !isEVTX([]byte(evtxRecord)) {
		t.Fatal("isEVTX = false for an EVTX record")
	}
	got := flattenEVTX(nil, []byte(evtxRecord))
	if !json.Valid(got) {
		t.Fatalf("flat form is not JSON: %s", got)
	}
	dec := json.NewDecoder(bytesReader(got))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"EventID":                "1",
		"Provider_Name":          "Microsoft-Windows-Sysmon",
		"TimeCreated_SystemTime": "2026-01-02T03:04:05.000001Z",
		"EventRecordID":          "18446744073709551615",
		"Channel":                "not the system channel",
		"Security_UserID":        "S-1-5-18",
		"Image":                  `C:\Windows\System32\certutil.exe`,
		"CommandLine":            "certutil -decode a.b64 a.exe",
	}
	for k, v := range want {
		if got := toString(m[k]); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if _, ok := m["Event"].(map[string]any)["EventData"]; !ok {
		t.Error("the original nested value is not kept under Event")
	}
}

func TestFlattenEVTXUserDataAndText(t *testing.T) {
	raw := `{"Event":{"System":{"EventID":{"#attributes":{"Qualifiers":16384},"#text":104}},` +
		`"UserData":{"LogFileCleared":{"#attributes":{"xmlns":"x"},"SubjectUserName":"bob","Channel":"System"}}}}`
	var m map[string]any
	if err := json.Unmarshal(flattenEVTX(nil, []byte(raw)), &m); err != nil {
		t.Fatal(err)
	}
	if m["EventID"] != 104.0 || m["EventID_Qualifiers"] != 16384.0 || m["SubjectUserName"] != "bob" || m["Channel"] != "System" {
		t.Errorf("flat = %v", m)
	}
}

func TestIsEVTXIgnoresOtherEvents(t *testing.T) {
	for _, raw := range []string{`{"EventID":1}`, `{"Event":"x"}`, `{"Event":{"EventData":{}}}`, `[1]`, `{"a":{"Event":{"System":{}}}}`} {
		if isEVTX([]byte(raw)) {
			t.Errorf("isEVTX(%s) = true", raw)
		}
	}
}

func TestDecodeFlattensEVTXLines(t *testing.T) {
	d, err := New(Options{Format: JSON})
	if err != nil {
		t.Fatal(err)
	}
	compact := compactJSON(t, evtxRecord)
	var got []byte
	if err := d.Decode(compact, func(ev Decoded) error { got = append([]byte(nil), ev.JSON...); return nil }); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(got, &m); err != nil || m["Image"] == nil {
		t.Errorf("decoded event not flattened: %s (%v)", got, err)
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	return ""
}

func compactJSON(t *testing.T, s string) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDeferJSONCheck: a caller that validates JSON itself gets JSON lines
// unchecked, except EVTX-shaped ones, which are validated before flattening.
func TestDeferJSONCheck(t *testing.T) {
	d, err := New(Options{Format: JSON, DeferJSONCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []Kind
	if err := d.Decode([]byte(`{"a":1} trailing`), func(ev Decoded) error { kinds = append(kinds, ev.Kind); return nil }); err != nil {
		t.Fatalf("unchecked line: %v", err)
	}
	if len(kinds) != 1 || kinds[0] != KindJSON {
		t.Fatalf("kinds = %v, want one unchecked JSON event", kinds)
	}
	err = d.Decode([]byte(`{"Event":{"System":{}} trailing`), func(Decoded) error { return nil })
	if !errors.Is(err, ErrParse) {
		t.Fatalf("EVTX-shaped invalid line: err = %v, want a parse error", err)
	}
}
