package engine

import (
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/jsontext"
)

// dlqTimeLayout is RFC 3339 with microseconds and a numeric UTC offset
// (`2026-06-02T08:15:00.120004+00:00`), as output.md §7 shows.
const dlqTimeLayout = "2006-01-02T15:04:05.000000-07:00"

// AppendDLQEntry appends the JSON of one DLQ entry (output.md §7).
func AppendDLQEntry(dst []byte, original, reason string, at time.Time) []byte {
	dst = append(dst, `{"original_event":`...)
	dst = jsontext.AppendString(dst, original)
	dst = append(dst, `,"error":`...)
	dst = jsontext.AppendString(dst, reason)
	dst = append(dst, `,"timestamp":`...)
	dst = jsontext.AppendString(dst, at.UTC().Format(dlqTimeLayout))
	return append(dst, '}')
}
