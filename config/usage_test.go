package config

import (
	"errors"
	"testing"
)

// TestUsageError: a later rsigma flag is "not supported yet", a typo is an
// unknown flag with the nearest of ours, and flags are written with `--`.
func TestUsageError(t *testing.T) {
	for _, c := range []struct{ err, want string }{
		{"flag provided but not defined: -match-detail", "not supported yet: --match-detail (an rsigma flag this version does not implement)"},
		{"flag provided but not defined: -max-state-entries", "not supported yet: --max-state-entries (an rsigma flag this version does not implement)"},
		{"flag provided but not defined: -rulez", "unknown flag --rulez (did you mean --rules?)"},
		{"flag provided but not defined: -print-confg", "unknown flag --print-confg (did you mean --print-config?)"},
		{"flag provided but not defined: -x", "unknown flag -x"},
		{`invalid value "abc" for flag -batch-size: parse error`, `invalid value "abc" for flag --batch-size: parse error`},
	} {
		got := UsageError(errors.New(c.err))
		if got.Error() != c.want || got.Code != ExitConfig {
			t.Errorf("UsageError(%q) = %q (exit %d), want %q (exit 3)", c.err, got.Error(), got.Code, c.want)
		}
	}
}

// TestNotSupportedYetListsNoDefinedFlag: a flag that is implemented must
// leave the not-supported table, or it would be unreachable there.
func TestNotSupportedYetListsNoDefinedFlag(t *testing.T) {
	defined := map[string]bool{}
	for _, f := range Flags() {
		for _, n := range f.Names() {
			defined[n] = true
		}
	}
	for _, n := range notSupportedYet {
		if defined[n] {
			t.Errorf("--%s is defined by Flags() and listed in notSupportedYet: remove it from the table", n)
		}
	}
}
