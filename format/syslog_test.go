package format

import (
	"testing"
	"time"
)

func TestDecodeSyslog(t *testing.T) {
	sl := Options{Format: Syslog}
	runDecodeCases(t, []decodeCase{
		{name: "RFC 5424 with NILVALUE structured data", opts: sl,
			line: `<165>1 2024-01-15T10:30:00.000Z web01 myapp 1234 ID47 - Connection established`,
			want: []string{`fields {"timestamp":"2024-01-15T10:30:00+00:00","hostname":"web01","appname":"myapp","procid":"1234","msgid":"ID47","facility":"LOG_LOCAL4","severity":"SEV_NOTICE","_raw":"Connection established"}`}},
		{name: "RFC 5424 keeps its own offset and fraction", opts: Options{Format: Syslog, SyslogTZ: "+05:00"},
			line: `<14>1 2024-01-15T10:30:00.123-07:00 h a - - -`,
			want: []string{`fields {"timestamp":"2024-01-15T10:30:00.123-07:00","hostname":"h","appname":"a","facility":"LOG_USER","severity":"SEV_INFO"}`}},
		{name: "RFC 5424 structured data is flattened and unescaped", opts: sl,
			line: `<165>1 2003-10-11T22:14:15.003Z mymachine evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="App\"lication\]" eventID="1011"][ex@1 k="a\\b"] BOMAn application event`,
			want: []string{`fields {"timestamp":"2003-10-11T22:14:15.003+00:00","hostname":"mymachine","appname":"evntslog","msgid":"ID47","facility":"LOG_LOCAL4","severity":"SEV_NOTICE","exampleSDID@32473.iut":"3","exampleSDID@32473.eventSource":"App\"lication]","exampleSDID@32473.eventID":"1011","ex@1.k":"a\\b","_raw":"BOMAn application event"}`}},
		{name: "RFC 5424 BOM is stripped from the message", opts: sl,
			line: "<13>1 - - - - - - \uFEFFhello",
			want: []string{`fields {"facility":"LOG_USER","severity":"SEV_NOTICE","_raw":"hello"}`}},
		{name: "BOM kept when stripping is off", opts: Options{Format: Syslog, SyslogKeepBOM: true},
			line: "<13>1 - - - - - - \uFEFF{\"a\":1}",
			want: []string{"fields {\"facility\":\"LOG_USER\",\"severity\":\"SEV_NOTICE\",\"_raw\":\"\uFEFF{\\\"a\\\":1}\"}"}},
		{name: "message of only a BOM yields no _raw", opts: sl, line: "<13>1 - - - - - - \uFEFF",
			want: []string{`fields {"facility":"LOG_USER","severity":"SEV_NOTICE"}`}},
		{name: "RFC 3164 example", opts: sl,
			line: `<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8`,
			want: []string{`fields {"timestamp":"2026-10-11T22:14:15+00:00","hostname":"mymachine","appname":"su","facility":"LOG_AUTH","severity":"SEV_CRIT","_raw":"'su root' failed for lonvick on /dev/pts/8"}`}},
		{name: "RFC 3164 tag with pid and padded day", opts: sl,
			line: `<86>Oct  1 09:00:01 host sshd[4242]: Accepted publickey`,
			want: []string{`fields {"timestamp":"2026-10-01T09:00:01+00:00","hostname":"host","appname":"sshd","procid":"4242","facility":"LOG_AUTHPRIV","severity":"SEV_INFO","_raw":"Accepted publickey"}`}},
		{name: "RFC 3164 without hostname", opts: sl, line: `<34>Oct 11 22:14:15 su: failed`,
			want: []string{`fields {"timestamp":"2026-10-11T22:14:15+00:00","appname":"su","facility":"LOG_AUTH","severity":"SEV_CRIT","_raw":"failed"}`}},
		{name: "RFC 3164 without timestamp", opts: sl, line: `<13>host app: not a json line`,
			want: []string{`fields {"hostname":"host","appname":"app","facility":"LOG_USER","severity":"SEV_NOTICE","_raw":"not a json line"}`}},
		{name: "RFC 3164 zone from --syslog-tz", opts: Options{Format: Syslog, SyslogTZ: "-08:00"},
			line: `<13>Mar  3 01:02:03 h a: x`,
			want: []string{`fields {"timestamp":"2026-03-03T01:02:03-08:00","hostname":"h","appname":"a","facility":"LOG_USER","severity":"SEV_NOTICE","_raw":"x"}`}},
		{name: "missing PRI gives no facility", opts: sl, line: `Oct 11 22:14:15 host app: hi`,
			want: []string{`fields {"timestamp":"2026-10-11T22:14:15+00:00","hostname":"host","appname":"app","_raw":"hi"}`}},
		{name: "unparseable text ends up in _raw", opts: sl, line: `just some words`,
			want: []string{`fields {"_raw":"just some words"}`}},
		{name: "out-of-range PRI is not a PRI", opts: sl, line: `<999>x`,
			want: []string{`fields {"_raw":"<999>x"}`}},
		{name: "embedded JSON body becomes a JSON event", opts: sl,
			line: `<165>1 2024-01-15T10:30:00Z web01 myapp 77 - [o@1 k="v"] {"CommandLine":"whoami","syslog_hostname":"mine"}`,
			want: []string{`json {"CommandLine":"whoami","syslog_hostname":"mine","syslog_timestamp":"2024-01-15T10:30:00+00:00","syslog_appname":"myapp","syslog_procid":"77","syslog_facility":"LOG_LOCAL4","syslog_severity":"SEV_NOTICE","sd.o@1.k":"v"}`}},
		{name: "empty JSON object body", opts: sl, line: `<13>h a: {}`,
			want: []string{`json {"syslog_hostname":"h","syslog_appname":"a","syslog_facility":"LOG_USER","syslog_severity":"SEV_NOTICE"}`}},
		{name: "JSON array body stays text", opts: sl, line: `<13>h a: [1,2]`,
			want: []string{`fields {"hostname":"h","appname":"a","facility":"LOG_USER","severity":"SEV_NOTICE","_raw":"[1,2]"}`}},
		{name: "duplicate structured data keys keep the first", opts: sl,
			line: `<13>1 - - - - - [a@1 k="1" k="2"] m`,
			want: []string{`fields {"facility":"LOG_USER","severity":"SEV_NOTICE","a@1.k":"1","_raw":"m"}`}},
	})
}

func TestSyslogYearInference(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		now        time.Time
		want       string
	}{
		{"January message in December is next year", `<13>Jan  1 00:00:01 h a: x`,
			time.Date(2025, 12, 31, 23, 0, 0, 0, time.UTC), "2026-01-01T00:00:01+00:00"},
		{"December message in January is last year", `<13>Dec 31 23:59:59 h a: x`,
			time.Date(2026, 1, 1, 0, 5, 0, 0, time.UTC), "2025-12-31T23:59:59+00:00"},
		{"same month is this year", `<13>Jun  2 08:00:00 h a: x`,
			time.Date(2026, 6, 2, 9, 0, 0, 0, time.UTC), "2026-06-02T08:00:00+00:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := tc.now
			d := mustDecoder(t, Options{Format: Syslog, Now: func() time.Time { return now }})
			var got string
			err := d.Decode([]byte(tc.line), func(ev Decoded) error {
				got, _ = ev.Field("timestamp")
				return nil
			})
			if err != nil || got != tc.want {
				t.Fatalf("timestamp = %q (err %v), want %q", got, err, tc.want)
			}
		})
	}
}
