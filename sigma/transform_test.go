package sigma

import (
	"slices"
	"testing"
)

// The three forms are pySigma's: base64(offset spaces + value) sliced with
// Python semantics, so values of 0 and 1 bytes give empty forms instead of
// an out-of-range slice.
func TestBase64OffsetsMatchPySigma(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  []string
	}{
		{"", []string{"", "", ""}},
		{"a", []string{"Y", "", "h"}},
		{"ab", []string{"YW", "Fi", "hY"}},
		{"abc", []string{"YWJj", "FiY", "hYm"}},
		{"http://", []string{"aHR0cDovL", "h0dHA6Ly", "odHRwOi8v"}},
	} {
		if got := base64Offsets(tc.value); !slices.Equal(got, tc.want) {
			t.Errorf("base64Offsets(%q) = %q, want %q", tc.value, got, tc.want)
		}
	}
}
