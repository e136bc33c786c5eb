package lanes

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func generate(t *testing.T, lane Lane, count int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, lane, count); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// laneStats decodes every line of a lane and returns the objects and the
// mean line length in bytes (newline included).
func laneStats(t *testing.T, data []byte) ([]map[string]any, float64) {
	t.Helper()
	var events []map[string]any
	for i, line := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
		var ev map[string]any
		if err := json.Unmarshal(line, &ev); err != nil {
			t.Fatalf("line %d is not a JSON object: %v\n%s", i+1, err, line)
		}
		events = append(events, ev)
	}
	return events, float64(len(data)) / float64(len(events))
}

func TestLanesAreDeterministic(t *testing.T) {
	for _, lane := range All {
		a, b := generate(t, lane, 2000), generate(t, lane, 2000)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two generations differ", lane)
		}
		if !bytes.HasPrefix(a, generate(t, lane, 500)) {
			t.Errorf("%s: the first 500 events depend on the count", lane)
		}
	}
}

func TestUnknownLaneIsAnError(t *testing.T) {
	if err := Write(&bytes.Buffer{}, "nope", 1); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Fatalf("err = %v, want one naming the lane", err)
	}
}

// attackShare is the share of events that carry attack activity; the lanes
// promise about 1%.
func checkAttackShare(t *testing.T, lane Lane, attacks, total int) {
	t.Helper()
	if share := float64(attacks) / float64(total); share < 0.006 || share > 0.014 {
		t.Errorf("%s: %.2f%% attack events, want about 1%%", lane, 100*share)
	}
}

func TestSysmonLaneShape(t *testing.T) {
	const n = 20000
	events, size := laneStats(t, generate(t, SysmonProc, n))
	if size < 1200 || size > 1350 {
		t.Errorf("%.0f bytes per event, want about 1.3 KB", size)
	}
	want := []string{"Channel", "CommandLine", "Company", "Computer", "CurrentDirectory", "Description", "EventID",
		"EventRecordID", "FileVersion", "Hashes", "Image", "IntegrityLevel", "LogonGuid", "LogonId", "OriginalFileName",
		"ParentCommandLine", "ParentImage", "ParentProcessGuid", "ParentProcessId", "ParentUser", "ProcessGuid",
		"ProcessId", "Product", "Provider_Name", "RuleName", "TerminalSessionId", "User", "UtcTime"}
	attackCommands := map[string]bool{}
	for _, p := range attackProcesses {
		attackCommands[p.commandLine] = true
	}
	attacks := 0
	for i, ev := range events {
		var keys []string
		for k := range ev {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, want) {
			t.Fatalf("event %d has fields %v, want %v", i, keys, want)
		}
		if ev["EventID"] != 1.0 || ev["Channel"] != "Microsoft-Windows-Sysmon/Operational" {
			t.Fatalf("event %d is not a Sysmon process creation: %v", i, ev)
		}
		for _, f := range []string{"Image", "CommandLine", "ParentImage", "ParentCommandLine", "CurrentDirectory"} {
			if s := ev[f].(string); strings.ContainsAny(s, "{}") && !strings.Contains(s, "/Processid:{") {
				t.Fatalf("event %d: %s keeps a placeholder: %s", i, f, s)
			}
		}
		if attackCommands[ev["CommandLine"].(string)] {
			attacks++
		}
	}
	checkAttackShare(t, SysmonProc, attacks, n)
}

func TestSyslogLaneShape(t *testing.T) {
	const n = 20000
	events, size := laneStats(t, generate(t, SyslogRaw, n))
	if size < 330 || size > 430 {
		t.Errorf("%.0f bytes per event, want about 0.4 KB", size)
	}
	// An attack line holds the longest fixed part of an attack template.
	var markers []string
	for _, a := range linuxAttacks {
		parts := strings.FieldsFunc(strings.ReplaceAll(strings.ReplaceAll(a[1], "{pid}", "\x00"), "{n}", "\x00"),
			func(r rune) bool { return r == 0 })
		markers = append(markers, slices.MaxFunc(parts, func(a, b string) int { return len(a) - len(b) }))
	}
	markers = append(append(markers, windowsAttackCommands...), ciscoAttacks...)
	products := map[string]int{}
	attacks := 0
	for i, ev := range events {
		if len(ev) != 3 || ev["message"] == nil || ev["product"] == nil || ev["service"] == nil {
			t.Fatalf("event %d has fields %v, want message, product, service", i, ev)
		}
		products[ev["product"].(string)]++
		msg := ev["message"].(string)
		if !regexp.MustCompile(`^<\d+>`).MatchString(msg) {
			t.Fatalf("event %d: no syslog priority: %s", i, msg)
		}
		if strings.Contains(msg, "{") && !strings.Contains(msg, "{ :; }") {
			t.Fatalf("event %d keeps a placeholder: %s", i, msg)
		}
		for _, m := range markers {
			if strings.Contains(msg, m) {
				attacks++
				break
			}
		}
	}
	for product, want := range map[string]float64{"linux": 0.6, "windows": 0.3, "cisco": 0.1} {
		if got := float64(products[product]) / n; got < want-0.02 || got > want+0.02 {
			t.Errorf("%s: %.3f of the events, want about %.1f", product, got, want)
		}
	}
	checkAttackShare(t, SyslogRaw, attacks, n)
}

func TestRandomHexNeverSpellsAAA(t *testing.T) {
	// Without the guard about 2 in 1000 draws of 12 digits would hold "aaa".
	g := &generator{rng: rand.New(rand.NewPCG(1, 2))}
	for range 20000 {
		if s := g.hex(12, false); strings.Contains(s, "aaa") {
			t.Fatalf("hex(12) = %s", s)
		}
		if s := g.guid(); strings.Contains(s, "AAA") {
			t.Fatalf("guid() = %s", s)
		}
	}
}

func TestLinesReadTheCachedLanesOnce(t *testing.T) {
	const n = 300
	for _, lane := range All {
		lines, err := Lines(lane, n)
		if err != nil {
			t.Fatal(err)
		}
		want := bytes.Split(bytes.TrimSuffix(generate(t, lane, n), []byte("\n")), []byte("\n"))
		if len(lines) != n || !slices.EqualFunc(lines, want, bytes.Equal) {
			t.Fatalf("%s: cached lines differ from a fresh generation", lane)
		}
	}
	dir, err := Dir(n)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(dir) != filepath.Clean(os.TempDir()) || !strings.Contains(filepath.Base(dir), "-300") {
		t.Errorf("lanes of %d events cached in %s, want a directory per count under %s", n, dir, os.TempDir())
	}
	again, err := Dir(n)
	if err != nil || again != dir {
		t.Errorf("second Dir(%d) = %s, %v; want %s", n, again, err, dir)
	}
}
