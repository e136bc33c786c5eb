package main

import (
	"bufio"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/nats"
)

// resolveCount sums rsigma_source_resolves_total for source id on /metrics.
func resolveCount(t *testing.T, base, id string) float64 {
	t.Helper()
	_, body := opsDo(t, "GET", base+"/metrics", "")
	var sum float64
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		l := sc.Text()
		if !strings.HasPrefix(l, "rsigma_source_resolves_total{") || !strings.Contains(l, `source_id="`+id+`"`) {
			continue
		}
		v, err := strconv.ParseFloat(l[strings.LastIndex(l, " ")+1:], 64)
		if err == nil {
			sum += v
		}
	}
	return sum
}

// A core-NATS message on rsigma.control.resolve, on the --input server,
// re-resolves the dynamic sources: all of them for an empty payload, one
// for a payload naming its id (spec/nats-and-tls.md §1.8).
func TestDaemonNATSControlSubject(t *testing.T) {
	url, js := jetStreamServer(t, nil)
	dir := t.TempDir()
	rules := pipeWrite(t, dir, "rules/r.yml", dynVarRule)
	list := pipeWrite(t, dir, "list.json", `["mimikatz"]`)
	sources := pipeWrite(t, dir, "sources.yml", fmt.Sprintf("sources:\n  - {id: cmd_list, type: file, path: %s, format: json, refresh: once}\n", list))
	pipe := pipeWrite(t, dir, "dyn.yml", dynVarPipeline)
	d, base := opsStart(t, filepath.Dir(rules), "--input", url+"/in", "--output", url+"/out", "-p", pipe, "--source", sources)
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(d.Stderr(), "NATS control listener subscribed"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("control listener not started:\n%s", d.Stderr())
		}
	}
	before := resolveCount(t, base, "cmd_list")
	if before < 1 {
		t.Fatalf("cmd_list resolved %v times at startup", before)
	}
	for i, payload := range []string{"", "cmd_list"} {
		if err := js.Conn().Publish(nats.ControlSubject, []byte(payload)); err != nil {
			t.Fatal(err)
		}
		want := before + float64(i+1)
		deadline := time.Now().Add(10 * time.Second)
		for resolveCount(t, base, "cmd_list") < want {
			if time.Now().After(deadline) {
				t.Fatalf("payload %q: cmd_list resolved %v times, want %v", payload, resolveCount(t, base, "cmd_list"), want)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}
