// Command summary prints the table of bench/run.sh from the runs it
// recorded: one file <stream>_<lane>.runs (and <stream>_empty.runs) per
// stream and lane, one line per run: "start end rss_kb out_lines load cpu_s".
//
//	go run ./bench/summary -work DIR -count N -lanes "sysmon_proc syslog_raw" -batch 1
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// run is one timed process run.
type run struct {
	wall, cpu float64 // seconds
	rssKB     int
	lines     int
	load      float64 // corpus load time the daemon logged, NaN if none
}

func main() {
	work := flag.String("work", "", "directory holding the .runs files")
	count := flag.Int("count", 0, "events per lane")
	laneList := flag.String("lanes", "sysmon_proc syslog_raw", "space-separated lanes")
	batch := flag.String("batch", "1", "the daemon's --batch-size")
	flag.Parse()
	if err := summarise(*work, *count, strings.Fields(*laneList), *batch); err != nil {
		fmt.Fprintln(os.Stderr, "summary:", err)
		os.Exit(1)
	}
}

func summarise(work string, count int, lanes []string, batch string) error {
	runs := map[string][]run{}
	read := func(name string) ([]run, error) {
		if r, ok := runs[name]; ok {
			return r, nil
		}
		r, err := readRuns(filepath.Join(work, name+".runs"))
		runs[name] = r
		return r, err
	}
	streams := []string{"bare", "transport", "daemon"}
	for _, s := range streams {
		for _, l := range append([]string{"empty"}, lanes...) {
			if _, err := read(s + "_" + l); err != nil {
				return err
			}
		}
	}
	empty := map[string]float64{}
	for _, s := range streams {
		empty[s] = median(runs[s+"_empty"], func(r run) float64 { return r.wall })
	}
	rate := func(stream, lane string) float64 {
		return float64(count) / math.Max(median(runs[stream+"_"+lane], func(r run) float64 { return r.wall })-empty[stream], 1e-9)
	}
	cpuPerEvent := func(stream, lane string) float64 {
		cpu := func(r run) float64 { return r.cpu }
		return 1e6 * (median(runs[stream+"_"+lane], cpu) - median(runs[stream+"_empty"], cpu)) / float64(count)
	}
	load := func(r run) float64 { return r.load }
	fmt.Printf("events per lane: %d; daemon --batch-size %s; empty-input start-up: bare %.3f s, daemon %.3f s; "+
		"corpus load (logged): %.3f s; daemon peak RSS with no events: %.1f MB\n",
		count, batch, empty["bare"], empty["daemon"], median(runs["daemon_empty"], load), float64(maxRSS(runs["daemon_empty"]))/1024)
	fmt.Printf("%-12s %10s %12s %12s %15s %17s %9s %11s %7s %10s %15s %17s\n", "lane", "bare ev/s", "daemon ev/s",
		"daemon/bare", "transport ev/s", "daemon/transport", "bare RSS", "daemon RSS", "load s", "detections",
		"bare cpu µs/ev", "daemon cpu µs/ev")
	for _, lane := range lanes {
		b, d, t := rate("bare", lane), rate("daemon", lane), rate("transport", lane)
		var bad []int
		for _, s := range []string{"bare", "transport"} {
			for _, r := range runs[s+"_"+lane] {
				if r.lines != count {
					bad = append(bad, r.lines)
				}
			}
		}
		note := ""
		if len(bad) > 0 {
			note = fmt.Sprintf("  (a passthrough echoed %v lines, expected %d)", bad, count)
		}
		fmt.Printf("%-12s %10s %12s %11.0f%% %15s %16.0f%% %7.1fMB %9.1fMB %7.3f %10.0f %15.1f %17.1f%s\n",
			lane, thousands(b), thousands(d), 100*d/b, thousands(t), 100*d/t,
			float64(maxRSS(runs["bare_"+lane]))/1024, float64(maxRSS(runs["daemon_"+lane]))/1024,
			median(runs["daemon_"+lane], load), median(runs["daemon_"+lane], func(r run) float64 { return float64(r.lines) }),
			cpuPerEvent("bare", lane), cpuPerEvent("daemon", lane), note)
	}
	return nil
}

// readRuns parses one .runs file.
func readRuns(path string) ([]run, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []run
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Fields(line)
		if len(f) != 6 {
			return nil, fmt.Errorf("%s:%d: %d fields, want 6", path, i+1, len(f))
		}
		var nums [6]float64
		for j, k := range []int{0, 1, 2, 3, 5} {
			if nums[j], err = strconv.ParseFloat(f[k], 64); err != nil {
				return nil, fmt.Errorf("%s:%d: field %d: %w", path, i+1, k+1, err)
			}
		}
		load := math.NaN()
		if d, err := time.ParseDuration(f[4]); err == nil {
			load = d.Seconds()
		}
		out = append(out, run{wall: nums[1] - nums[0], rssKB: int(nums[2]), lines: int(nums[3]), cpu: nums[4], load: load})
	}
	return out, nil
}

// median of the values of runs that are not NaN; NaN when there are none.
func median(runs []run, value func(run) float64) float64 {
	var v []float64
	for _, r := range runs {
		if x := value(r); !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	if n := len(v); n%2 == 0 {
		return (v[n/2-1] + v[n/2]) / 2
	}
	return v[len(v)/2]
}

func maxRSS(runs []run) int {
	m := 0
	for _, r := range runs {
		m = max(m, r.rssKB)
	}
	return m
}

// thousands formats x rounded, with comma thousands separators.
func thousands(x float64) string {
	s := strconv.FormatFloat(math.Round(x), 'f', 0, 64)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
