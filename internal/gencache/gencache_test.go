package gencache

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"
)

// TestDirWritesOncePerVersion: the directory is written once, reused by
// another cache of the same generator (another process), and a changed
// generator gets a directory of its own.
func TestDirWritesOncePerVersion(t *testing.T) {
	src := fstest.MapFS{"gen.go": {Data: []byte("package gen // v1")}}
	prefix := "rsigma-gencache-test-" + filepath.Base(t.TempDir())
	writes := 0
	write := func(dir string) error {
		writes++
		return os.WriteFile(filepath.Join(dir, "out"), []byte("data"), 0o644)
	}
	complete := func(dir string) bool { _, err := os.Stat(filepath.Join(dir, "out")); return err == nil }

	a := New(prefix, src)
	var dirs [4]string
	var wg sync.WaitGroup
	for i := range dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := a.Dir("k", complete, write)
			if err != nil {
				t.Error(err)
			}
			dirs[i] = d
		}()
	}
	wg.Wait()
	t.Cleanup(func() { os.RemoveAll(dirs[0]) })
	for _, d := range dirs {
		if d != dirs[0] || !complete(d) {
			t.Fatalf("dirs %v, complete %v", dirs, complete(d))
		}
	}
	if d, err := New(prefix, src).Dir("k", complete, write); err != nil || d != dirs[0] || writes != 1 {
		t.Errorf("second cache: %s, %v, %d writes, want %s and 1 write", d, err, writes, dirs[0])
	}
	changed := fstest.MapFS{"gen.go": {Data: []byte("package gen // v2")}}
	d, err := New(prefix, changed).Dir("k", complete, write)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	if d == dirs[0] || writes != 2 {
		t.Errorf("changed generator: %s (old %s), %d writes, want a new directory and 2 writes", d, dirs[0], writes)
	}
}
