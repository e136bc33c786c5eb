package lanes

import (
	"bytes"
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/rsigma-connect/rsigma-connect/internal/gencache"
)

// source is the generator's own code: its hash names the cached lanes, so
// a change to the generator never reads lanes an older one wrote.
//
//go:embed lanes.go random.go sysmon.go syslog.go
var source embed.FS

var cache = gencache.New("rsigma-lanes", source)

// Dir returns a directory holding every lane of count events
// (Dir/<lane>.ndjson). The lanes are generated once per count, generator
// version and Go release into the temporary directory (internal/gencache)
// and reused by later calls and later processes. Callers must not modify
// the files.
func Dir(count int) (string, error) {
	return cache.Dir(strconv.Itoa(count), complete, func(dir string) error { return WriteDir(dir, count) })
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

// complete reports whether dir holds every lane.
func complete(dir string) bool {
	for _, lane := range All {
		if _, err := os.Stat(filepath.Join(dir, File(lane))); err != nil {
			return false
		}
	}
	return true
}
