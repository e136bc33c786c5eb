// Package format decodes input lines into events (spec/input-formats.md):
// JSON (with the optional jq or JSONPath filter and the EVTX flattening),
// RFC 3164/5424 syslog, logfmt, CEF and plain text, and splits a byte
// stream into lines, joining pretty-printed JSON values.
package format
