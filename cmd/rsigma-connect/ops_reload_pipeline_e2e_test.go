package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/poll"
)

func opsPipeline(target string) string {
	return "name: test mapping\npriority: 10\ntransformations:\n- id: map\n  type: field_name_mapping\n  mapping: {CommandLine: " + target + "}\n"
}

// A -p pipeline file is watched: editing it re-applies the pipeline on the
// next reload; a pipeline that no longer parses fails the reload (old
// engine keeps serving, /readyz 503) until it is fixed.
func TestDaemonPipelineFileReload(t *testing.T) {
	pipeline := filepath.Join(t.TempDir(), "map.yml")
	write := func(content string) {
		t.Helper()
		if err := os.WriteFile(pipeline, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(opsPipeline("cmd"))
	d, base := opsStart(t, opsRulesDir(t, opsSimpleRule), "--input", "http", "-p", pipeline)
	opsDetects(t, d, base, `{"cmd":"malware.exe"}`, 1)

	write(opsPipeline("proc"))
	poll.Wait(t, 15*time.Second, "reload after the pipeline edit", func() bool {
		return opsMetric(t, base, "rsigma_reloads_total") >= 1
	})
	opsDetects(t, d, base, `{"cmd":"malware.exe"}`+"\n"+`{"proc":"malware.exe"}`, 2)

	write("transformations: [ {type: field_name_mapping, mapping: ")
	poll.Wait(t, 15*time.Second, "failed reload of the broken pipeline", func() bool {
		return opsMetric(t, base, "rsigma_reloads_failed_total") >= 1
	})
	if status, _ := opsDo(t, "GET", base+"/readyz", ""); status != 503 {
		t.Fatalf("/readyz %d after a failed pipeline reload, want 503", status)
	}
	opsDetects(t, d, base, `{"proc":"malware.exe again"}`, 3)

	write(opsPipeline("cmd"))
	poll.Wait(t, 15*time.Second, "ready again after the fix", func() bool {
		status, _ := opsDo(t, "GET", base+"/readyz", "")
		return status == 200
	})
	opsDetects(t, d, base, `{"cmd":"malware.exe"}`, 4)
	opsStop(t, d)
}
