// Command lanes writes the benchmark lanes (internal/lanes) as NDJSON files
// for whole-process benchmarks:
//
//	go run ./bench/lanes -out-dir /tmp/lanes -count 100000
//
// writes /tmp/lanes/sysmon_proc.ndjson and /tmp/lanes/syslog_raw.ndjson;
// `-lanes windowsmix` writes the Windows event mix of internal/windowsmix
// (nested EVTX records of several channels, seed 16) as windowsmix.ndjson.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/internal/lanes"
	"github.com/rsigma-connect/rsigma-connect/internal/windowsmix"
)

func main() {
	outDir := flag.String("out-dir", ".", "directory to write <lane>.ndjson into")
	count := flag.Int("count", 100000, "events per lane")
	names := flag.String("lanes", "sysmon_proc,syslog_raw", "comma-separated lanes to write")
	flag.Parse()
	if err := run(*outDir, *count, strings.Split(*names, ",")); err != nil {
		fmt.Fprintln(os.Stderr, "lanes:", err)
		os.Exit(1)
	}
}

func run(dir string, count int, names []string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range names {
		lane := lanes.Lane(name)
		path := filepath.Join(dir, lanes.File(lane))
		if err := writeLane(path, lane, count); err != nil {
			return err
		}
		st, err := os.Stat(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "wrote %s (%d events, %d bytes)\n", path, count, st.Size())
	}
	return nil
}

// writeLane writes count events of lane, or of the Windows mix, to path.
func writeLane(path string, lane lanes.Lane, count int) error {
	if lane != "windowsmix" {
		return lanes.WriteFile(path, lane, count)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := windowsmix.Write(f, count, 16); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
