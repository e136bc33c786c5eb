package daemon

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"testing"
	"time"
)

func TestRuleBytesCountsOnlyRuleFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, n int) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, make([]byte, n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.yml", 100)
	write("sub/b.yaml", 20)
	write("sub/readme.md", 1000)
	got := ruleBytes([]string{dir, filepath.Join(dir, "missing")})
	if got != 120 {
		t.Fatalf("ruleBytes = %d, want 120", got)
	}
	if got := ruleBytes([]string{filepath.Join(dir, "a.yml")}); got != 100 {
		t.Fatalf("ruleBytes of one file = %d, want 100", got)
	}
}

// The load policy sets the load target under a heap limit; once loaded, the
// running target is set and the limit is the one before.
func TestLoadPolicySwitchesToTheRunningTarget(t *testing.T) {
	limitBefore := daemonTunesGC(t, 30)

	loaded := duringLoad([]string{t.TempDir()})
	if p := debug.SetGCPercent(-1); p != loadGCPercent {
		t.Errorf("GC percent while loading = %d, want %d", p, loadGCPercent)
	}
	if l := debug.SetMemoryLimit(-1); l != loadLimitFloor {
		t.Errorf("memory limit while loading = %d, want %d", l, loadLimitFloor)
	}
	loaded()
	if p := debug.SetGCPercent(-1); p != runGCPercent {
		t.Errorf("GC percent after loading = %d, want %d", p, runGCPercent)
	}
	debug.SetGCPercent(100)
	if l := debug.SetMemoryLimit(-1); l != limitBefore {
		t.Errorf("memory limit after loading = %d, want %d", l, limitBefore)
	}
}

func TestOperatorGCSettingsAreLeftAlone(t *testing.T) {
	t.Setenv("GOGC", "80")
	before := debug.SetGCPercent(80)
	t.Cleanup(func() { debug.SetGCPercent(before) })
	limitBefore := debug.SetMemoryLimit(-1)
	loaded := duringLoad(nil)
	loaded()
	if p := debug.SetGCPercent(80); p != 80 {
		t.Fatalf("GC percent = %d, want the operator's 80", p)
	}
	if l := debug.SetMemoryLimit(-1); l != limitBefore {
		t.Fatalf("memory limit = %d, want the one before (%d)", l, limitBefore)
	}
}

// A corpus that keeps more live than its files' size suggests raises the
// load limit to loadHeadroom times the live heap after a collection, so
// that the collector does not run back to back under a limit the live
// heap already fills.
func TestLoadLimitFollowsTheLiveHeap(t *testing.T) {
	daemonTunesGC(t, 100)

	loaded := duringLoad([]string{t.TempDir()}) // no rule files: the floor
	defer loaded()
	compiled := make([][]byte, 0, 64)
	for range 64 { // what a large corpus keeps live: more than the floor
		compiled = append(compiled, make([]byte, 1<<20))
	}
	compiledBytes := float64(64 << 20)
	want := int64(compiledBytes * loadHeadroom)
	deadline := time.Now().Add(30 * time.Second)
	for debug.SetMemoryLimit(-1) < want {
		if time.Now().After(deadline) {
			t.Fatalf("memory limit while loading = %d after collections with %d MiB live, want at least %d",
				debug.SetMemoryLimit(-1), len(compiled), want)
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond) // the hook runs on the finalizer goroutine
	}
	runtime.KeepAlive(compiled)
}

func TestAfterEachGCStopsWhenAsked(t *testing.T) {
	var calls atomic.Int64
	stop := afterEachGC(func() { calls.Add(1) })
	deadline := time.Now().Add(30 * time.Second)
	for calls.Load() < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("%d calls after collections, want 3", calls.Load())
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	stop()
	runtime.GC() // a collection in flight when stop ran may still call once
	runtime.GC()
	settled := calls.Load()
	for range 5 {
		runtime.GC()
	}
	if n := calls.Load(); n != settled {
		t.Fatalf("%d calls after stop, want none", n-settled)
	}
}

// daemonTunesGC clears GOGC and GOMEMLIMIT, so that the daemon's policy
// applies, and sets the GC percent to percent; both settings and the
// memory limit are restored when the test ends. It returns the limit.
func daemonTunesGC(t *testing.T, percent int) (limit int64) {
	t.Helper()
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetGCPercent(percent)
	t.Cleanup(func() { debug.SetGCPercent(before) })
	limit = debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(limit) })
	return limit
}
