package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
)

// fullDiskScript mounts a 256 KiB tmpfs on $1, runs the daemon ($2, with the
// rest of the arguments) with stdin from $3 and, before the namespace and its
// mount go away, copies the output file out to $4.
const fullDiskScript = `mount -t tmpfs -o size=256k tmpfs "$1" || exit 97
mnt=$1 bin=$2 events=$3 kept=$4
shift 4
"$bin" "$@" < "$events"
code=$?
cp "$mnt/out.ndjson" "$kept" || exit 98
exit $code`

// A file --output on a filesystem that fills up mid-run: the daemon logs,
// dead-letters and exits 0, and the file holds whole lines only; every
// result is in the file or in the DLQ, exactly once. The filesystem is a
// real 256 KiB tmpfs, mounted in a user and mount namespace of the test's own
// (no root needed, invisible outside the test).
func TestDaemonFullDiskLeavesNoPartialLine(t *testing.T) {
	if err := exec.Command("unshare", "-Urm", "true").Run(); err != nil {
		t.Skipf("cannot make a user and mount namespace for a small tmpfs (unshare -Urm: %v); sink/file_test.go covers the cut-back with a file size limit", err)
	}
	dir := t.TempDir()
	small, kept, dlq, events := filepath.Join(dir, "small"), filepath.Join(dir, "out.ndjson"), filepath.Join(dir, "dlq.ndjson"), filepath.Join(dir, "events.ndjson")
	if err := os.Mkdir(small, 0o755); err != nil {
		t.Fatal(err)
	}
	const n = 900 // about 330 bytes a result: the disk is full after about 790
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"CommandLine":"malware.exe %d %s"}`+"\n", i, strings.Repeat("x", 100))
	}
	if err := os.WriteFile(events, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "unshare", "-Urm", "sh", "-c", fullDiskScript, "sh", small, daemontest.Binary(t), events, kept,
		"engine", "daemon", "-r", opsRulesDir(t, opsSimpleRule), "--api-addr", "127.0.0.1:0",
		"--output", "file://"+filepath.Join(small, "out.ndjson"), "--dlq", "file://"+dlq)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("daemon on a full disk: %v\n%s", err, out)
	}
	data, err := os.ReadFile(kept)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) == 0 || data[len(data)-1] != '\n' {
		t.Fatalf("the output file (%d bytes) does not end with a whole line: ...%q", len(data), data[max(0, len(data)-80):])
	}
	written := opsFileLines(t, kept)
	for i, l := range written {
		if !json.Valid([]byte(l)) {
			t.Fatalf("line %d of %d in the output file is not JSON: %q", i+1, len(written), l)
		}
	}
	dead := opsFileLines(t, dlq)
	if len(dead) == 0 || len(written)+len(dead) != n {
		t.Fatalf("%d results in the file and %d in the DLQ, want %d in all and some in the DLQ", len(written), len(dead), n)
	}
	t.Logf("%d results in the file (%d bytes), %d in the DLQ", len(written), len(data), len(dead))
}
