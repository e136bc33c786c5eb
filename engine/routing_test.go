package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// routingLines are a Sysmon EventID 7 (image load) event, flat and in the
// nested EVTX shape.
func routingLines(t *testing.T) []string {
	t.Helper()
	return strings.Split(strings.TrimSpace(fixture(t, "routing_events.ndjson")), "\n")
}

// firedRules evaluates lines and returns the titles of the rules that
// fired per line.
func firedRules(t *testing.T, s Settings, lines []string) [][]string {
	t.Helper()
	e := newTestEvaluator(t, s)
	out := make([][]string, len(lines))
	for i, l := range lines {
		for _, o := range outputs(t, e, []string{l}) {
			title := strings.SplitN(strings.SplitN(o, `"rule_title":"`, 2)[1], `"`, 2)[0]
			out[i] = append(out[i], title)
		}
		slices.Sort(out[i])
	}
	return out
}

// TestRoutingSkipsRulesTheEventContradicts: on a Sysmon image-load event,
// flat or nested, a zeek rule with `not selection`, a linux rule, a linux
// keyword rule and a process_creation rule fire without routing and do not
// with it; the image_load rule fires either way.
func TestRoutingSkipsRulesTheEventContradicts(t *testing.T) {
	lines := routingLines(t)
	s := Settings{Rules: []string{filepath.Join("testdata", "routing")}, InputFormat: "json"}
	all := []string{"Linux Any Image", "Linux Keyword Kernel", "Windows Image Load From System32",
		"Windows Process Creation Of A DLL Path", "Zeek RDP Public Listener"}
	for i, got := range firedRules(t, s, lines) {
		if !slices.Equal(got, all) {
			t.Errorf("routing off, line %d: fired %q, want %q", i+1, got, all)
		}
	}
	s.LogsourceRouting = true
	for i, got := range firedRules(t, s, lines) {
		if want := []string{"Windows Image Load From System32"}; !slices.Equal(got, want) {
			t.Errorf("routing on, line %d: fired %q, want %q", i+1, got, want)
		}
	}
}

// TestRoutingKeepsUnrecognizedEvents: an event that reveals no logsource
// gets every rule's results, routing on or off.
func TestRoutingKeepsUnrecognizedEvents(t *testing.T) {
	lines := []string{`{"Image":"C:\\Windows\\System32\\x.dll","ImageLoaded":"C:\\Windows\\System32\\amsi.dll","id.resp_h":"8.8.8.8"}`}
	s := Settings{Rules: []string{filepath.Join("testdata", "routing")}, InputFormat: "json"}
	off := firedRules(t, s, lines)
	s.LogsourceRouting = true
	on := firedRules(t, s, lines)
	if len(off[0]) != 5 || !slices.Equal(on[0], off[0]) {
		t.Errorf("unrecognized event: routing on fired %q, off %q; want the same 5 rules", on[0], off[0])
	}
}

// TestRoutingRecognitionFile: a -p recognition file names a schema of the
// user's own, whose events routing then keeps away from Windows rules; a
// reload reads the file again.
func TestRoutingRecognitionFile(t *testing.T) {
	dir := t.TempDir()
	decl := filepath.Join(dir, "acme.yml")
	write := func(product string) {
		t.Helper()
		body := fmt.Sprintf("logsource_recognition:\n  - name: acme edr\n    when:\n      vendor: acme\n    logsource:\n      product: %s\n", product)
		if err := os.WriteFile(decl, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("linux")
	lines := []string{`{"vendor":"acme","Image":"C:\\Windows\\System32\\x.dll","ImageLoaded":"C:\\Windows\\System32\\amsi.dll"}`}
	s := Settings{Rules: []string{filepath.Join("testdata", "routing")}, InputFormat: "json", LogsourceRouting: true}
	s.Dynamic.Pipelines = []string{decl}
	if got, want := firedRules(t, s, lines)[0], []string{"Linux Any Image", "Linux Keyword Kernel"}; !slices.Equal(got, want) {
		t.Errorf("declared linux: fired %q, want %q", got, want)
	}
	write("windows")
	st, err := Load(s)
	if err != nil {
		t.Fatal(err)
	}
	ev := sigma.NewJSONEvent(st.Engine.Fields())
	if err := ev.Reset([]byte(lines[0])); err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, m := range st.detect(ev, nil) {
		titles = append(titles, m.Rule.Title)
	}
	if want := []string{"Windows Image Load From System32", "Windows Process Creation Of A DLL Path"}; !slices.Equal(titles, want) {
		t.Errorf("after rewriting the file as windows: fired %q, want %q", titles, want)
	}
}

// TestExplainRouting names the dimension that routes a rule away.
func TestExplainRouting(t *testing.T) {
	st, err := Load(Settings{Rules: []string{filepath.Join("testdata", "routing")}, LogsourceRouting: true})
	if err != nil {
		t.Fatal(err)
	}
	ev := sigma.NewJSONEvent(st.Engine.Fields())
	if err := ev.Reset([]byte(routingLines(t)[1])); err != nil {
		t.Fatal(err)
	}
	byTitle := map[string]*sigma.Rule{}
	for _, r := range st.Engine.Rules() {
		byTitle[r.Title] = r
	}
	v := st.ExplainRouting(ev, byTitle["Windows Process Creation Of A DLL Path"])
	if !v.Skipped() || v.Reason != `category "process_creation" is not in the event's {image_load}` {
		t.Errorf("process_creation rule on image load: %+v", v)
	}
	if got := v.Recognized.String(); got != "product={windows} service={sysmon} category={image_load}" {
		t.Errorf("recognized %s", got)
	}
	if v := st.ExplainRouting(ev, byTitle["Windows Image Load From System32"]); v.Skipped() || v.Reason != "" {
		t.Errorf("image_load rule: %+v", v)
	}
	if v := st.ExplainRouting(ev, byTitle["Zeek RDP Public Listener"]); !strings.HasPrefix(v.Reason, `product "zeek"`) {
		t.Errorf("zeek rule: %+v", v)
	}
}

// capturedLog keeps the WARN lines.
type capturedLog struct {
	quiet
	mu    sync.Mutex
	warns []string
}

func (l *capturedLog) Warnf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.warns = append(l.warns, fmt.Sprintf(format, args...))
}

// TestContradictionWarning: with routing off, detections that contradict
// their event's logsource give one WARN naming the top rule and the flag;
// with routing on there is none.
func TestContradictionWarning(t *testing.T) {
	for _, on := range []bool{false, true} {
		log := &capturedLog{}
		s := Settings{Rules: []string{filepath.Join("testdata", "routing")}, InputFormat: "json", LogsourceRouting: on}
		e, err := New(s, Options{Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		lines := routingLines(t)
		for i := 0; i < 3; i++ {
			outputs(t, e, append(lines, `{"Image":"C:\\Windows\\System32\\x.dll"}`))
		}
		if err := e.Close(); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, w := range log.warns {
			if strings.Contains(w, "--logsource-routing") {
				got = append(got, w)
			}
		}
		switch {
		case on && len(got) != 0:
			t.Errorf("routing on: got %q, want no warning", got)
		case !on && len(got) != 1:
			t.Errorf("routing off: got %d warnings %q, want 1", len(got), got)
		case !on && !strings.Contains(got[0], "24 of the 36 detections in the first 9 events") ||
			!on && !strings.Contains(got[0], `rule "Linux Any Image"`):
			t.Errorf("routing off: warning %q", got[0])
		}
	}
}

// TestRoutingFeedsCorrelation: correlation rules count the routed
// detections unchanged: Security failed logons reach the brute-force
// correlation with routing on as with it off, and the same failed-logon
// EventID on a Sysmon event (which the Security rule's logsource excludes)
// feeds it only with routing off.
func TestRoutingFeedsCorrelation(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rules.yml"), []byte(fixture(t, "brute.yml")), 0o644); err != nil {
		t.Fatal(err)
	}
	var security, sysmon []string
	for i := 0; i < 6; i++ {
		at := fmt.Sprintf("2026-01-01T00:00:%02dZ", i)
		security = append(security, `{"Channel":"Security","EventID":4625,"TargetUserName":"bob","@timestamp":"`+at+`"}`)
		sysmon = append(sysmon, `{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":4625,"TargetUserName":"eve","@timestamp":"`+at+`"}`)
	}
	count := func(on bool, lines []string) (detections, correlations int) {
		e := newTestEvaluator(t, Settings{Rules: []string{dir}, InputFormat: "json", LogsourceRouting: on})
		for _, o := range outputs(t, e, lines) {
			if strings.Contains(o, `"correlation_type"`) {
				correlations++
			} else {
				detections++
			}
		}
		return detections, correlations
	}
	for _, on := range []bool{false, true} {
		if d, c := count(on, security); d != 6 || c != 2 {
			t.Errorf("routing %s, Security events: %d detections, %d correlations; want 6 and 2", onOff(on), d, c)
		}
	}
	if d, c := count(false, sysmon); d != 6 || c != 2 {
		t.Errorf("routing off, Sysmon events: %d detections, %d correlations; want 6 and 2", d, c)
	}
	if d, c := count(true, sysmon); d != 0 || c != 0 {
		t.Errorf("routing on, Sysmon events: %d detections, %d correlations; want none", d, c)
	}
}

// TestExplainSaysSkippedByRouting: engine explain reports, per rule, that
// logsource routing skipped it and why, or that it fits.
func TestExplainSaysSkippedByRouting(t *testing.T) {
	for _, on := range []bool{false, true} {
		e := newTestEvaluator(t, Settings{Rules: []string{filepath.Join("testdata", "routing")}, InputFormat: "json", LogsourceRouting: on})
		xs, err := e.Explain(Line{Text: []byte(routingLines(t)[1])}, nil)
		if err != nil || len(xs) != 1 {
			t.Fatalf("Explain: %v, %d events", err, len(xs))
		}
		reasons := map[string]string{}
		for i, r := range xs[0].Rules {
			if xs[0].Routing[i].Skipped != (on && r.Rule.Title != "Windows Image Load From System32") {
				t.Errorf("routing %s, %q: skipped %v", onOff(on), r.Rule.Title, xs[0].Routing[i].Skipped)
			}
			reasons[r.Rule.Title] = xs[0].Routing[i].Reason
		}
		want := map[bool]string{false: routingOff,
			true: `skipped by logsource routing: category "process_creation" is not in the event's {image_load}`}[on]
		if got := reasons["Windows Process Creation Of A DLL Path"]; got != want {
			t.Errorf("routing %s: reason %q, want %q", onOff(on), got, want)
		}
	}
}
