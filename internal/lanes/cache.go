package lanes

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

// source is the generator's own code: its hash names the cached lanes, so
// a change to the generator never reads lanes an older one wrote.
//
//go:embed lanes.go random.go sysmon.go syslog.go
var source embed.FS

var (
	dirsMu sync.Mutex
	dirs   = map[int]string{}
)

// Dir returns a directory holding every lane of count events
// (Dir/<lane>.ndjson). The lanes are generated once per count, generator
// version and Go release into the temporary directory and reused by later
// calls and later processes: a caller generates into a fresh directory and
// renames it into place, so concurrent test binaries never see a partial
// lane and leave no copies behind. Callers must not modify the files.
func Dir(count int) (string, error) {
	dirsMu.Lock()
	defer dirsMu.Unlock()
	if dir, ok := dirs[count]; ok {
		return dir, nil
	}
	version, err := generatorVersion()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("rsigma-lanes-%s-%d", version, count))
	if !complete(dir) {
		tmp, err := os.MkdirTemp("", "rsigma-lanes-new-")
		if err != nil {
			return "", err
		}
		defer os.RemoveAll(tmp) // a no-op once renamed
		if err := WriteDir(tmp, count); err != nil {
			return "", err
		}
		if err := os.Rename(tmp, dir); err != nil && !complete(dir) {
			return "", fmt.Errorf("lanes: %w", err)
		}
	}
	dirs[count] = dir
	return dir, nil
}

// Lines returns the count events of lane, one slice a line without the
// newline, from the lanes cached by Dir.
func Lines(lane Lane, count int) ([][]byte, error) {
	dir, err := Dir(count)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, File(lane))
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := make([][]byte, 0, count)
	for len(data) > 0 {
		line, rest, _ := bytes.Cut(data, []byte{'\n'})
		lines = append(lines, line[:len(line):len(line)]) // appending to one never overwrites the next
		data = rest
	}
	if len(lines) != count {
		return nil, fmt.Errorf("%s: %d lines, want %d", path, len(lines), count)
	}
	return lines, nil
}

// generatorVersion hashes the generator's code and the Go release (whose
// random sources it uses).
func generatorVersion() (string, error) {
	h := sha256.New()
	h.Write([]byte(runtime.Version()))
	err := fs.WalkDir(source, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := source.ReadFile(path)
		h.Write([]byte(path))
		h.Write(data)
		return err
	})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%x", h.Sum(nil)[:6]), nil
}

// complete reports whether dir holds every lane.
func complete(dir string) bool {
	for _, lane := range All {
		if _, err := os.Stat(filepath.Join(dir, File(lane))); err != nil {
			return false
		}
	}
	return true
}
