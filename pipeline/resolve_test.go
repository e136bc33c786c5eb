package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/source"
	"github.com/rsigma-connect/rsigma-connect/source/fetch"
)

const dynVarRule = "    selection: {CommandLine|contains|expand: '%malicious_commands%'}\n    condition: selection\n"

const dynVarPipeline = `name: dynamic-test
priority: 10
vars:
  malicious_commands: ["${source.cmd_list}"]
transformations:
  - type: value_placeholders
`

// resolvedEngine loads sources from a --source file, resolves the pipeline
// and compiles the rule.
func resolvedEngine(t *testing.T, sourcesYAML, pipelineYAML, detection string, allowRemote bool) (string, error) {
	t.Helper()
	dir := t.TempDir()
	sf := filepath.Join(dir, "sources.yml")
	os.WriteFile(sf, []byte(sourcesYAML), 0o644)
	srcs, err := source.LoadPaths([]string{sf})
	if err != nil {
		t.Fatal(err)
	}
	res := source.NewResolver(srcs, source.Options{Transports: fetch.Transports()})
	if err := res.ResolveAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	pl, err := mustParse(t, pipelineYAML).Resolve(res.Snapshot(), allowRemote)
	if err != nil {
		return "", err
	}
	eng, rej := engineFor(t, loadRules(t, ruleDoc(detection)), pl)
	if len(rej) > 0 {
		return "", fmt.Errorf("%s", joinErrs(rej))
	}
	var fired []string
	for _, ev := range []string{`{"CommandLine":"malware.exe --payload"}`, `{"CommandLine":"notepad.exe"}`, `{"cmd":"malware.exe"}`} {
		if fires(t, eng, ev) {
			fired = append(fired, ev)
		}
	}
	return strings.Join(fired, " "), nil
}

func TestResolveDynamicVarsAndIncludes(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "list.json")
	os.WriteFile(list, []byte(`["malware.exe","evil.bat"]`), 0o644)
	transforms := filepath.Join(dir, "transforms.json")
	os.WriteFile(transforms, []byte(`[{"type":"field_name_mapping","mapping":{"CommandLine":"cmd"}}]`), 0o644)
	nested := filepath.Join(dir, "nested.json")
	os.WriteFile(nested, []byte(`[{"include":"${source.transforms}"}]`), 0o644)
	fileSrc := func(id, path string) string {
		return fmt.Sprintf("  - {id: %s, type: file, path: %s, format: json, refresh: watch, on_error: use_cached}\n", id, path)
	}
	sources := "sources:\n" + fileSrc("cmd_list", list) + fileSrc("transforms", transforms) + fileSrc("nested", nested) +
		"  - {id: remote, type: command, command: [cat, " + transforms + "]}\n"
	tests := []struct {
		name, pipeline, detection string
		allowRemote               bool
		fired, wantErr            string
	}{
		{"var_from_file_source_expands_placeholder", dynVarPipeline, dynVarRule, false,
			`{"CommandLine":"malware.exe --payload"}`, ""},
		{"include_inserts_source_items", "transformations:\n  - include: ${source.transforms}\n",
			"    selection: {CommandLine|contains: malware}\n    condition: selection\n", false, `{"cmd":"malware.exe"}`, ""},
		{"include_from_command_source_is_local", "transformations:\n  - include: ${source.remote}\n",
			"    selection: {CommandLine|contains: malware}\n    condition: selection\n", false, `{"cmd":"malware.exe"}`, ""},
		{"nested_include_is_rejected", "transformations:\n  - include: ${source.nested}\n", dynVarRule, false,
			"", "nested includes are not allowed"},
		{"unknown_source_is_an_error", "vars: {x: '${source.nope}'}\n", dynVarRule, false,
			"", `unknown or unresolved dynamic source "nope"`},
		{"include_of_a_non_array_is_an_error", "transformations:\n  - include: ${source.cmd_list.0}\n", dynVarRule, false,
			"", "must resolve to an array of processing items"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fired, err := resolvedEngine(t, sources, tc.pipeline, tc.detection, tc.allowRemote)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || fired != tc.fired {
				t.Fatalf("fired on %q (err %v), want %q", fired, err, tc.fired)
			}
		})
	}
}

func TestRemoteIncludeNeedsFlag(t *testing.T) {
	pl := mustParse(t, "transformations:\n  - include: ${source.feed}\n")
	snap := source.NewSnapshot(map[string]any{"feed": []any{}})
	if _, err := pl.Resolve(snap, false); err != nil {
		t.Fatalf("local include refused: %v", err)
	}
	srcs, err := source.Parse("s.yml", []byte("sources: [{id: feed, type: http, url: 'http://127.0.0.1:1/x', required: false, on_error: use_default, default: []}]"))
	if err != nil {
		t.Fatal(err)
	}
	res := source.NewResolver(srcs, source.Options{Transports: fetch.Transports()})
	_ = res.ResolveAll(context.Background())
	_, err = pl.Resolve(res.Snapshot(), false)
	if err == nil || !strings.Contains(err.Error(), "remote includes need --allow-remote-include") {
		t.Fatalf("err = %v", err)
	}
	if _, err := pl.Resolve(res.Snapshot(), true); err != nil {
		t.Fatalf("with --allow-remote-include: %v", err)
	}
}

func TestLeftoverSourceReferenceRejectsRule(t *testing.T) {
	_, rej := engineFor(t, loadRules(t, ruleDoc("    sel: {Image: '${source.x}'}\n    condition: sel\n")), mustParse(t, "name: p\n"))
	if !strings.Contains(joinErrs(rej), "unresolved ${source.…} reference") {
		t.Fatalf("rejections: %s", joinErrs(rej))
	}
}
