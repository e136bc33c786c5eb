package processor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/engine"
)

// bruteRules are a failed-logon detection and a brute-force correlation
// over it (shared with the engine's tests).
var bruteRules = fixture("brute.yml")

// runOrdered pushes lines through a one-thread stream with the sigma
// processor configured by procYAML and returns the outputs in order.
func runOrdered(t *testing.T, procYAML string, lines []string) []string {
	t.Helper()
	var out []string
	for _, m := range streamMessages(t, procYAML, 1, lines) {
		out = append(out, m.content)
	}
	return out
}

func bruteDir(t *testing.T) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "brute.yml"), []byte(bruteRules), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func failedLogons(from, to int, user string) []string {
	var lines []string
	for i := from; i <= to; i++ {
		lines = append(lines, fmt.Sprintf(`{"EventID":4625,"TargetUserName":%q,"@timestamp":"2026-01-01T00:00:%02dZ","event_id":%d}`, user, i, i))
	}
	return lines
}

const bruteResult = `{"rule_title":"Brute Force","rule_id":"brute-force","level":"high","tags":["attack.t1110"],` +
	`"correlation_type":"event_count","group_key":[["TargetUserName","bob"]],"aggregated_value":5.0,"timespan_secs":300}`

func TestCorrelationResultFollowsTheDetectionsOfItsEvent(t *testing.T) {
	dir := bruteDir(t)
	out := runOrdered(t, fmt.Sprintf("sigma:\n  rules: [%s]\n", dir), failedLogons(1, 5, "bob"))
	if len(out) != 6 {
		t.Fatalf("%d outputs, want 5 detections + 1 correlation:\n%s", len(out), strings.Join(out, "\n"))
	}
	for i := 0; i < 5; i++ {
		if !strings.HasPrefix(out[i], `{"rule_title":"Failed Logon"`) {
			t.Fatalf("output %d is not the detection: %s", i, out[i])
		}
	}
	if out[5] != bruteResult {
		t.Fatalf("correlation result\n got %s\nwant %s", out[5], bruteResult)
	}
}

func TestNoDetectionsAndCorrelationSettings(t *testing.T) {
	dir := bruteDir(t)
	conf := fmt.Sprintf("sigma:\n  rules: [%s]\n  correlation:\n    no_detections: true\n    action: reset\n    event_mode: refs\n    max_events: 2\n", dir)
	out := runOrdered(t, conf, failedLogons(1, 10, "bob"))
	if len(out) != 2 {
		t.Fatalf("got %d outputs, want the 5th and 10th correlation only:\n%s", len(out), strings.Join(out, "\n"))
	}
	for i, want := range []string{`"event_refs":[{"timestamp":1767225604,"id":"4"},{"timestamp":1767225605,"id":"5"}]}`,
		`"event_refs":[{"timestamp":1767225609,"id":"9"},{"timestamp":1767225610,"id":"10"}]}`} {
		if !strings.HasSuffix(out[i], want) {
			t.Fatalf("output %d: %s\nwant suffix %s", i, out[i], want)
		}
	}
}

func TestStateSurvivesAProcessorRestart(t *testing.T) {
	dir := bruteDir(t)
	conf := func(db, restore string) string {
		return fmt.Sprintf("sigma:\n  rules: [%s]\n  correlation: {no_detections: true}\n  state: {path: %s, restore: %s}\n", dir, db, restore)
	}
	for _, tc := range []struct {
		restore string
		want    []string
	}{
		{"auto", []string{bruteResult}},
		{"always", []string{bruteResult}},
		{"never", nil},
	} {
		t.Run("restore "+tc.restore, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "state.db")
			if out := runOrdered(t, conf(db, "auto"), failedLogons(1, 3, "bob")); len(out) != 0 {
				t.Fatalf("run 1 fired: %q", out)
			}
			out := runOrdered(t, conf(db, tc.restore), failedLogons(4, 5, "bob"))
			if strings.Join(out, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("run 2: %q, want %q", out, tc.want)
			}
		})
	}
}

func TestUnusableStateDatabaseFailsConstruction(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(bad, []byte(strings.Repeat("not sqlite\n", 200)), 0o600)
	s, err := ParseSettingsYAML(fmt.Sprintf("rules: [%s]\nstate: {path: %s}\n", bruteDir(t), bad))
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(s, service.MockResources(), nil)
	if err == nil || !strings.Contains(err.Error(), "corrupt or foreign state database") {
		t.Fatalf("error %v", err)
	}
}

func TestCorrelationIsSharedByConcurrentThreads(t *testing.T) {
	dir := bruteDir(t)
	var lines []string
	for u := 0; u < 20; u++ {
		lines = append(lines, failedLogons(1, 7, fmt.Sprintf("user%d", u))...)
	}
	out, errs := runStream(t, fmt.Sprintf("sigma:\n  rules: [%s]\n  correlation: {no_detections: true}\n", dir), 4, lines)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	// Every user has 7 logons in the window: firings at the 5th, 6th, 7th.
	if len(out) != 20*3 {
		t.Fatalf("%d correlation results, want 60", len(out))
	}
}

func TestReloadKeepsCorrelationState(t *testing.T) {
	dir := bruteDir(t)
	s, err := ParseSettingsYAML(fmt.Sprintf("rules: [%s]\ncorrelation: {no_detections: true}\n", dir))
	if err != nil {
		t.Fatal(err)
	}
	hub := engine.NewHub()
	p, err := New(s, service.MockResources(), hub)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	if out := outputs(t, p, failedLogons(1, 3, "bob")); len(out) != 0 {
		t.Fatalf("fired early: %q", out)
	}
	st, err := engine.Load(s)
	if err != nil {
		t.Fatal(err)
	}
	hub.InstallAll(st)
	if out := outputs(t, p, failedLogons(4, 5, "bob")); len(out) != 1 || out[0] != bruteResult {
		t.Fatalf("after reload: %q, want the 5th logon to fire", out)
	}
}
