package daemon

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

func TestReloaderDebouncesBurstsIntoOnePass(t *testing.T) {
	var mu sync.Mutex
	var passes []string
	r := newReloader(50*time.Millisecond, func(_ context.Context, cause string) {
		mu.Lock()
		passes = append(passes, cause)
		mu.Unlock()
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	accepted := 0
	for i := 0; i < 10; i++ {
		if r.Trigger("burst") {
			accepted++
		}
	}
	if accepted != reloadQueueSize {
		t.Fatalf("accepted %d triggers before the task ran, want the queue size %d", accepted, reloadQueueSize)
	}
	go r.Run(ctx)
	poll.Wait(t, 10*time.Second, "the condition", func() bool { mu.Lock(); defer mu.Unlock(); return len(passes) == 1 })
	if !r.Trigger("later") {
		t.Fatal("queue still full after the pass")
	}
	// A second pass for the burst would come before the one for "later".
	poll.Wait(t, 10*time.Second, "the condition", func() bool { mu.Lock(); defer mu.Unlock(); return len(passes) == 2 })
	mu.Lock()
	defer mu.Unlock()
	if passes[0] != "burst" || passes[1] != "later" {
		t.Fatalf("passes %q, want one for the burst, then one for the later trigger", passes)
	}
}

// nextTrigger returns the next trigger cause, failing after 10s.
func nextTrigger(t *testing.T, got <-chan string) string {
	t.Helper()
	select {
	case c := <-got:
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("no reload trigger within 10s")
		return ""
	}
}

// waitTrigger receives triggers until one names path, failing after 10s.
func waitTrigger(t *testing.T, got <-chan string, path string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case c := <-got:
			if strings.HasSuffix(c, " "+path) {
				return
			}
		case <-timeout:
			t.Fatalf("no reload trigger naming %s within 10s", path)
		}
	}
}

func TestReloadWatchTriggers(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	type change func(t *testing.T, rulesDir, pipeline string)
	write := func(p string) change {
		return func(t *testing.T, rulesDir, _ string) {
			if err := os.WriteFile(filepath.Join(rulesDir, p), []byte("title: x\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tc := range []struct {
		name    string
		change  change
		trigger bool
	}{
		{"new rule file", write("new.yml"), true},
		{"modified rule file", write("a.yaml"), true},
		{"rule file in a new sub-directory", func(t *testing.T, rulesDir, _ string) {
			sub := filepath.Join(rulesDir, "sub", "deeper")
			if err := os.MkdirAll(sub, 0o755); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"removed rules directory", func(t *testing.T, rulesDir, _ string) {
			if err := os.RemoveAll(rulesDir); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"pipeline file", func(t *testing.T, _, pipeline string) {
			if err := os.WriteFile(pipeline, []byte("name: p\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"non-YAML file is ignored", write("notes.txt"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			rulesDir := filepath.Join(root, "rules")
			pipeDir := filepath.Join(root, "pipelines")
			for _, d := range []string{rulesDir, pipeDir} {
				if err := os.MkdirAll(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(rulesDir, "a.yaml"), []byte("title: a\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			pipeline := filepath.Join(pipeDir, "p.yml")
			if err := os.WriteFile(pipeline, []byte("name: p\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			got := make(chan string, 64)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			startReloadWatch(ctx, []string{rulesDir}, []string{pipeline}, func(c string) bool { got <- c; return true }, quiet)
			tc.change(t, rulesDir, pipeline) // the watches are in place once startReloadWatch returns
			if tc.trigger {
				nextTrigger(t, got)
				return
			}
			// Events arrive in order: a trigger for the change would come
			// before the one for this change of the pipeline file.
			if err := os.WriteFile(pipeline, []byte("name: marker\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if c := nextTrigger(t, got); c != "file change: "+pipeline {
				t.Fatalf("unexpected trigger %q", c)
			}
		})
	}
}

func TestReloadWatchSeesRecreatedRulesDirectory(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	rulesDir := filepath.Join(t.TempDir(), "rules")
	if err := os.MkdirAll(rulesDir, 0o755); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 64)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	startReloadWatch(ctx, []string{rulesDir}, nil, func(c string) bool { got <- c; return true }, quiet)
	if err := os.RemoveAll(rulesDir); err != nil {
		t.Fatal(err)
	}
	waitTrigger(t, got, rulesDir)
	if err := os.MkdirAll(rulesDir, 0o755); err != nil {
		t.Fatal(err)
	}
	waitTrigger(t, got, rulesDir)
	// The deletion may have sent more than one trigger naming the directory,
	// so the one above need not be the re-creation that adds the new watch:
	// write the rule until a trigger names it.
	rule := filepath.Join(rulesDir, "r.yml")
	timeout := time.After(10 * time.Second)
	for {
		if err := os.WriteFile(rule, []byte("title: r\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		select {
		case c := <-got:
			if c == "file change: "+rule {
				return
			}
		case <-time.After(100 * time.Millisecond):
		case <-timeout:
			t.Fatal("a rule written into the re-created directory did not trigger within 10s")
		}
	}
}
