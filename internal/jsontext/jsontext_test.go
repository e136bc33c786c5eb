package jsontext

import (
	"encoding/json"
	"testing"
)

func TestAppendString(t *testing.T) {
	cases := map[string]string{
		"plain":                   `"plain"`,
		`q"b\s`:                   `"q\"b\\s"`,
		"\b\t\n\f\r\x01\x1f":      `"\b\t\n\f\r\u0001\u001f"`,
		"<&>/é\u2028日本":           "\"<&>/é\u2028日本\"",
		"bad\xffutf8":             "\"bad\uFFFDutf8\"",
		"":                        `""`,
		"C:\\Windows\\cmd.exe /c": `"C:\\Windows\\cmd.exe /c"`,
	}
	for in, want := range cases {
		got := string(AppendString(nil, in))
		if got != want {
			t.Errorf("AppendString(%q) = %s, want %s", in, got, want)
		}
		var back string
		if err := json.Unmarshal([]byte(got), &back); err != nil {
			t.Errorf("%s is not a JSON string: %v", got, err)
		}
		if n := QuotedLen(in); n != len(got) {
			t.Errorf("QuotedLen(%q) = %d, AppendString wrote %d bytes", in, n, len(got))
		}
	}
}

func FuzzAppendStringRoundTrips(f *testing.F) {
	f.Add("a\"b\\c\n\x00é\xff")
	f.Fuzz(func(t *testing.T, s string) {
		var back string
		if err := json.Unmarshal(AppendString(nil, s), &back); err != nil {
			t.Fatalf("invalid JSON for %q: %v", s, err)
		}
		if want := string([]rune(s)); back != want {
			t.Fatalf("round trip of %q gave %q, want %q", s, back, want)
		}
		if n, wrote := QuotedLen(s), len(AppendString(nil, s)); n != wrote {
			t.Fatalf("QuotedLen(%q) = %d, AppendString wrote %d bytes", s, n, wrote)
		}
	})
}
