package logsource

import (
	"testing"

	"github.com/rsigma-connect/rsigma-connect/internal/lanes"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// benchEvents are one line of each kind the benchmark lanes and real
// Windows logs carry, already as the decoder hands them over.
var benchEvents = map[string]string{
	"sysmon_flat":   `{"RuleName":"-","UtcTime":"2026-07-28 09:00:00.032","ProcessGuid":"{BFF55648-08C0-3E98-B209-E5C95708CBE3}","ProcessId":41702,"Image":"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe","CommandLine":"\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" --type=renderer","CurrentDirectory":"C:\\Users\\erin\\","User":"CORP\\erin","ParentImage":"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe","EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Provider_Name":"Microsoft-Windows-Sysmon","Computer":"WS-0042.corp.example.com","EventRecordID":4200000}`,
	"syslog_tagged": `{"message":"<13>Jul 28 10:00:00 bastion-1 CRON[58291]: (root) CMD (run-parts /etc/cron.hourly)","product":"linux","service":"cron"}`,
	"evtx_flattened": `{"Image":"C:\\x.exe","ImageLoaded":"C:\\y.dll","EventID":7,"Channel":"Microsoft-Windows-Sysmon/Operational","Provider_Name":"Microsoft-Windows-Sysmon",` +
		`"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon"}},"EventID":7,"Channel":"Microsoft-Windows-Sysmon/Operational"},"EventData":{"Image":"C:\\x.exe","ImageLoaded":"C:\\y.dll"}}}`,
	"cloudtrail":   `{"eventVersion":"1.08","userIdentity":{"type":"IAMUser"},"eventTime":"2026-01-01T00:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1"}`,
	"unrecognized": `{"@timestamp":"2026-11-26T10:00:00Z","EventID":1,"Image":"C:\\Windows\\System32\\whoami.exe","CommandLine":"whoami /priv","User":"alice"}`,
}

// BenchmarkRecognize measures, per kind of event, JSONEvent.Reset alone
// (reset) and Reset plus Recognize (recognize) on one table, so the
// difference is what recognition adds.
func BenchmarkRecognize(b *testing.B) {
	for name, line := range benchEvents {
		for _, recognize := range []bool{false, true} {
			sub := name + "/reset"
			if recognize {
				sub = name + "/recognize"
			}
			b.Run(sub, func(b *testing.B) {
				table := sigma.NewFieldTable()
				rec := New(Options{Field: table.Intern})
				ev := sigma.NewJSONEvent(table)
				raw := []byte(line)
				b.SetBytes(int64(len(raw)))
				b.ReportAllocs()
				for b.Loop() {
					_ = ev.Reset(raw)
					if recognize {
						_ = rec.Recognize(ev)
					}
				}
			})
		}
	}
}

// BenchmarkRecognizeFields measures a flat key/value event (syslog, CEF,
// logfmt), whose field lookups scan its keys.
func BenchmarkRecognizeFields(b *testing.B) {
	rec := New(Options{})
	ev := sigma.NewFieldsEvent(
		[]string{"timestamp", "hostname", "appname", "procid", "facility", "severity", "_raw"},
		[]string{"2026-07-28T10:00:00Z", "bastion-1", "CRON", "58291", "cron", "info", "(root) CMD (run-parts /etc/cron.hourly)"})
	b.ReportAllocs()
	for b.Loop() {
		_ = rec.Recognize(ev)
	}
}

// BenchmarkSelect measures the per-event lookup of a Key's Selection.
func BenchmarkSelect(b *testing.B) {
	e := loadCorpus(b)
	rec := New(Options{Field: e.Fields().Intern})
	rt := NewRouter(rec, logsources(e.Rules()))
	ev := sigma.NewJSONEvent(e.Fields())
	if err := ev.Reset([]byte(benchEvents["sysmon_flat"])); err != nil {
		b.Fatal(err)
	}
	k := rec.Recognize(ev)
	b.Logf("%d of %d rules fit a Sysmon process creation", rt.Select(k).Len(), len(e.Rules()))
	b.ReportAllocs()
	for b.Loop() {
		_ = rt.Select(k)
	}
}

// BenchmarkNewRouter measures bucketing the SigmaHQ corpus, done at every
// rules load.
func BenchmarkNewRouter(b *testing.B) {
	e := loadCorpus(b)
	rec := New(Options{Field: e.Fields().Intern})
	ls := logsources(e.Rules())
	b.ReportAllocs()
	for b.Loop() {
		NewRouter(rec, ls)
	}
}

// BenchmarkNew measures building a Recognizer with the builtin tables.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		New(Options{})
	}
}

// BenchmarkRecognizeLanes measures recognition on the benchmark lanes with
// the SigmaHQ corpus's field table (as the daemon's), per event: Reset
// alone, then Reset plus Recognize.
func BenchmarkRecognizeLanes(b *testing.B) {
	e := loadCorpus(b)
	rec := New(Options{Field: e.Fields().Intern})
	for _, lane := range lanes.All {
		lines, err := lanes.Lines(lane, 20000)
		if err != nil {
			b.Fatal(err)
		}
		for _, recognize := range []bool{false, true} {
			sub := string(lane) + "/reset"
			if recognize {
				sub = string(lane) + "/recognize"
			}
			b.Run(sub, func(b *testing.B) {
				ev := sigma.NewJSONEvent(e.Fields())
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					_ = ev.Reset(lines[i%len(lines)])
					if recognize {
						_ = rec.Recognize(ev)
					}
					i++
				}
			})
		}
	}
}
