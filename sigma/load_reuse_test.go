package sigma

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/sigma/internal/blockyaml"
	"github.com/rsigma-connect/rsigma-connect/sigma/internal/yamltest"
)

// TestLoadPathReusesNothingItKeeps loads the corpus with LoadPath, whose
// goroutines reuse node memory from file to file, and file by file with
// LoadBytes, and compares every rule and correlation document.
func TestLoadPathReusesNothingItKeeps(t *testing.T) {
	rs, err := LoadPath(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	fresh := &RuleSet{}
	err = filepath.WalkDir(corpusDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isRuleFile(p) {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		one, _ := LoadBytes(p, data)
		fresh.Merge(one)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs.Rules) != len(fresh.Rules) || len(rs.Correlations) != len(fresh.Correlations) {
		t.Fatalf("%d rules, %d correlations; file by file %d, %d", len(rs.Rules), len(rs.Correlations), len(fresh.Rules), len(fresh.Correlations))
	}
	for i, r := range rs.Rules {
		if !reflect.DeepEqual(r, fresh.Rules[i]) {
			t.Fatalf("%s: rule differs from the one loaded alone", r.File)
		}
	}
	for i, c := range rs.Correlations {
		if d := yamltest.Diff(c.Node, fresh.Correlations[i].Node, c.File); d != "" {
			t.Fatal(d)
		}
	}
}

// TestLoadPathKeepsCorrelationNodes checks that the nodes of a correlation
// document, the only ones a RuleSet keeps, survive the loading goroutine
// reusing its node memory for the files after it.
func TestLoadPathKeepsCorrelationNodes(t *testing.T) {
	dir := t.TempDir()
	corr := "title: Many failed logins\nname: many_failed\ncorrelation:\n    type: event_count\n    rules:\n" +
		"        - failed_login\n    group-by:\n        - User\n    timespan: 5m\n    condition:\n        gte: 10\n"
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("a_corr.yml", corr)
	for i := 0; i < 200; i++ {
		write(fmt.Sprintf("b_%03d.yml", i), ruleDoc(fmt.Sprintf("sel:\n  Image|endswith:\n    - '\\x%d.exe'\n    - y\n  User: u%d", i, i)))
	}
	if _, ok := (&blockyaml.Reader{}).Parse([]byte(corr)); !ok {
		t.Fatal("the correlation document does not take the blockYAML path")
	}
	rs, err := LoadPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs.Correlations) != 1 || len(rs.Rules) != 200 || len(rs.Rejected) != 0 {
		t.Fatalf("got %d correlations, %d rules, rejected %v", len(rs.Correlations), len(rs.Rules), rs.Rejected)
	}
	want, _ := yamltest.V3Root([]byte(corr))
	if d := yamltest.Diff(rs.Correlations[0].Node, want, "a_corr.yml"); d != "" {
		t.Fatal(d)
	}
}
