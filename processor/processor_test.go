package processor

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/redpanda-data/benthos/v4/public/components/pure"
	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/engine"
)

// testRule is one detection rule on CommandLine (shared with the engine's
// tests).
var testRule = fixture("whoami.yml")

// fixture reads a rule file of the engine's test data.
func fixture(name string) string {
	b, err := os.ReadFile(filepath.Join("..", "engine", "testdata", name))
	if err != nil {
		panic(err)
	}
	return string(b)
}

// streamed is one message that left a test stream, with its error text.
type streamed struct {
	content, err string
}

// streamMessages pushes lines through a real stream with one sigma processor
// (procYAML) on threads pipeline threads and returns the output messages in
// the order they arrived.
func streamMessages(t *testing.T, procYAML string, threads int, lines []string) []streamed {
	t.Helper()
	sb := service.NewStreamBuilder()
	sb.SetThreads(threads)
	if err := sb.AddProcessorYAML(procYAML); err != nil {
		t.Fatal(err)
	}
	send, err := sb.AddProducerFunc()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []streamed
	if err := sb.AddConsumerFunc(func(_ context.Context, m *service.Message) error {
		b, _ := m.AsBytes()
		s := streamed{content: string(b)}
		if e := m.GetError(); e != nil {
			s.err = e.Error()
		}
		mu.Lock()
		got = append(got, s)
		mu.Unlock()
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	strm, err := sb.Build()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- strm.Run(context.Background()) }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, l := range lines {
		if err := send(ctx, service.NewMessage([]byte(l))); err != nil {
			t.Fatal(err)
		}
	}
	if err := strm.StopWithin(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the stream's Run did not return within 30s of StopWithin")
	}
	mu.Lock()
	defer mu.Unlock()
	return got
}

// runStream is streamMessages split into sorted results and the
// "error|content" of errored messages.
func runStream(t *testing.T, procYAML string, threads int, lines []string) (out []string, errs []string) {
	t.Helper()
	for _, m := range streamMessages(t, procYAML, threads, lines) {
		if m.err != "" {
			errs = append(errs, m.err+"|"+m.content)
		} else {
			out = append(out, m.content)
		}
	}
	sort.Strings(out)
	return out, errs
}

func writeRule(t *testing.T) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "whoami.yml"), []byte(testRule), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestProcessorEmitsResultsDropsNonMatchesMarksUndecodable(t *testing.T) {
	dir := writeRule(t)
	conf := "sigma:\n  rules: [" + dir + "]\n  input_format: json\n  include_event: true\n"
	out, errs := runStream(t, conf, 1, []string{
		`{"CommandLine":"cmd /c whoami /all","User":"alice"}`,
		`{"CommandLine":"notepad.exe"}`,
		`not json at all`,
		`   `,
	})
	if len(out) != 1 {
		t.Fatalf("got %d results, want 1: %v", len(out), out)
	}
	want := `{"rule_title":"Whoami Execution","rule_id":"r-whoami","level":"medium","tags":["attack.discovery"],` +
		`"matched_selections":["selection"],"matched_fields":[{"field":"CommandLine","value":"cmd /c whoami /all"}],` +
		`"event":{"CommandLine":"cmd /c whoami /all","User":"alice"}}`
	if out[0] != want {
		t.Errorf("got  %s\nwant %s", out[0], want)
	}
	if len(errs) != 1 || errs[0] != "parse error|not json at all" {
		t.Errorf("errored messages = %q, want the undecodable line with its error", errs)
	}
}

func TestProcessorConcurrentThreads(t *testing.T) {
	dir := writeRule(t)
	var lines []string
	for i := 0; i < 2000; i++ {
		if i%2 == 0 {
			lines = append(lines, `{"CommandLine":"whoami","n":`+strings.Repeat("1", 1+i%5)+`}`)
		} else {
			lines = append(lines, `{"CommandLine":"dir"}`)
		}
	}
	out, errs := runStream(t, "sigma:\n  rules: ["+dir+"]\n", 4, lines)
	if len(out) != 1000 || len(errs) != 0 {
		t.Fatalf("got %d results and %d errors, want 1000 and 0", len(out), len(errs))
	}
	for _, o := range out {
		var v map[string]any
		if err := json.Unmarshal([]byte(o), &v); err != nil || v["rule_id"] != "r-whoami" {
			t.Fatalf("bad result %s (%v)", o, err)
		}
	}
}

func TestProcessorRejectsUnreadableRulesPath(t *testing.T) {
	_, err := engine.Load(engine.Settings{Rules: []string{filepath.Join(t.TempDir(), "missing")}, InputFormat: "auto"})
	if err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("engine.Load of a missing path: err = %v, want an error naming the path", err)
	}
}

func newTestProcessor(t testing.TB, conf string) *Processor {
	t.Helper()
	s, err := ParseSettingsYAML(conf)
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(s, service.MockResources(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close(context.Background()) })
	return p
}

// outputs runs one batch and renders each output message with its error.
func outputs(t *testing.T, p *Processor, lines []string) []string {
	t.Helper()
	var batch service.MessageBatch
	for _, l := range lines {
		batch = append(batch, service.NewMessage([]byte(l)))
	}
	res, err := p.ProcessBatch(context.Background(), batch)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range res {
		for _, m := range b {
			c, _ := m.AsBytes()
			e := ""
			if m.GetError() != nil {
				e = "ERR " + m.GetError().Error() + ": "
			}
			out = append(out, e+string(c))
		}
	}
	return out
}

// TestDetectWorkersDefaultToEveryCPU: without detect_workers a step is
// detected on GOMAXPROCS goroutines (engine.Settings.DetectWorkers 0).
func TestDetectWorkersDefaultToEveryCPU(t *testing.T) {
	s, err := ParseSettingsYAML("rules: [" + writeRule(t) + "]")
	if err != nil {
		t.Fatal(err)
	}
	if s.DetectWorkers != 0 {
		t.Errorf("detect_workers defaults to %d, want 0 (every CPU)", s.DetectWorkers)
	}
}
