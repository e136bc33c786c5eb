package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidatePipelines(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yml")
	os.WriteFile(good, []byte("name: g\ntransformations:\n- type: field_name_suffix\n  suffix: x\n"), 0o644)
	bad := filepath.Join(dir, "bad.yml")
	os.WriteFile(bad, []byte("transformations:\n- type: nope\n"), 0o644)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"builtins_and_file", []string{"ecs_windows", "sysmon", good}, ""},
		{"unknown_name", []string{"ecs_linux"}, `"ecs_linux" is neither a builtin pipeline (ecs_windows, sysmon) nor a readable file`},
		{"invalid_file", []string{bad}, `unknown transformation type "nope"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := validatePipelines(&Options{Pipelines: tc.args})
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || CodeOf(err) != ExitConfig {
				t.Fatalf("err = %v (code %d), want exit 3 containing %q", err, CodeOf(err), tc.want)
			}
		})
	}
}

func TestPipelineSectionOnlyWhenGiven(t *testing.T) {
	if m := pipelineSection(&Options{}); len(m) != 0 {
		t.Fatalf("empty options produced %v", m)
	}
	m := pipelineSection(&Options{Pipelines: []string{"sysmon"}, Sources: []string{"s.yml"}, AllowRemoteInclude: true, Enrichers: "e.yml"})
	var keys []string
	for _, e := range m {
		keys = append(keys, e.Key)
	}
	if strings.Join(keys, ",") != "pipelines,sources,allow_remote_include,enrichers" {
		t.Fatalf("keys = %v", keys)
	}
}
