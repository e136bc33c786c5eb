// Package lanes generates the benchmark lanes: deterministic NDJSON event
// streams shaped like real logs, with about 1% attack events that SigmaHQ
// rules detect. The same count gives the same bytes on every machine (with
// the same Go release), so benchmarks and tests compare like with like.
//
//   - SysmonProc: flat Sysmon process-creation events (EventID 1) with
//     SigmaHQ field names (Image, CommandLine, ParentImage, User, Hashes, …),
//     about 1.3 KB each.
//   - SyslogRaw: raw syslog text in one `message` field plus `product` and
//     `service` hints (Linux, Snare-style Windows 4688 and Cisco IOS lines),
//     about 0.4 KB each; the attack lines carry text that SigmaHQ keyword
//     rules detect.
//
// Tests and benchmarks read lanes through Lines, which keeps one generated
// copy per count under the temporary directory; bench/lanes writes them to
// files for whole-process runs.
package lanes

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// Lane names one generated event stream; its file is <Lane>.ndjson.
type Lane string

// The lanes.
const (
	SysmonProc Lane = "sysmon_proc"
	SyslogRaw  Lane = "syslog_raw"
)

// All lists every lane.
var All = []Lane{SysmonProc, SyslogRaw}

// attackRate is the share of events that carry attack activity.
const attackRate = 0.01

// seeds fix each lane's random sequence.
var seeds = map[Lane]uint64{SysmonProc: 1001, SyslogRaw: 2002}

// Write writes count events of lane to w, one compact JSON object a line.
func Write(w io.Writer, lane Lane, count int) error {
	seed, ok := seeds[lane]
	if !ok {
		return fmt.Errorf("lanes: unknown lane %q", lane)
	}
	g := &generator{rng: rand.New(rand.NewPCG(seed, seed))}
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := range count {
		var ev any
		if lane == SysmonProc {
			ev = g.sysmonProc(i)
		} else {
			ev = g.syslogRaw(i)
		}
		if err := enc.Encode(ev); err != nil {
			return fmt.Errorf("lanes: %s event %d: %w", lane, i, err)
		}
	}
	return bw.Flush()
}

// WriteFile writes count events of lane to path.
func WriteFile(path string, lane Lane, count int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := Write(f, lane, count); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// File is the name of lane's file in a lane directory.
func File(lane Lane) string { return string(lane) + ".ndjson" }

// WriteDir writes every lane of count events into dir (dir/<lane>.ndjson).
func WriteDir(dir string, count int) error {
	for _, lane := range All {
		if err := WriteFile(filepath.Join(dir, File(lane)), lane, count); err != nil {
			return err
		}
	}
	return nil
}
