package format

import (
	"strings"
	"time"
)

// Loose RFC 3164 / RFC 5424 syslog parsing (input-formats.md §4). It never
// fails: whatever cannot be read as a header ends up in the message.

type syslogOptions struct {
	loc     *time.Location // zone of RFC 3164 timestamps
	keepBOM bool
	now     func() time.Time
}

// syslogMessage is a parsed line; empty strings mean "absent".
type syslogMessage struct {
	pri                              int // -1 when the line has no PRI
	timestamp                        string
	hostname, appname, procid, msgid string
	sdKeys, sdValues                 []string // "<SD-ID>.<PARAM>" and its value
	msg                              string   // trimmed MSG, BOM removed
}

// hasHeader reports whether any key besides _raw would be produced.
func (m *syslogMessage) hasHeader() bool {
	return m.pri >= 0 || m.timestamp != "" || m.hostname != "" || m.appname != "" ||
		m.procid != "" || m.msgid != "" || len(m.sdKeys) > 0
}

// parseSyslog parses line; ok reports whether it looked like syslog at all
// (a header field was found or the body is a JSON object), which is what
// auto-detection requires.
func parseSyslog(line string, o syslogOptions) (m syslogMessage, ok bool) {
	m.pri = -1
	rest := line
	p, afterPRI, hasPRI := parsePRI(line)
	if hasPRI {
		m.pri, rest = p, afterPRI
	}
	if after, is5424 := rfc5424Version(rest); hasPRI && is5424 {
		rest = m.parse5424(after)
	} else {
		rest = m.parse3164(rest, o)
	}
	m.msg = cleanMessage(rest, o.keepBOM)
	return m, m.hasHeader() || jsonObjectBody(m.msg)
}

// parsePRI reads "<N>" with 0 <= N <= 191.
func parsePRI(s string) (pri int, rest string, ok bool) {
	if len(s) < 3 || s[0] != '<' {
		return 0, s, false
	}
	i := 1
	for ; i < len(s) && i <= 4 && s[i] >= '0' && s[i] <= '9'; i++ {
		pri = pri*10 + int(s[i]-'0')
	}
	if i == 1 || i > 4 || i >= len(s) || s[i] != '>' || pri > 191 {
		return 0, s, false
	}
	return pri, s[i+1:], true
}

// rfc5424Version recognises "VERSION SP" (1-2 digits) right after PRI.
func rfc5424Version(s string) (rest string, ok bool) {
	i := 0
	for i < len(s) && i < 2 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || s[0] == '0' || i >= len(s) || s[i] != ' ' {
		return s, false
	}
	return s[i+1:], true
}

// nextToken splits s at the first space.
func nextToken(s string) (tok, rest string, ok bool) {
	if s == "" {
		return "", "", false
	}
	if i := strings.IndexByte(s, ' '); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", true
}

func nilValue(s string) string {
	if s == "-" {
		return ""
	}
	return s
}

// parse5424 reads TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD and returns MSG.
func (m *syslogMessage) parse5424(s string) string {
	var tok string
	fields := []*string{&m.timestamp, &m.hostname, &m.appname, &m.procid, &m.msgid}
	for i, dst := range fields {
		var ok bool
		if tok, s, ok = nextToken(s); !ok {
			return ""
		}
		if i == 0 {
			if t, err := time.Parse(time.RFC3339Nano, tok); err == nil {
				m.timestamp = formatTimestamp(t)
			}
			continue
		}
		*dst = nilValue(tok)
	}
	if strings.HasPrefix(s, "-") {
		return strings.TrimPrefix(s[1:], " ")
	}
	if strings.HasPrefix(s, "[") {
		keys, values, rest, ok := parseStructuredData(s)
		if ok {
			m.sdKeys, m.sdValues = keys, values
			return strings.TrimPrefix(rest, " ")
		}
	}
	return s
}

// parseStructuredData reads one or more "[SD-ID name="value" ...]" elements.
func parseStructuredData(s string) (keys, values []string, rest string, ok bool) {
	for strings.HasPrefix(s, "[") {
		end := strings.IndexAny(s, " ]")
		if end < 0 {
			return nil, nil, "", false
		}
		id := s[1:end]
		s = s[end:]
		for strings.HasPrefix(s, " ") {
			s = strings.TrimLeft(s, " ")
			eq := strings.Index(s, `="`)
			if eq <= 0 {
				return nil, nil, "", false
			}
			name := s[:eq]
			val, after, closed := readSDValue(s[eq+2:])
			if !closed {
				return nil, nil, "", false
			}
			keys = append(keys, id+"."+name)
			values = append(values, val)
			s = after
		}
		if !strings.HasPrefix(s, "]") {
			return nil, nil, "", false
		}
		s = s[1:]
	}
	return keys, values, s, true
}

// readSDValue reads a PARAM-VALUE up to its closing quote, unescaping \" \\ \].
func readSDValue(s string) (val, rest string, ok bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\' || s[i+1] == ']'):
			b.WriteByte(s[i+1])
			i++
		case c == '"':
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(c)
		}
	}
	return "", "", false
}

// cleanMessage trims MSG and removes one leading BOM unless keepBOM.
func cleanMessage(s string, keepBOM bool) string {
	s = strings.TrimSpace(s)
	if !keepBOM {
		s = strings.TrimSpace(strings.TrimPrefix(s, "\uFEFF"))
	}
	return s
}
