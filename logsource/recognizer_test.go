package logsource

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

func TestECS(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name, event string
		want        Recognized
	}{
		{"os type", `{"host":{"os":{"type":"linux"}},"message":"x"}`, ls("linux", "?", "?")},
		{"os type other", `{"host":{"os":{"type":"android"}}}`, unrecognized},
		{"process events", `{"host":{"os":{"type":"macos"}},"event":{"category":["process"],"type":["start"]}}`,
			ls("macos", "?", "create_remote_thread,process_access,process_creation,process_tampering,process_termination,raw_access_thread")},
		{"a string category", `{"event":{"category":"library"}}`, ls("?", "?", "image_load")},
		{"two categories unite", `{"event":{"category":["library","driver"]}}`, ls("?", "?", "driver_load,image_load")},
		{"a category of no generic kind", `{"event":{"category":["authentication"]}}`, ls("?", "?", "")},
		{"none and something", `{"event":{"category":["iam","malware"]}}`, ls("?", "?", "antivirus")},
		{"a category that does not tell", `{"event":{"category":["network","intrusion_detection"]}}`, unrecognized},
		{"an unknown category value", `{"event":{"category":["quantum"]}}`, unrecognized},
		{"three distinct categories", `{"event":{"category":["library","driver","web"]}}`, unrecognized},
		{"the same category twice", `{"event":{"category":["web","web"]}}`, ls("?", "?", "proxy,webserver")},
		{"winlog channel wins", `{"winlog":{"channel":"Security","event_id":4624},"event":{"category":["authentication"],"code":"4624"},"host":{"os":{"type":"windows"}}}`,
			ls("windows", "security", "")},
		{"event.code when winlog has no event_id", `{"winlog":{"channel":"Security"},"event":{"code":"4688"}}`,
			ls("windows", "security", "process_creation")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := f.recognize(tc.event); got.String() != tc.want.String() {
				t.Errorf("%s\n got %s\nwant %s", tc.event, got, tc.want)
			}
		})
	}
}

// Events that carry their logsource as fields (rsigma's convention, as the
// benchmark's syslog lane does) are taken at their word for known names.
func TestExplicitTags(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name, event string
		want        Recognized
	}{
		{"product and service", `{"message":"<13>Jul 28 10:00:00 h CRON[1]: x","product":"linux","service":"cron"}`, ls("linux", "cron", "?")},
		{"category", `{"category":"process_creation","Image":"x"}`, ls("?", "?", "process_creation")},
		{"case-insensitive", `{"product":"Windows"}`, ls("windows", "?", "?")},
		{"an unknown product is no tag", `{"product":"shoes","price":3}`, unrecognized},
		{"an unknown service is no tag", `{"product":"linux","service":"systemd"}`, ls("linux", "?", "?")},
		{"a non-string is no tag", `{"product":{"name":"x"},"service":7}`, unrecognized},
		{"tags win over content", `{"product":"linux","Channel":"Security","EventID":4688}`, ls("linux", "security", "process_creation")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := f.recognize(tc.event); got.String() != tc.want.String() {
				t.Errorf("%s\n got %s\nwant %s", tc.event, got, tc.want)
			}
		})
	}
}

// The README samples and plain lines reveal nothing, so routing leaves
// their results exactly as they are.
func TestSamplesAreUnrecognized(t *testing.T) {
	f := newFixture(t)
	data, err := os.ReadFile("../resources/samples/events.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if got := f.recognize(line); got.String() != unrecognized.String() {
			t.Errorf("%s: got %s, want unrecognized", line, got)
		}
	}
	if k := f.rec.Recognize(sigma.NewPlainEvent("disk full on /dev/sda1")); !k.Unrecognized() {
		t.Errorf("plain line: got %s", f.rec.Describe(k))
	}
}

func TestDeclaredMappings(t *testing.T) {
	decls, err := ParseDeclarations("acme.yml", []byte(`
logsource_recognition:
  - name: acme process events
    when:
      vendor: acme
      kind: [proc_start, proc_exec]
    logsource:
      product: windows
      category: process_creation
  - name: acme anything
    when:
      vendor: acme
    logsource:
      product: acme
  - name: tagged sysmon
    when:
      pipeline|startswith: sysmon-
    logsource:
      category: []
`))
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, decls...)
	for _, tc := range []struct {
		name, event string
		want        Recognized
	}{
		{"first match wins", `{"vendor":"ACME","kind":"proc_exec","cmd":"x"}`, ls("windows", "?", "process_creation")},
		{"next declaration", `{"vendor":"acme","kind":"login"}`, ls("acme", "?", "?")},
		{"builtin recognition fills the rest", `{"pipeline":"sysmon-eu","Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1}`,
			ls("windows", "sysmon", "")},
		{"no declaration matches", `{"vendor":"other","Channel":"Security","EventID":4688}`, ls("windows", "security", "process_creation")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := f.recognize(tc.event); got.String() != tc.want.String() {
				t.Errorf("%s\n got %s\nwant %s", tc.event, got, tc.want)
			}
		})
	}
	// A declared name joins the known names: a closed set excludes it.
	products, _, _ := f.rec.Known()
	if !slices.Contains(products, "acme") {
		t.Errorf("acme not among the known products")
	}
}

// Field-less events (syslog, CEF, logfmt) are recognized through the same
// interface.
func TestFieldsEvents(t *testing.T) {
	rec := New(Options{})
	ev := sigma.NewFieldsEvent([]string{"deviceVendor", "deviceProduct"}, []string{"Palo Alto Networks", "PAN-OS"})
	if got, want := rec.Describe(rec.Recognize(ev)), ls("paloalto", "?", "?"); got.String() != want.String() {
		t.Errorf("got %s, want %s", got, want)
	}
}
