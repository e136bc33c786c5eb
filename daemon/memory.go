package daemon

import (
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
)

// The daemon's garbage-collector policy. Loading a corpus makes several
// times its compiled size in short-lived garbage (YAML nodes, plans), and a
// running engine keeps the compiled corpus live while each event adds a
// little garbage. The load is tuned for peak RSS, because the compiled
// corpus dominates the heap: with the default target (GOGC 100) the heap
// grows to twice the corpus before each collection.
//
//   - While the rules load, the target is the default (GOGC 100) under a
//     heap limit (loadLimitFloor, or more for a large corpus): the limit
//     caps the peak that doubling the heap would reach at the end of the
//     load, so the collector runs often only when the heap nears what the
//     corpus keeps live. The limit is an estimate from the rule files'
//     size; after each collection it is raised, if need be, to leave the
//     heap loadHeadroom times the live heap beside the runtime's overhead
//     (loadLimit), so a corpus that keeps more than estimated costs more
//     collections, not back-to-back ones. With the collector off under the
//     same limit, 1 load in 10 overshot the limit by ~17 MB of RSS and
//     loads were no faster.
//   - While events flow, the target is runGCPercent: the heap grows by
//     half of what is live (the corpus, correlation state, in-flight
//     batches) before a collection, which keeps the running daemon's peak
//     RSS near the loaded one (SigmaHQ, 100k Sysmon events: ~95 MiB against
//     ~111 at GOGC 100). Each cycle marks the whole corpus, so the
//     collector's CPU per event follows the bytes an event allocates over
//     that headroom: since the stdin lines are read into reused blocks
//     (scanner.sigma_stdin) an event allocates ~2.5 KB instead of ~3.9 KB
//     through the whole daemon, and GOGC 50 runs 16-18 collections per
//     100k events (the code before issue 18: 24-26 at the same target), for
//     a CPU per event at or below that code's (bench/README "Scale with
//     cores"). With two or more Ps a cycle takes a whole P for marking
//     (GOMAXPROCS/4, rounded); issue 18 had run at GOGC 100 (now 7-8
//     cycles) to buy CPU with ~17 MiB of RSS.
//
// An operator who sets GOGC or GOMEMLIMIT keeps the runtime's own policy.
const (
	runGCPercent  = 50
	loadGCPercent = 100
	// loadLimitFloor is the smallest heap limit while loading: enough for
	// the SigmaHQ corpus (~28 MB compiled) and its garbage in flight. 48 MiB
	// made the SigmaHQ load 2x slower (collections back to back), 64 MiB
	// added 8 MB of peak RSS for 10-20% less load time.
	loadLimitFloor = 56 << 20
	// loadBytesFactor scales the rule files' size on disk to a load limit
	// for corpora larger than SigmaHQ. At its peak, while the candidate
	// index is built, a load keeps ~5 bytes live per byte of YAML (SigmaHQ
	// grown 10 times: ~250 MB from 47 MB); up to the limit the collector
	// runs at the load target, from there on as often as keeping under it
	// needs. The factor was 12, which let the heap, and so the peak RSS,
	// grow to twice what the load keeps live (10x: 563 MiB).
	loadBytesFactor = 6
	// loadHeadroom is the least room the limit leaves the heap after a
	// collection, as a multiple of the live heap (see loadLimit). Idle
	// daemon on SigmaHQ grown 10 times, CPU s / peak RSS MB: 1.1: 8.4-8.8
	// / 383-388; 1.25: 8.1 / 412-422; 1.5: 6.9-7.0 / 445-451 (before,
	// with the limit at 12 bytes per YAML byte: ~7.5 / 567). 1.1 puts the
	// 10x load at the edge of its budget (10x the 1x load's CPU).
	loadHeadroom = 1.2
)

// operatorTunesGC reports whether GOGC or GOMEMLIMIT is set.
func operatorTunesGC() bool {
	return os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != ""
}

// duringLoad applies the load policy for the rules under paths and returns
// the function that switches to the running policy.
func duringLoad(paths []string) (loaded func()) {
	if operatorTunesGC() {
		return func() {}
	}
	limit := &loadLimit{estimate: max(int64(loadLimitFloor), loadBytesFactor*ruleBytes(paths))}
	debug.SetGCPercent(loadGCPercent)
	prevLimit := debug.SetMemoryLimit(limit.estimate)
	stop := afterEachGC(limit.follow)
	return func() {
		stop()
		debug.SetGCPercent(runGCPercent)
		debug.SetMemoryLimit(prevLimit)
		debug.FreeOSMemory() // collect the load's garbage and return it
	}
}

// ruleBytes is the size of the rule files (.yml, .yaml) under paths; paths
// that cannot be read count 0 (loading reports them).
func ruleBytes(paths []string) int64 {
	var total int64
	for _, root := range paths {
		_ = filepath.WalkDir(root, func(_ string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			if n := d.Name(); strings.HasSuffix(n, ".yml") || strings.HasSuffix(n, ".yaml") {
				if info, err := d.Info(); err == nil && total < math.MaxInt64/2 {
					total += info.Size()
				}
			}
			return nil
		})
	}
	return total
}
