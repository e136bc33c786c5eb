package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"
)

// benchSysmonLine is a Sysmon process-creation event of the size the
// benchmark lanes use (~600 bytes).
func benchSysmonLine(i int) []byte {
	return fmt.Appendf(nil, `{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"ws-%04d.corp.example",`+
		`"UtcTime":"2026-12-07 10:00:%02d.123","ProcessGuid":"{5770385f-c22a-43e0-bf4c-06f5698ffbd9}","ProcessId":%d,`+
		`"Image":"C:\\Windows\\System32\\cmd.exe","FileVersion":"10.0.19041.1","Description":"Windows Command Processor",`+
		`"CommandLine":"cmd.exe /c whoami /all \u003e C:\\Users\\Public\\out-%d.txt","CurrentDirectory":"C:\\Windows\\system32\\",`+
		`"User":"CORP\\alice","LogonId":"0x3e7","IntegrityLevel":"High","Hashes":"SHA256=9F914D42706FE215501044ACD85A32D58AAEF1419D404FDDFA5D3B48F66CCD9F",`+
		`"ParentImage":"C:\\Windows\\explorer.exe","ParentCommandLine":"C:\\Windows\\Explorer.EXE"}`, i%10000, i%60, 4000+i, i)
}

// benchInput is count events, one per line, or pretty-printed over
// several lines each (as `jq .` writes them).
func benchInput(count int, pretty bool) []byte {
	var buf bytes.Buffer
	for i := 0; i < count; i++ {
		line := benchSysmonLine(i)
		if pretty {
			var ind bytes.Buffer
			if err := json.Indent(&ind, line, "", "  "); err != nil {
				panic(err)
			}
			line = ind.Bytes()
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

func benchmarkSplitter(b *testing.B, pretty bool) {
	const events = 10000
	input := benchInput(events, pretty)
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := NewSplitter(bytes.NewReader(input), 16<<20)
		n := 0
		for {
			_, err := s.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != events {
			b.Fatalf("%d events, want %d", n, events)
		}
	}
	b.ReportMetric(float64(b.N*events)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkSplitterNDJSON is the common case: one compact event per line.
func BenchmarkSplitterNDJSON(b *testing.B) { benchmarkSplitter(b, false) }

// BenchmarkSplitterPretty joins pretty-printed events (21 lines each).
func BenchmarkSplitterPretty(b *testing.B) { benchmarkSplitter(b, true) }
