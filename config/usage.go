package config

import (
	"regexp"
	"slices"
	"strings"

	"github.com/xrash/smetrics"
)

// notSupportedYet lists the flags of later rsigma versions (spec/daemon.md,
// the rows and lists marked [N]) that this version does not implement. It is
// the one place that knows them: implementing a flag removes it from here
// (TestNotSupportedYetListsNoDefinedFlag keeps the two apart).
var notSupportedYet = []string{
	"alert-pipeline",
	"config",
	"discover-schemas",
	"disposition-source",
	"dry-run",
	"egress-policy",
	"enable-dispositions",
	"enable-tail",
	"enable-tap",
	"event-logsource",
	"logsource-field-map",
	"logsource-routing",
	"match-detail",
	"max-group-entries",
	"max-state-entries",
	"observe-fields",
	"observe-fields-max-keys",
	"observe-schemas",
	"on-unknown",
	"risk",
	"schema-config",
	"schema-partition-rules",
	"schema-routing",
	"sink-batch-flush-ms",
	"sink-batch-max",
	"syslog-strip-bom",
	"webhook",
}

// undefinedFlag matches the flag package's error for a flag it does not
// know; flagName any other mention of a flag in its errors.
var (
	undefinedFlag = regexp.MustCompile(`^flag provided but not defined: -+(.+)$`)
	flagName      = regexp.MustCompile(`flag -([a-z][a-z0-9-]+)`)
)

// UsageError is the configuration error (exit 3) that a command-line parse
// error of `engine daemon` ends in. A flag of a later rsigma version says
// `not supported yet: --flag (an rsigma flag this version does not
// implement)`; any other unknown flag says `unknown flag --x` and suggests
// the nearest flag of ours. Flags are written with `--` throughout (the
// flag package writes `-flag`).
func UsageError(err error) *ExitError {
	msg := err.Error()
	if m := undefinedFlag.FindStringSubmatch(msg); m != nil {
		name, _, _ := strings.Cut(m[1], "=")
		if slices.Contains(notSupportedYet, name) {
			return Configf("not supported yet: --%s (an rsigma flag this version does not implement)", name)
		}
		if s := nearestFlag(name); s != "" {
			return Configf("unknown flag %s (did you mean %s?)", dashed(name), dashed(s))
		}
		return Configf("unknown flag %s", dashed(name))
	}
	return Configf("%s", flagName.ReplaceAllString(msg, "flag --$1"))
}

// nearestFlag is the flag of ours (or alias) most like name by
// Jaro-Winkler similarity (the measure urfave/cli suggests with), or "" when
// none is alike enough to be a misspelling of it.
func nearestFlag(name string) string {
	best, score := "", 0.85
	for _, f := range Flags() {
		for _, n := range f.Names() {
			if s := smetrics.JaroWinkler(name, n, 0.7, 4); s > score {
				best, score = n, s
			}
		}
	}
	return best
}

// dashed writes a flag name as the command line spells it.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}
