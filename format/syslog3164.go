package format

import (
	"strings"
	"time"
)

// parse3164 reads "[TIMESTAMP] [HOSTNAME] [TAG[PID]:]" and returns MSG.
func (m *syslogMessage) parse3164(s string, o syslogOptions) string {
	s = strings.TrimLeft(s, " ")
	stamped := false
	if t, rest, ok := bsdTimestamp(s, o); ok {
		m.timestamp, s, stamped = formatTimestamp(t), rest, true
	} else if tok, rest, ok := nextToken(s); ok {
		if t, err := time.Parse(time.RFC3339Nano, tok); err == nil {
			m.timestamp, s, stamped = formatTimestamp(t), rest, true
		}
	}
	s = strings.TrimLeft(s, " ")
	// The first word is a tag if it looks like one; otherwise it is the
	// hostname when a timestamp precedes it or a tag follows it.
	if app, pid, rest, ok := readTag(s); ok {
		m.appname, m.procid = app, pid
		return rest
	}
	host, afterHost, ok := nextToken(s)
	if !ok || host == "" {
		return s
	}
	if app, pid, rest, tagged := readTag(afterHost); tagged {
		m.hostname, m.appname, m.procid = host, app, pid
		return rest
	}
	if stamped && afterHost != "" {
		m.hostname = host
		return afterHost
	}
	return s
}

// readTag reads "TAG[PID]:", "TAG:" or "TAG[PID]" followed by a space or the
// end of the line.
func readTag(s string) (app, pid, rest string, ok bool) {
	end := strings.IndexAny(s, "[: ")
	if end <= 0 {
		return "", "", s, false
	}
	app, r := s[:end], s[end:]
	bracket := false
	if r[0] == '[' {
		close := strings.IndexByte(r, ']')
		if close < 0 {
			return "", "", s, false
		}
		pid, r, bracket = r[1:close], r[close+1:], true
	}
	colon := strings.HasPrefix(r, ":")
	if colon {
		r = r[1:]
	}
	if !colon && !bracket {
		return "", "", s, false
	}
	if r != "" && r[0] != ' ' {
		return "", "", s, false
	}
	return app, pid, strings.TrimPrefix(r, " "), true
}

var months = map[string]time.Month{
	"Jan": time.January, "Feb": time.February, "Mar": time.March, "Apr": time.April,
	"May": time.May, "Jun": time.June, "Jul": time.July, "Aug": time.August,
	"Sep": time.September, "Oct": time.October, "Nov": time.November, "Dec": time.December,
}

// bsdTimestamp reads "Mmm dd hh:mm:ss" (day may be space-padded) and infers
// the year (input-formats.md §4.4).
func bsdTimestamp(s string, o syslogOptions) (time.Time, string, bool) {
	if len(s) < 14 {
		return time.Time{}, s, false
	}
	month, ok := months[s[:3]]
	if !ok || s[3] != ' ' {
		return time.Time{}, s, false
	}
	r := strings.TrimLeft(s[4:], " ")
	day := 0
	i := 0
	for ; i < len(r) && i < 2 && r[i] >= '0' && r[i] <= '9'; i++ {
		day = day*10 + int(r[i]-'0')
	}
	if i == 0 || len(r) < i+9 || r[i] != ' ' || day < 1 || day > 31 {
		return time.Time{}, s, false
	}
	clock := r[i+1 : i+9]
	h, okH := twoDigits(clock[0:2])
	mi, okM := twoDigits(clock[3:5])
	sec, okS := twoDigits(clock[6:8])
	if !okH || !okM || !okS || clock[2] != ':' || clock[5] != ':' || h > 23 || mi > 59 || sec > 60 {
		return time.Time{}, s, false
	}
	rest := r[i+9:]
	if rest != "" && rest[0] != ' ' {
		return time.Time{}, s, false
	}
	now := o.now().UTC()
	year := now.Year()
	switch {
	case month == time.January && now.Month() == time.December:
		year++
	case month == time.December && now.Month() == time.January:
		year--
	}
	return time.Date(year, month, day, h, mi, sec, 0, o.loc), rest, true
}

// formatTimestamp renders t as RFC 3339 with a numeric offset and 0, 3, 6 or
// 9 fractional digits (the rendering rsigma produces: 2024-01-15T10:30:00+00:00).
func formatTimestamp(t time.Time) string {
	layout := "2006-01-02T15:04:05"
	switch ns := t.Nanosecond(); {
	case ns == 0:
	case ns%1_000_000 == 0:
		layout += ".000"
	case ns%1_000 == 0:
		layout += ".000000"
	default:
		layout += ".000000000"
	}
	return t.Format(layout + "-07:00")
}
