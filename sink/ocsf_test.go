package sink_test

import (
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/sink"
)

func TestOCSFFinding(t *testing.T) {
	at := time.Date(2026, 6, 2, 8, 15, 0, 0, time.UTC)
	raw, err := sink.OCSFFinding([]byte(detectionResult), at)
	if err != nil {
		t.Fatal(err)
	}
	var f map[string]any
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	info := f["finding_info"].(map[string]any)
	analytic := info["analytic"].(map[string]any)
	obs := f["observables"].([]any)[0].(map[string]any)
	unmapped := f["unmapped"].(map[string]any)["rsigma"].(map[string]any)
	switch {
	case f["class_uid"] != 2004.0 || f["type_uid"] != 200401.0 || f["category_uid"] != 2.0 || f["activity_id"] != 1.0:
		t.Errorf("class: %s", raw)
	case f["severity_id"] != 3.0 || f["severity"] != "Medium" || f["time"] != float64(at.UnixMilli()):
		t.Errorf("severity or time: %s", raw)
	case info["title"] != "Whoami Execution" || analytic["uid"] != "6b3f0c2e" || analytic["type"] != "Rule":
		t.Errorf("finding_info: %s", raw)
	case !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(info["uid"].(string)):
		t.Errorf("uid %v", info["uid"])
	case obs["name"] != "CommandLine" || obs["value"] != "whoami /priv":
		t.Errorf("observables: %s", raw)
	case unmapped["rule_id"] != "6b3f0c2e" || f["metadata"].(map[string]any)["version"] != "1.3.0":
		t.Errorf("unmapped or metadata: %s", raw)
	}
	corr, err := sink.OCSFFinding([]byte(correlationResult), at)
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	_ = json.Unmarshal(corr, &c)
	ci := c["finding_info"].(map[string]any)
	if c["count"] != 3.0 || c["severity_id"] != 5.0 || ci["types"].([]any)[0] != "Sigma correlation: event_count" {
		t.Errorf("correlation finding: %s", corr)
	}
	if _, ok := ci["analytic"].(map[string]any)["uid"]; ok {
		t.Errorf("a rule without id gives an analytic without uid: %s", corr)
	}
	if _, err := sink.OCSFFinding([]byte("not json"), at); err == nil {
		t.Error("a line that is no result must fail")
	}
}
