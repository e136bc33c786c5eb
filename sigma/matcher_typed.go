package sigma

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// numberMatcher is equality with a Number rule value (sigma-rules.md §5.3):
// numeric equality with numbers and decimal strings, otherwise
// case-insensitive equality with the rule's literal text.
type numberMatcher struct {
	want    RuleValue
	litFold string
}

func (m *numberMatcher) match(k Kind, str, fold string) bool {
	var got RuleValue
	switch k {
	case KindNumber:
		return parseDecimalInto(str, &got) && numbersEqual(&m.want, &got)
	case KindString:
		if parseDecimalInto(str, &got) {
			return numbersEqual(&m.want, &got)
		}
		return fold == m.litFold
	}
	return false
}

// numbersEqual compares exactly as int64 when both are integral.
func numbersEqual(a, b *RuleValue) bool {
	if a.IsInt && b.IsInt {
		return a.Int == b.Int
	}
	return a.Float == b.Float
}

// compareNumbers returns -1, 0 or 1.
func compareNumbers(a, b *RuleValue) int {
	if a.IsInt && b.IsInt {
		switch {
		case a.Int < b.Int:
			return -1
		case a.Int > b.Int:
			return 1
		}
		return 0
	}
	switch {
	case a.Float < b.Float:
		return -1
	case a.Float > b.Float:
		return 1
	}
	return 0
}

// boolMatcher is equality with a Bool rule value.
type boolMatcher struct{ want string } // "true" or "false"

func (m *boolMatcher) match(k Kind, str, fold string) bool {
	switch k {
	case KindBool:
		return str == m.want
	case KindString:
		return fold == m.want
	}
	return false
}

// regexMatcher searches the event text with a compiled regular expression.
// Before running it, the literals every match must contain (regexRequirements)
// are looked up in the folded text, or in the text itself when they are
// cased, which rejects most texts cheaply.
type regexMatcher struct {
	re       *regexp.Regexp
	required [][]string
	cased    bool
}

func newRegexMatcher(re *regexp.Regexp) *regexMatcher {
	m := &regexMatcher{re: re}
	m.required, m.cased = regexRequirements(re.String())
	return m
}

func (m *regexMatcher) match(k Kind, str, fold string) bool {
	s, ok := scalarTextOf(k, str, fold, true)
	if !ok {
		return false
	}
	text := fold
	if m.cased {
		text = s
	}
	for _, set := range m.required {
		found := false
		for _, lit := range set {
			if strings.Contains(text, lit) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return m.re.MatchString(s)
}

// cidrMatcher tests whether an event string is an address inside a network.
type cidrMatcher struct{ prefix netip.Prefix }

func (m *cidrMatcher) match(k Kind, str, fold string) bool {
	if k != KindString {
		return false
	}
	addr, err := netip.ParseAddr(str)
	if err != nil || addr.Zone() != "" {
		return false
	}
	return m.prefix.Contains(addr.Unmap())
}

// parseCIDR accepts a network or a bare address (as /32 or /128) and masks
// host bits.
func parseCIDR(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		addr, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		addr = addr.Unmap()
		return netip.PrefixFrom(addr, addr.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	if p.Addr().Is4In6() {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p.Masked(), nil
}

// numCmpMatcher is gt/gte/lt/lte.
type numCmpMatcher struct {
	op   string
	want RuleValue
}

func (m *numCmpMatcher) match(k Kind, str, fold string) bool {
	if k != KindNumber && k != KindString {
		return false
	}
	var got RuleValue
	if !parseDecimalInto(str, &got) {
		return false
	}
	return cmpHolds(m.op, compareNumbers(&got, &m.want))
}

func cmpHolds(op string, c int) bool {
	switch op {
	case "gt":
		return c > 0
	case "gte":
		return c >= 0
	case "lt":
		return c < 0
	case "lte":
		return c <= 0
	}
	return c == 0
}

// datePartMatcher extracts a UTC date part from the event value and compares
// it with the rule value.
type datePartMatcher struct {
	part string
	want int64
}

func (m *datePartMatcher) match(k Kind, str, fold string) bool {
	t, ok := eventTime(k, str)
	if !ok {
		return false
	}
	t = t.UTC()
	var got int
	switch m.part {
	case "minute":
		got = t.Minute()
	case "hour":
		got = t.Hour()
	case "day":
		got = t.Day()
	case "week":
		_, got = t.ISOWeek()
	case "month":
		got = int(t.Month())
	default:
		got = t.Year()
	}
	return int64(got) == m.want
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00"}

// eventTime reads RFC 3339, ISO 8601 without offset (UTC) or epoch seconds /
// milliseconds (above 10^12).
func eventTime(k Kind, str string) (time.Time, bool) {
	if k != KindNumber && k != KindString {
		return time.Time{}, false
	}
	if isDecimal(str) {
		f, err := strconv.ParseFloat(str, 64)
		if err != nil {
			return time.Time{}, false
		}
		if f > 1e12 {
			f /= 1000
		}
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)), true
	}
	if k != KindString {
		return time.Time{}, false
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, str); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
