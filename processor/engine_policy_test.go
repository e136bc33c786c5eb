package processor

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/engine"
)

// brokenRegexRule is testRule after an edit that no longer compiles.
var brokenRegexRule = strings.Replace(testRule, "CommandLine|contains: whoami", "CommandLine|re: '(['", 1)

// A rejected rule is logged and the rest serves at startup, unless
// strict_rules or nothing loads; on reload any rejection fails, naming
// file, rule and YAML path.
func TestLoadPolicies(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.yml", strings.Replace(testRule, "r-whoami", "r-good", 1))
	bad := writeFile(t, dir, "bad.yml", brokenRegexRule)
	empty := t.TempDir()
	where := bad + ": Whoami Execution: detection.selection.CommandLine|re: invalid regular expression"
	settings := func(t *testing.T, strict bool, paths ...string) engine.Settings {
		t.Helper()
		s, err := ParseSettingsYAML(fmt.Sprintf("rules: [%s]\nstrict_rules: %v\n", strings.Join(paths, ", "), strict))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, tc := range []struct {
		name    string
		s       engine.Settings
		startup string // "" when the first load serves
		reload  string // "" when a reload succeeds
	}{
		{"all_rules_good", settings(t, false, good), "", ""},
		{"one_rule_rejected", settings(t, false, good, bad), "", "1 rule(s) rejected: " + where},
		{"one_rule_rejected_strict", settings(t, true, good, bad), "1 rule(s) rejected (strict rules): " + where, "1 rule(s) rejected: " + where},
		{"every_rule_rejected", settings(t, false, bad), "all 1 rule(s) rejected: " + where, "1 rule(s) rejected: " + where},
		{"no_rules_at_all", settings(t, false, empty), "no rules found in " + empty, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := engine.Load(tc.s)
			if err != nil {
				t.Fatal(err)
			}
			check := func(what string, err error, want string) {
				t.Helper()
				switch {
				case want == "" && err != nil:
					t.Errorf("%s: %v, want success", what, err)
				case want != "" && (err == nil || !errors.Is(err, engine.ErrRulesLoad) || !strings.Contains(err.Error(), want)):
					t.Errorf("%s: %v, want an ErrRulesLoad containing %q", what, err, want)
				}
			}
			check("startup", st.StartupError(tc.s.StrictRules, tc.s.Rules), tc.startup)
			_, err = engine.NewHub().Load(tc.s)
			check("reload", err, tc.reload)
			_, err = New(tc.s, service.MockResources(), nil)
			check("processor", err, tc.startup)
		})
	}
}
