package format

import (
	"strings"

	"github.com/rsigma-connect/rsigma-connect/internal/jsontext"
)

var facilityNames = [...]string{
	"LOG_KERN", "LOG_USER", "LOG_MAIL", "LOG_DAEMON", "LOG_AUTH", "LOG_SYSLOG", "LOG_LPR",
	"LOG_NEWS", "LOG_UUCP", "LOG_CRON", "LOG_AUTHPRIV", "LOG_FTP", "LOG_NTP", "LOG_AUDIT",
	"LOG_ALERT", "LOG_CLOCKD", "LOG_LOCAL0", "LOG_LOCAL1", "LOG_LOCAL2", "LOG_LOCAL3",
	"LOG_LOCAL4", "LOG_LOCAL5", "LOG_LOCAL6", "LOG_LOCAL7",
}

var severityNames = [...]string{
	"SEV_EMERG", "SEV_ALERT", "SEV_CRIT", "SEV_ERR", "SEV_WARNING", "SEV_NOTICE", "SEV_INFO", "SEV_DEBUG",
}

// headerPairs lists the present header fields in the order of
// input-formats.md §4.2, with their plain key names.
func (m *syslogMessage) headerPairs() (keys, values []string) {
	add := func(k, v string) {
		if v != "" {
			keys = append(keys, k)
			values = append(values, v)
		}
	}
	add("timestamp", m.timestamp)
	add("hostname", m.hostname)
	add("appname", m.appname)
	add("procid", m.procid)
	add("msgid", m.msgid)
	if m.pri >= 0 {
		add("facility", facilityNames[m.pri>>3])
		add("severity", severityNames[m.pri&7])
	}
	return keys, values
}

func jsonObjectBody(msg string) bool {
	return strings.HasPrefix(msg, "{") && isJSON([]byte(msg))
}

// emitSyslog emits the key/value event, or the JSON event when the message
// body is a JSON object (input-formats.md §4.3).
func (d *Decoder) emitSyslog(m syslogMessage, fn func(Decoded) error) error {
	keys, values := m.headerPairs()
	if jsonObjectBody(m.msg) {
		for i := range keys {
			keys[i] = "syslog_" + keys[i]
		}
		for i, k := range m.sdKeys {
			keys = append(keys, "sd."+k)
			values = append(values, m.sdValues[i])
		}
		return d.emitJSON(addMissingMembers([]byte(m.msg), keys, values), fn)
	}
	keys = append(keys, m.sdKeys...)
	values = append(values, m.sdValues...)
	if m.msg != "" {
		keys = append(keys, "_raw")
		values = append(values, m.msg)
	}
	return fn(fieldsEvent(keys, values))
}

// addMissingMembers appends string members to the JSON object obj for every
// key it does not already hold, keeping obj's own members and order.
func addMissingMembers(obj []byte, keys, values []string) []byte {
	present := make(map[string]bool)
	members := 0
	objectMembers(obj, skipSpace(obj, 0), func(key string, _, _ int) bool {
		present[key] = true
		members++
		return true
	})
	closing := len(obj) - 1 // obj is trimmed, so this is the final '}'
	out := make([]byte, 0, len(obj)+64*len(keys))
	out = append(out, obj[:closing]...)
	out = []byte(strings.TrimRight(string(out), " \t\r\n"))
	for i, k := range keys {
		if present[k] {
			continue
		}
		if members > 0 {
			out = append(out, ',')
		}
		members++
		out = jsontext.AppendString(out, k)
		out = append(out, ':')
		out = jsontext.AppendString(out, values[i])
	}
	return append(out, '}')
}
