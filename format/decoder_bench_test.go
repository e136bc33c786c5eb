package format

import "testing"

func benchmarkDecode(b *testing.B, opts Options, line string) {
	d, err := New(opts)
	if err != nil {
		b.Fatal(err)
	}
	raw := []byte(line)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := d.Decode(raw, func(Decoded) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

const benchJSON = `{"EventID":1,"Image":"C:\\Windows\\System32\\cmd.exe","CommandLine":"cmd.exe /c whoami","User":"alice","ParentImage":"C:\\Windows\\explorer.exe"}`

func BenchmarkDecodeJSON(b *testing.B)     { benchmarkDecode(b, Options{Format: JSON}, benchJSON) }
func BenchmarkDecodeAutoJSON(b *testing.B) { benchmarkDecode(b, Options{}, benchJSON) }
func BenchmarkDecodeJQ(b *testing.B) {
	benchmarkDecode(b, Options{JQ: ".records[]"}, `{"records":[`+benchJSON+`,`+benchJSON+`]}`)
}
func BenchmarkDecodeJSONPath(b *testing.B) {
	benchmarkDecode(b, Options{JSONPath: "$.records[*]"}, `{"records":[`+benchJSON+`,`+benchJSON+`]}`)
}
func BenchmarkDecodeSyslog5424(b *testing.B) {
	benchmarkDecode(b, Options{Format: Syslog},
		`<165>1 2003-10-11T22:14:15.003Z mymachine evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application"] An application event`)
}
func BenchmarkDecodeSyslog3164(b *testing.B) {
	benchmarkDecode(b, Options{Format: Syslog}, `<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8`)
}
func BenchmarkDecodeLogfmt(b *testing.B) {
	benchmarkDecode(b, Options{Format: Logfmt}, `level=error msg="disk \"sda\" full" path="C:\\Temp" retry host=web01`)
}
func BenchmarkDecodeCEF(b *testing.B) {
	benchmarkDecode(b, Options{Format: CEF}, `CEF:0|Security|IDS|1.0|100|Attack|9|src=10.0.0.1 msg=Intrusion attempt from x dst=10.0.0.2`)
}
