package format

import (
	"fmt"
	"time"
)

// Name is an --input-format value.
type Name string

// Input formats (input-formats.md §2).
const (
	Auto   Name = "auto"
	JSON   Name = "json"
	Syslog Name = "syslog"
	Plain  Name = "plain"
	Logfmt Name = "logfmt"
	CEF    Name = "cef"
)

// Names lists every accepted --input-format value.
var Names = []Name{Auto, JSON, Syslog, Plain, Logfmt, CEF}

// Options configures a Decoder. The zero value decodes `auto` with RFC 3164
// timestamps in UTC, BOM stripping on and no event filter.
type Options struct {
	// Format is the --input-format value; "" means auto.
	Format Name
	// SyslogTZ is the --syslog-tz offset for RFC 3164 timestamps: "+HH:MM",
	// "-HH:MM", "UTC", "utc" or "Z"; "" means +00:00.
	SyslogTZ string
	// SyslogKeepBOM is the negation of --syslog-strip-bom (default strip).
	SyslogKeepBOM bool
	// JQ is a jq program applied to every JSON event (--jq).
	JQ string
	// JSONPath is an RFC 9535 query applied to every JSON event (--jsonpath).
	JSONPath string
	// Now returns the wall clock used for RFC 3164 year inference; nil means
	// time.Now.
	Now func() time.Time
	// OnFilterError, when set, is called with each jq runtime error; the
	// output that failed is skipped and the other outputs are still decoded.
	OnFilterError func(error)
	// DeferJSONCheck is set by a caller that validates every KindJSON event
	// itself, as sigma.JSONEvent.Reset does: under `json` without a filter,
	// lines are then emitted without being checked first (saving a second
	// pass over each event), and the caller must report a line that proves
	// invalid as a parse error (errors.Is ErrParse).
	DeferJSONCheck bool
}

// ParseName validates an --input-format value.
func ParseName(s string) (Name, error) {
	if s == "" {
		return Auto, nil
	}
	for _, n := range Names {
		if string(n) == s {
			return n, nil
		}
	}
	return "", fmt.Errorf("--input-format: unknown format %q (want auto, json, syslog, plain, logfmt or cef)", s)
}

// ParseOffset parses a --syslog-tz value into a fixed zone.
func ParseOffset(s string) (*time.Location, error) {
	switch s {
	case "", "UTC", "utc", "Z":
		return time.UTC, nil
	}
	bad := fmt.Errorf("--syslog-tz: invalid offset %q (want +HH:MM or -HH:MM)", s)
	if len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return nil, bad
	}
	h, okH := twoDigits(s[1:3])
	m, okM := twoDigits(s[4:6])
	if !okH || !okM || h > 23 || m > 59 {
		return nil, bad
	}
	secs := h*3600 + m*60
	if s[0] == '-' {
		secs = -secs
	}
	if secs == 0 {
		return time.UTC, nil
	}
	return time.FixedZone(s, secs), nil
}

func twoDigits(s string) (int, bool) {
	if len(s) != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return 0, false
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), true
}
