package daemon

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/config"
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
			err := preflightPipelines(&config.Options{Pipelines: tc.args})
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || config.CodeOf(err) != config.ExitConfig {
				t.Fatalf("err = %v (code %d), want exit 3 containing %q", err, config.CodeOf(err), tc.want)
			}
		})
	}
}
