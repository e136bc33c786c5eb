package correlation

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/jsontext"
)

// Result is one correlation firing (output.md §4).
type Result struct {
	Rule     *Rule
	GroupKey []GroupPair
	// Value is the aggregate that satisfied the condition.
	Value    float64
	Timespan time.Duration
	// Time is the event time of the firing contribution (Unix ms).
	Time int64
	// WindowStart is the event time of the oldest entry in the window that
	// fired (Unix ms); Time when the window holds none.
	WindowStart int64
	// Mode is EventModeFull or EventModeRefs when the result carries events;
	// chained results never do.
	Mode      EventMode
	Events    [][]byte // JSON bodies, oldest first (full mode)
	EventRefs []EventRef
	corr      int
}

// Type returns the correlation type.
func (r *Result) Type() Type { return r.Rule.Type }

// AppendBody appends the result's body keys, from "correlation_type" to
// "events"/"event_refs", as JSON object members separated by commas with no
// leading or trailing comma. The header (rule_title … enrichments) is the
// caller's.
func (r *Result) AppendBody(dst []byte) []byte {
	dst = append(dst, `"correlation_type":"`...)
	dst = append(dst, r.Rule.Type.String()...)
	dst = append(dst, `","group_key":[`...)
	for i, p := range r.GroupKey {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '[')
		dst = jsontext.AppendString(dst, p.Field)
		dst = append(dst, ',')
		dst = jsontext.AppendString(dst, p.Value)
		dst = append(dst, ']')
	}
	dst = append(dst, `],"aggregated_value":`...)
	dst = AppendFloat(dst, r.Value)
	dst = append(dst, `,"timespan_secs":`...)
	dst = strconv.AppendInt(dst, int64(r.Timespan/time.Second), 10)
	switch r.Mode {
	case EventModeFull:
		dst = append(dst, `,"events":[`...)
		for i, ev := range r.Events {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, ev...)
		}
		dst = append(dst, ']')
	case EventModeRefs:
		dst = append(dst, `,"event_refs":[`...)
		for i, ref := range r.EventRefs {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"timestamp":`...)
			dst = strconv.AppendInt(dst, ref.Timestamp, 10)
			if ref.HasID {
				dst = append(dst, `,"id":`...)
				dst = jsontext.AppendString(dst, ref.ID)
			}
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	return dst
}

// AppendFloat writes f the way Rust's serde_json does: shortest round-trip
// digits, an integral value keeps ".0", scientific notation outside
// 1e-5 ≤ |f| < 1e16, non-finite values as null.
func AppendFloat(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	if f == 0 {
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	sci := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	mant, expText, _ := strings.Cut(sci, "e")
	exp, _ := strconv.Atoi(expText)
	neg := mant[0] == '-'
	if neg {
		dst = append(dst, '-')
		mant = mant[1:]
	}
	digits := strings.Replace(mant, ".", "", 1)
	point := exp + 1 // digits before the decimal point
	switch {
	case point > 16 || point < -4:
		dst = append(dst, digits[0])
		if len(digits) > 1 {
			dst = append(dst, '.')
			dst = append(dst, digits[1:]...)
		}
		dst = append(dst, 'e')
		return strconv.AppendInt(dst, int64(exp), 10)
	case point <= 0:
		dst = append(dst, "0."...)
		dst = append(dst, strings.Repeat("0", -point)...)
		return append(dst, digits...)
	case point >= len(digits):
		dst = append(dst, digits...)
		dst = append(dst, strings.Repeat("0", point-len(digits))...)
		return append(dst, ".0"...)
	}
	dst = append(dst, digits[:point]...)
	dst = append(dst, '.')
	return append(dst, digits[point:]...)
}
