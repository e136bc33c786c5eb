package correlation

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// maxTimestampMillis clamps timestamps to [0, 2^62] seconds' worth, kept in
// milliseconds without overflow.
const maxTimestampMillis = math.MaxInt64 / 2

// eventTime returns the event time in Unix milliseconds from the first field
// of fields that is present and parses (correlation.md §10.1).
func eventTime(ev sigma.Event, fields []*sigma.Field) (int64, bool) {
	for _, f := range fields {
		v := ev.Field(f)
		if ms, ok := ParseTimestamp(v); ok {
			return ms, true
		}
	}
	return 0, false
}

// ParseTimestamp converts an event value to Unix milliseconds. Numbers (and
// numeric strings) are epoch seconds, or milliseconds when above 10^12;
// strings may be RFC 3339 or the naive forms `YYYY-MM-DDTHH:MM:SS` /
// `YYYY-MM-DD HH:MM:SS` with optional fraction, read as UTC.
func ParseTimestamp(v sigma.Value) (int64, bool) {
	switch v.Kind {
	case sigma.KindNumber:
		return epochMillis(v.Str)
	case sigma.KindString:
		s := strings.TrimSpace(v.Str)
		if ms, ok := epochMillis(s); ok {
			return ms, true
		}
		return parseDateTime(s)
	}
	return 0, false
}

func epochMillis(s string) (int64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	f = math.Trunc(f)
	if f > 1e12 {
		return clampMillis(f), true
	}
	return clampMillis(f * 1000), true
}

func clampMillis(ms float64) int64 {
	switch {
	case ms <= 0:
		return 0
	case ms >= maxTimestampMillis:
		return maxTimestampMillis
	}
	return int64(ms)
}

var naiveLayouts = []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"}

func parseDateTime(s string) (int64, bool) {
	if len(s) < 19 {
		return 0, false
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return clampMillis(float64(t.UnixMilli())), true
	}
	for _, layout := range naiveLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return clampMillis(float64(t.UnixMilli())), true
		}
	}
	return 0, false
}
