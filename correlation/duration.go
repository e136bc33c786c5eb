package correlation

import (
	"fmt"
	"math"
	"time"
)

// unitSeconds is the timespan unit table of correlation.md §5.
var unitSeconds = map[byte]int64{
	's': 1, 'm': 60, 'h': 3600, 'd': 86400, 'w': 604800,
	'M': 2629746, 'y': 31556952,
}

// ParseTimespan parses the Sigma timespan grammar `<positive integer><unit>`
// (units s m h d w M y, case-sensitive, no spaces, at most 10 characters).
// It is also the grammar of --suppress and rsigma.suppress.
func ParseTimespan(s string) (time.Duration, error) {
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	if len(s) > 10 {
		return 0, fmt.Errorf("duration %q is longer than 10 characters", s)
	}
	unit, ok := unitSeconds[s[len(s)-1]]
	if !ok {
		return 0, fmt.Errorf("duration %q: unit must be one of s, m, h, d, w, M, y", s)
	}
	digits := s[:len(s)-1]
	if digits == "" {
		return 0, fmt.Errorf("duration %q: missing number before the unit", s)
	}
	var n int64
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("duration %q: expected <integer><unit>, e.g. 5m", s)
		}
		n = n*10 + int64(c-'0')
	}
	if n == 0 {
		return 0, fmt.Errorf("duration %q must be positive", s)
	}
	if n > math.MaxInt64/int64(time.Second)/unit {
		return 0, fmt.Errorf("duration %q is too large", s)
	}
	return time.Duration(n*unit) * time.Second, nil
}
