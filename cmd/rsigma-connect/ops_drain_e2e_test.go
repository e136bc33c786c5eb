package main

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// SIGTERM right after the last POST: every accepted event is still
// evaluated and its result written before the daemon exits 0 (daemon.md
// §11 — the queue is drained, not dropped).
func TestDaemonHTTPDrainOnSIGTERM(t *testing.T) {
	d, base := opsStart(t, opsRulesDir(t, opsSimpleRule), "--input", "http", "--drain-timeout", "30")
	var body strings.Builder
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&body, `{"CommandLine":"malware.exe","n":%d}`+"\n", i)
	}
	accepted := 0
	for i := 0; i < 5; i++ {
		status, resp := opsDo(t, "POST", base+"/api/v1/events", body.String())
		if status != 200 {
			t.Fatalf("POST: %d %s", status, resp)
		}
		accepted += int(opsJSON(t, resp)["accepted"].(float64))
	}
	d.Signal(syscall.SIGTERM)
	if code := d.Wait(40 * time.Second); code != 0 {
		t.Fatalf("exit %d\n%s", code, d.Stderr())
	}
	if got := strings.Count(d.Stdout(), "\n"); got != accepted {
		t.Fatalf("%d results written, %d events accepted", got, accepted)
	}
}
