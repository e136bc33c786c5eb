// Package gencache keeps generated test data (benchmark lanes, grown rule
// corpora) under the temporary directory, once per generator version, so
// that every test binary and benchmark run reuses the same files.
package gencache

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

// Cache names the directories one generator writes.
type Cache struct {
	prefix string
	source fs.FS

	mu      sync.Mutex
	version string
	dirs    map[string]string
}

// New returns the cache of the generator whose own code is source: a change
// to that code (or to the Go release, whose random sources generators use)
// names new directories, so older output is never read.
func New(prefix string, source fs.FS) *Cache {
	return &Cache{prefix: prefix, source: source, dirs: map[string]string{}}
}

// Dir returns the directory <tmp>/<prefix>-<version>-<key>, calling write
// to fill it first when it is missing or complete reports it is not whole.
// write fills a fresh directory that is then renamed into place, so
// concurrent processes never see a partial one and leave no copies behind.
// Callers must not modify the files.
func (c *Cache) Dir(key string, complete func(dir string) bool, write func(dir string) error) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if dir, ok := c.dirs[key]; ok {
		return dir, nil
	}
	if c.version == "" {
		v, err := version(c.source)
		if err != nil {
			return "", err
		}
		c.version = v
	}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("%s-%s-%s", c.prefix, c.version, key))
	if !complete(dir) {
		tmp, err := os.MkdirTemp("", c.prefix+"-new-")
		if err != nil {
			return "", err
		}
		defer os.RemoveAll(tmp) // a no-op once renamed
		if err := write(tmp); err != nil {
			return "", err
		}
		if err := os.Rename(tmp, dir); err != nil && !complete(dir) {
			return "", fmt.Errorf("%s: %w", c.prefix, err)
		}
	}
	c.dirs[key] = dir
	return dir, nil
}

// version hashes the files of source and the Go release.
func version(source fs.FS) (string, error) {
	h := sha256.New()
	h.Write([]byte(runtime.Version()))
	err := fs.WalkDir(source, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(source, path)
		h.Write([]byte(path))
		h.Write(data)
		return err
	})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%x", h.Sum(nil)[:6]), nil
}
