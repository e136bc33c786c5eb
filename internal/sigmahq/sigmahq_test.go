package sigmahq

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCorpusIsComplete(t *testing.T) {
	n := 0
	err := filepath.WalkDir(Dir(), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".yml") {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != RuleFiles {
		t.Errorf("%s holds %d rule files, want %d", Dir(), n, RuleFiles)
	}
	for _, f := range []string{"LICENSE.Detection.Rules.md", "SOURCE.md"} {
		if _, err := os.Stat(filepath.Join(Dir(), f)); err != nil {
			t.Error(err)
		}
	}
}

func TestRuleIsInsideTheCorpus(t *testing.T) {
	p := Rule("windows/process_creation/proc_creation_win_whoami_all_execution.yml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "c248c896-e412-4279-8c15-1c558067b6fa") {
		t.Errorf("%s is not the whoami /all rule", p)
	}
}
