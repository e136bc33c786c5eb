package format

import "testing"

func TestDecodeLogfmt(t *testing.T) {
	lf := Options{Format: Logfmt}
	runDecodeCases(t, []decodeCase{
		{name: "spec example", opts: lf, line: `level=error msg="disk \"sda\" full" path="C:\\Temp" retry`,
			want: []string{`fields {"level":"error","msg":"disk \"sda\" full","path":"C:\\Temp","retry":"true"}`}},
		{name: "empty value and dotted key", opts: lf, line: "http.method=GET\tempty= x",
			want: []string{`fields {"http.method":"GET","empty":"","x":"true"}`}},
		{name: "other escapes are kept", opts: lf, line: `m="a\nb"`, want: []string{`fields {"m":"a\\nb"}`}},
		{name: "unterminated quote takes the rest", opts: lf, line: `a=1 m="open ended`,
			want: []string{`fields {"a":"1","m":"open ended"}`}},
		{name: "empty key chunk is skipped", opts: lf, line: `=junk a=1`, want: []string{`fields {"a":"1"}`}},
		{name: "duplicate keys keep the first", opts: lf, line: `a=1 a=2`, want: []string{`fields {"a":"1"}`}},
		{name: "non-ASCII inside quotes survives", opts: lf, line: `user="José Ünïcode"`,
			want: []string{`fields {"user":"José Ünïcode"}`}},
		{name: "no pairs is an empty event", opts: lf, line: `   =`, want: []string{`fields {}`}},
	})
}

func TestDecodeCEF(t *testing.T) {
	cef := Options{Format: CEF}
	runDecodeCases(t, []decodeCase{
		{name: "spec example with spaces in values", opts: cef,
			line: `CEF:0|Security|IDS|1.0|100|Attack|9|src=10.0.0.1 msg=Intrusion attempt from x dst=10.0.0.2`,
			want: []string{`fields {"cef_version":"0","deviceVendor":"Security","deviceProduct":"IDS","deviceVersion":"1.0","signatureId":"100","name":"Attack","severity":"9","src":"10.0.0.1","msg":"Intrusion attempt from x","dst":"10.0.0.2"}`}},
		{name: "syslog prefix is discarded", opts: cef,
			line: `<13>Jan  1 00:00:00 host CEF:1|V|P|2|sig|N|High|suser=bob`,
			want: []string{`fields {"cef_version":"1","deviceVendor":"V","deviceProduct":"P","deviceVersion":"2","signatureId":"sig","name":"N","severity":"High","suser":"bob"}`}},
		{name: "header and extension escapes", opts: cef,
			line: `CEF:0|Ven\|dor|P\\x|1|s|n\q|5|msg=a\=b\\c\nd cs1Label=Policy cs1=Block`,
			want: []string{"fields {\"cef_version\":\"0\",\"deviceVendor\":\"Ven|dor\",\"deviceProduct\":\"P\\\\x\",\"deviceVersion\":\"1\",\"signatureId\":\"s\",\"name\":\"n\\\\q\",\"severity\":\"5\",\"msg\":\"a=b\\\\c\\nd\",\"cs1Label\":\"Policy\",\"cs1\":\"Block\"}"}},
		{name: "extension key named like a header is shadowed", opts: cef,
			line: `CEF:0|V|P|1|s|Real|5|name=Fake`,
			want: []string{`fields {"cef_version":"0","deviceVendor":"V","deviceProduct":"P","deviceVersion":"1","signatureId":"s","name":"Real","severity":"5"}`}},
		{name: "empty extension", opts: cef, line: `CEF:0|V|P|1|s|n|5|`,
			want: []string{`fields {"cef_version":"0","deviceVendor":"V","deviceProduct":"P","deviceVersion":"1","signatureId":"s","name":"n","severity":"5"}`}},
		{name: "no CEF marker is a parse error", opts: cef, line: `hello world`, wantErr: true},
		{name: "too few separators is a parse error", opts: cef, line: `CEF:0|V|P|1|s|n`, wantErr: true},
		{name: "non-integer version is a parse error", opts: cef, line: `CEF:x|V|P|1|s|n|5|a=b`, wantErr: true},
	})
}
