package daemon

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
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
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(passes) == 1 })
	time.Sleep(150 * time.Millisecond)
	mu.Lock()
	n := len(passes)
	mu.Unlock()
	if n != 1 {
		t.Fatalf("%d passes for one burst, want 1", n)
	}
	if !r.Trigger("later") {
		t.Fatal("queue still full after the pass")
	}
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(passes) == 2 })
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within 5s")
		}
		time.Sleep(10 * time.Millisecond)
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
			time.Sleep(50 * time.Millisecond) // let inotify settle
			tc.change(t, rulesDir, pipeline)
			select {
			case c := <-got:
				if !tc.trigger {
					t.Fatalf("unexpected trigger %q", c)
				}
			case <-time.After(500 * time.Millisecond):
				if tc.trigger {
					t.Fatal("no trigger within 500ms")
				}
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
	time.Sleep(50 * time.Millisecond)
	if err := os.RemoveAll(rulesDir); err != nil {
		t.Fatal(err)
	}
	<-got
	if err := os.MkdirAll(rulesDir, 0o755); err != nil {
		t.Fatal(err)
	}
	<-got
	time.Sleep(50 * time.Millisecond)
	for len(got) > 0 {
		<-got
	}
	if err := os.WriteFile(filepath.Join(rulesDir, "r.yml"), []byte("title: r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case <-got:
	case <-time.After(time.Second):
		t.Fatal("a rule written into the re-created directory did not trigger")
	}
}
