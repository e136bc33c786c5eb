package logsource

import (
	"testing"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

func rule(product, service, category string) sigma.Logsource {
	return sigma.Logsource{Product: product, Service: service, Category: category}
}

// TestFits is the routing semantics of doc.go, case by case.
func TestFits(t *testing.T) {
	f := newFixture(t)
	sysmonImageLoad := flatEvent("Microsoft-Windows-Sysmon/Operational", 7)
	securityProcess := evtxEvent("Security", 4688)
	securityLogon := evtxEvent("Security", 4624)
	bits := evtxEvent("Microsoft-Windows-Bits-Client/Operational", 59)
	rdp := evtxEvent("Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational", 131)
	sample := `{"EventID":1,"Image":"C:\\Windows\\System32\\whoami.exe","CommandLine":"whoami /priv"}`
	syslogLane := `{"message":"<13>Jul 28 10:00:00 h CRON[1]: (root) CMD (x)","product":"linux","service":"cron"}`
	for _, tc := range []struct {
		name  string
		event string
		rule  sigma.Logsource
		fits  bool
	}{
		{"image load rule on image load", sysmonImageLoad, rule("windows", "", "image_load"), true},
		{"process creation rule on image load", sysmonImageLoad, rule("windows", "", "process_creation"), false},
		{"zeek rule on a windows event", sysmonImageLoad, rule("zeek", "rdp", ""), false},
		{"linux rule on a windows event", sysmonImageLoad, rule("linux", "", ""), false},
		{"macos process creation on a windows event", sysmonImageLoad, rule("macos", "", "process_creation"), false},
		{"cisco rule on a windows event", sysmonImageLoad, rule("cisco", "aaa", ""), false},
		{"proxy rule on a windows event", sysmonImageLoad, rule("", "", "proxy"), false},
		{"database rule on a windows event", sysmonImageLoad, rule("", "", "database"), false},
		{"rule without logsource", sysmonImageLoad, rule("", "", ""), true},
		{"sysmon service rule", sysmonImageLoad, rule("windows", "sysmon", ""), true},
		{"security service rule on sysmon", sysmonImageLoad, rule("windows", "security", ""), false},
		{"windows product rule", sysmonImageLoad, rule("windows", "", ""), true},
		{"compared case-insensitively", sysmonImageLoad, rule("Windows", "", "Image_Load"), true},
		{"a product this package does not know", sysmonImageLoad, rule("mycorp", "", ""), true},
		{"a category this package does not know", sysmonImageLoad, rule("windows", "", "my_category"), true},
		{"generic category on its audit event", securityProcess, rule("windows", "", "process_creation"), true},
		{"security rule on a security event", securityProcess, rule("windows", "security", ""), true},
		{"generic category on another audit event", securityLogon, rule("windows", "", "process_creation"), false},
		{"bits-client is no process creation", bits, rule("windows", "", "process_creation"), false},
		{"bits-client rule", bits, rule("windows", "bits-client", ""), true},
		{"unlisted channel, listed service", rdp, rule("windows", "security", ""), false},
		{"unlisted channel, service unknown to the table", rdp, rule("windows", "rdpcorets", ""), true},
		{"unlisted channel, generic category", rdp, rule("windows", "", "process_creation"), false},
		{"unrecognized event, other product", sample, rule("linux", "", ""), true},
		{"unrecognized event, zeek", sample, rule("zeek", "rdp", ""), true},
		{"unrecognized event, category", sample, rule("windows", "", "image_load"), true},
		{"tagged event, its service", syslogLane, rule("linux", "cron", ""), true},
		{"tagged event, another service", syslogLane, rule("linux", "auditd", ""), false},
		{"tagged event, another product", syslogLane, rule("windows", "", "process_creation"), false},
		{"tagged event, category not revealed", syslogLane, rule("linux", "", "process_creation"), true},
		{"tagged event, product-less category", syslogLane, rule("", "", "proxy"), true},
		{"antivirus rule on a defender detection", ecsEvent("Microsoft-Windows-Windows Defender/Operational", 1116), rule("", "", "antivirus"), true},
		{"antivirus rule on a defender config change", ecsEvent("Microsoft-Windows-Windows Defender/Operational", 5007), rule("", "", "antivirus"), false},
		{"forwarded events keep every windows rule", evtxEvent("ForwardedEvents", 4688), rule("windows", "security", "process_creation"), true},
		{"forwarded events exclude other products", evtxEvent("ForwardedEvents", 4688), rule("linux", "", ""), false},
		{"cloudtrail rule on cloudtrail", shapeExamples["AWS CloudTrail"].event, rule("aws", "cloudtrail", ""), true},
		{"webserver rule on cloudtrail", shapeExamples["AWS CloudTrail"].event, rule("", "", "webserver"), false},
		{"kubernetes application rule on an audit event", shapeExamples["Kubernetes audit event"].event, rule("kubernetes", "audit", "application"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := f.key(tc.event)
			if got := f.rec.Fits(tc.rule, k); got != tc.fits {
				t.Errorf("rule %+v on %s (%s): fits = %v, want %v", tc.rule, tc.event, f.rec.Describe(k), got, tc.fits)
			}
		})
	}
}

// A product declared for the user's own schema is known, so other events
// exclude rules written for it.
func TestFitsDeclaredNames(t *testing.T) {
	f := newFixture(t, Mapping{Name: "acme", When: []Condition{{Field: "vendor", Values: []string{"acme"}}},
		Logsource: Recognized{Product: OneOf("acme")}})
	k := f.key(flatEvent("Security", 4624))
	if f.rec.Fits(rule("acme", "", ""), k) {
		t.Errorf("an acme rule fits a Windows event")
	}
	if !f.rec.Fits(rule("acme", "", ""), f.key(`{"vendor":"acme"}`)) {
		t.Errorf("an acme rule does not fit an acme event")
	}
}
