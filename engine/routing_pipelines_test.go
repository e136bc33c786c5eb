package engine

import (
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/internal/sigmahq"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// ecsEvents are Winlogbeat (ECS) records: a Sysmon process creation of
// `whoami /all`, a Security failed logon from a public address and a
// PowerShell script block.
var ecsEvents = [][]byte{
	[]byte(`{"winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":1,"provider_name":"Microsoft-Windows-Sysmon"},"event":{"code":"1","module":"sysmon"},` +
		`"process":{"executable":"C:\\Windows\\System32\\whoami.exe","command_line":"whoami /all","pe":{"original_file_name":"whoami.exe"},"parent":{"executable":"C:\\Windows\\System32\\cmd.exe"}}}`),
	[]byte(`{"winlog":{"channel":"Security","event_id":4625,"event_data":{"TargetUserName":"admin","IpAddress":"8.8.8.8","LogonType":"3"}},"event":{"code":"4625","module":"security"},"source":{"ip":"8.8.8.8"}}`),
	[]byte(`{"winlog":{"channel":"Microsoft-Windows-PowerShell/Operational","event_id":4104},"event":{"code":"4104"},"powershell":{"file":{"script_block_text":"Invoke-Mimikatz -DumpCreds"}}}`),
}

// TestRoutingWithBuiltinPipelines: the builtin sysmon and ecs_windows
// pipelines combine with routing. Rules are routed by the logsource written
// in their file, so the sysmon pipeline's `service: sysmon` on every Windows
// rule (pipelines.md §11) keeps no Security, PowerShell or Defender rule off
// its events (no loss); routed detections are those of routing off that
// fit, and on the Windows mix with -p sysmon routing drops no detection of
// a Windows rule the pipeline lets through (no double filtering): what it
// drops are the zeek, Cisco, Linux, … rules.
func TestRoutingWithBuiltinPipelines(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the corpus four times")
	}
	mix := equivalenceLines(t, 1500)["windowsmix"]
	for _, c := range []struct {
		pipeline string
		lines    [][]byte
		mustFire []string
		// keepsWindows: routing drops no Windows rule's detection (on the
		// ECS sample a keyword rule of the Application log fires on a
		// PowerShell event without routing, which routing rightly drops).
		keepsWindows bool
	}{
		{"sysmon", mix, []string{"Failed Logon From Public IP", "Windows Defender Threat Detected", "RDP Login from Localhost"}, true},
		{"ecs_windows", ecsEvents, []string{"Enumerate All Information With Whoami.EXE"}, false},
	} {
		t.Run(c.pipeline, func(t *testing.T) {
			s := Settings{Rules: []string{sigmahq.Dir()}, InputFormat: "json"}
			s.Dynamic.Pipelines = []string{c.pipeline}
			off := newTestEvaluator(t, s)
			s.LogsourceRouting = true
			on := newTestEvaluator(t, s)
			var want, got []string
			fired := map[string]bool{}
			windowsDropped := 0
			eachEvent(t, off, c.lines, func(i int, ev sigma.Event) {
				for _, m := range off.State().Engine.Evaluate(ev, nil) {
					v := off.State().ExplainRouting(ev, m.Rule)
					if v.Contradicts {
						if strings.EqualFold(off.State().RuleLogsource(m.Rule).Product, "windows") {
							windowsDropped++
							t.Logf("event %d: Windows rule %q dropped: %s", i, m.Rule.Title, v.Reason)
						}
						continue
					}
					want = append(want, signature([]sigma.Match{m}))
				}
			})
			eachEvent(t, on, c.lines, func(i int, ev sigma.Event) {
				for _, m := range on.State().detect(ev, nil) {
					got = append(got, signature([]sigma.Match{m}))
					fired[m.Rule.Title] = true
				}
			})
			if strings.Join(got, "") != strings.Join(want, "") {
				t.Errorf("-p %s: %d routed detections, want the %d of routing off that fit", c.pipeline, len(got), len(want))
			}
			if c.keepsWindows && windowsDropped > 0 {
				t.Errorf("-p %s: routing dropped %d detections of Windows rules on Windows events", c.pipeline, windowsDropped)
			}
			for _, title := range c.mustFire {
				if !fired[title] {
					t.Errorf("-p %s with routing: %q does not fire", c.pipeline, title)
				}
			}
			t.Logf("-p %s: %d detections with routing", c.pipeline, len(got))
		})
	}
}
