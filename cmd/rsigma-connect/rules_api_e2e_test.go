package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/sigmahq"
)

// A result names its rule by rule_id and rule_title; GET /api/v1/rules
// gives, under the same keys, the author and file of every active rule, as
// the Detection Rule License of SigmaHQ rules asks that matches keep the
// rule's author. It also gives each rule's logsource.
func TestRulesAPIGivesTheAuthorOfEachResultsRule(t *testing.T) {
	whoami, err := os.ReadFile(sigmahq.Rule("windows/process_creation/proc_creation_win_whoami_all_execution.yml"))
	if err != nil {
		t.Fatal(err)
	}
	d, base := opsStart(t, opsRulesDir(t, string(whoami), opsSimpleRule), "--input", "http")
	if status, body := opsDo(t, "POST", base+"/api/v1/events", `{"Image":"C:\\Windows\\System32\\whoami.exe","CommandLine":"whoami /all"}`); status != 200 {
		t.Fatalf("POST /api/v1/events: %d %s", status, body)
	}
	lines := d.WaitStdoutLines(1, 20*time.Second)
	if len(lines) != 1 {
		t.Fatalf("%d results, want 1\n%s", len(lines), d.Stderr())
	}
	var result struct {
		RuleID    string `json:"rule_id"`
		RuleTitle string `json:"rule_title"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &result); err != nil {
		t.Fatal(err)
	}

	_, body := opsDo(t, "GET", base+"/api/v1/rules", "")
	var info struct {
		DetectionRules int `json:"detection_rules"`
		Rules          []map[string]any
	}
	if err := json.Unmarshal([]byte(body), &info); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	if info.DetectionRules != 2 || len(info.Rules) != 2 {
		t.Fatalf("want 2 rules listed:\n%s", body)
	}
	var listed map[string]any
	for _, r := range info.Rules {
		if r["rule_id"] == result.RuleID {
			listed = r
		}
	}
	if listed == nil || listed["rule_title"] != result.RuleTitle {
		t.Fatalf("result %+v not listed by id and title:\n%s", result, body)
	}
	if want := "Florian Roth (Nextron Systems), Nasreddine Bencherchali (Nextron Systems)"; listed["author"] != want {
		t.Errorf("author %q, want %q", listed["author"], want)
	}
	if ls := fmt.Sprint(listed["logsource"]); ls != "map[category:process_creation product:windows]" {
		t.Errorf("logsource %s, want the rule's product and category", ls)
	}
	if !strings.HasSuffix(fmt.Sprint(listed["file"]), ".yml") {
		t.Errorf("file %q, want the rule's path", listed["file"])
	}
	opsStop(t, d)
}
