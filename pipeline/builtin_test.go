package pipeline

import (
	"os"
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/internal/sigmahq"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

func loadSigmaHQ(t *testing.T) *sigma.RuleSet {
	t.Helper()
	data, err := os.ReadFile(sigmahq.Rule("windows/process_creation/proc_creation_win_whoami_all_execution.yml"))
	if err != nil {
		t.Fatal(err)
	}
	return loadRules(t, string(data))
}

func builtins(t *testing.T, names ...string) []*Pipeline {
	t.Helper()
	pls, err := OpenAll(names)
	if err != nil {
		t.Fatal(err)
	}
	return pls
}

func TestBuiltinEcsWindows(t *testing.T) {
	ecsEvent := `{"event":{"code":"1"},"process":{"executable":"C:\\Windows\\System32\\whoami.exe","command_line":"whoami -all","pe":{"original_file_name":"whoami.exe"}}}`
	flatEcs := `{"process.executable":"C:\\Windows\\System32\\whoami.exe","process.command_line":"whoami /all"}`
	sysmonShaped := `{"Image":"C:\\Windows\\System32\\whoami.exe","CommandLine":"whoami -all"}`
	tests := []struct {
		name      string
		pipelines []string
		event     string
		want      bool
	}{
		{"ecs_event_fires_with_ecs_windows", []string{"ecs_windows"}, ecsEvent, true},
		{"flat_ecs_keys_fire_with_ecs_windows", []string{"ecs_windows"}, flatEcs, true},
		{"ecs_event_does_not_fire_without_pipeline", nil, ecsEvent, false},
		{"sigma_field_names_do_not_fire_with_ecs_windows", []string{"ecs_windows"}, sysmonShaped, false},
		{"sigma_field_names_fire_without_pipeline", nil, sysmonShaped, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			eng, rej := engineFor(t, loadSigmaHQ(t), builtins(t, tc.pipelines...)...)
			if len(rej) > 0 {
				t.Fatal(joinErrs(rej))
			}
			if got := fires(t, eng, tc.event); got != tc.want {
				t.Fatalf("fires = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestBuiltinSysmon(t *testing.T) {
	ev := func(id string) string {
		return `{"EventID":` + id + `,"Image":"C:\\Windows\\System32\\whoami.exe","CommandLine":"whoami -all"}`
	}
	tests := []struct {
		name      string
		pipelines []string
		event     string
		want      bool
	}{
		{"event_id_1_fires", []string{"sysmon"}, ev("1"), true},
		{"event_id_4688_does_not_fire", []string{"sysmon"}, ev("4688"), false},
		{"string_event_id_fires", []string{"sysmon"}, ev(`"1"`), true},
		{"without_pipeline_4688_fires", nil, ev("4688"), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs := loadSigmaHQ(t)
			eng, rej := engineFor(t, rs, builtins(t, tc.pipelines...)...)
			if len(rej) > 0 {
				t.Fatal(joinErrs(rej))
			}
			if got := fires(t, eng, tc.event); got != tc.want {
				t.Fatalf("fires = %v, want %v", got, tc.want)
			}
			if len(tc.pipelines) > 0 && rs.Rules[0].Logsource.Service != "sysmon" {
				t.Errorf("logsource service = %q, want sysmon", rs.Rules[0].Logsource.Service)
			}
		})
	}
}

func TestBuiltinsCombined(t *testing.T) {
	// sysmon (priority 10) runs first; ecs_windows then renames the added EventID.
	pls := builtins(t, "ecs_windows", "sysmon")
	if pls[0].Name != "sysmon" || pls[1].Name != "ecs_windows" {
		t.Fatalf("order = %s, %s", pls[0].Name, pls[1].Name)
	}
	rs := loadRules(t, ruleDoc("    sel: {Image|endswith: '\\cmd.exe'}\n    condition: sel\n"))
	eng, rej := engineFor(t, rs, pls...)
	if len(rej) > 0 {
		t.Fatal(joinErrs(rej))
	}
	if !fires(t, eng, `{"process.executable":"C:\\w\\cmd.exe","event.code":"1"}`) {
		t.Error("does not fire on ECS event with event.code 1")
	}
	if fires(t, eng, `{"process.executable":"C:\\w\\cmd.exe","event.code":"3"}`) {
		t.Error("fires on event.code 3")
	}
}

func TestBuiltinsParseAndListNames(t *testing.T) {
	if got := strings.Join(BuiltinNames(), ","); got != "ecs_windows,sysmon" {
		t.Fatalf("BuiltinNames = %s", got)
	}
	ecs, _ := Builtin("ecs_windows")
	sys, _ := Builtin("sysmon")
	if ecs.Priority != 20 || sys.Priority != 10 || len(ecs.Items) != 11 || len(sys.Items) != 29 {
		t.Fatalf("ecs %d/%d items, sysmon %d/%d items", ecs.Priority, len(ecs.Items), sys.Priority, len(sys.Items))
	}
}

// The whole SigmaHQ Windows corpus must survive both builtins: pipelines may
// not turn a loadable rule into a rejected one.
func TestBuiltinsKeepSigmaHQWindowsLoadable(t *testing.T) {
	dir := sigmahq.Rule("windows")
	base, err := sigma.LoadPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, rej0, _ := sigma.Compile(base, sigma.CompileOptions{})
	rs, _ := sigma.LoadPath(dir)
	eng, rej := engineFor(t, rs, builtins(t, "sysmon", "ecs_windows")...)
	t.Logf("%d rules compiled with both builtins; %d rejected (%d without pipelines)", len(eng.Rules()), len(rej), len(rej0)+len(base.Rejected))
	if len(rej) > len(rej0)+len(base.Rejected) {
		t.Fatalf("pipelines rejected extra rules: %d vs %d\n%s", len(rej), len(rej0)+len(base.Rejected), joinErrs(rej))
	}
	if len(eng.Rules()) < 1000 {
		t.Fatalf("only %d rules compiled", len(eng.Rules()))
	}
}
