package fleettest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var firingID = regexp.MustCompile(`,"firing_id":"([0-9a-f]{32})"`)

// Results are the correlation results among some output lines, compared
// as whole objects without their firing_id.
type Results struct {
	// Lines are the results without firing_id, repeats (a firing_id seen
	// before) left out, sorted.
	Lines []string
	// IDs counts the copies of each firing_id.
	IDs     map[string]int
	ByTitle map[string]int
}

// CorrelationResults collects the correlation results of lines (JSON
// objects; detections and other lines are skipped).
func CorrelationResults(t testing.TB, lines []string) Results {
	t.Helper()
	r := Results{IDs: map[string]int{}, ByTitle: map[string]int{}}
	for _, line := range lines {
		if !strings.Contains(line, `"correlation_type"`) {
			continue
		}
		if m := firingID.FindStringSubmatch(line); m != nil {
			r.IDs[m[1]]++
			if r.IDs[m[1]] > 1 {
				continue // a repeat: dropped by its id
			}
			line = strings.Replace(line, m[0], "", 1)
		}
		var res struct {
			Title string `json:"rule_title"`
		}
		if err := json.Unmarshal([]byte(line), &res); err != nil {
			t.Fatalf("result %q: %v", line, err)
		}
		r.ByTitle[res.Title]++
		r.Lines = append(r.Lines, line)
	}
	slices.Sort(r.Lines)
	return r
}

// Repeats counts the results emitted again with a firing_id seen before.
func (r Results) Repeats() int {
	n := 0
	for _, c := range r.IDs {
		n += c - 1
	}
	return n
}

// FirstDifference describes where two sorted result lists first differ.
func FirstDifference(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("\ngot  %s\nwant %s", got[i], want[i])
		}
	}
	if len(got) > len(want) {
		return "got more: " + got[len(want)]
	}
	if len(want) > len(got) {
		return "want more: " + want[len(got)]
	}
	return "none"
}

// Eventually polls cond every 20 ms until it holds, failing t when timeout
// passes first.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
