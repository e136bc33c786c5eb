package sigma

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"gopkg.in/yaml.v3"
)

// yamlv3Root reads data the way LoadBytes does without blockYAML; ok is
// false unless data is exactly one document.
func yamlv3Root(data []byte) (*yaml.Node, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return nil, false
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, false
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, false
	}
	return doc.Content[0], true
}

// sameNodes returns where two node trees differ, or "".
func sameNodes(a, b *yaml.Node, path string) string {
	if a.Kind != b.Kind || a.Tag != b.Tag || a.Value != b.Value || a.Style != b.Style ||
		a.Line != b.Line || a.Column != b.Column || a.Anchor != b.Anchor || len(a.Content) != len(b.Content) {
		return fmt.Sprintf("%s: {%v %s %q %v %d:%d %d} vs {%v %s %q %v %d:%d %d}", path,
			a.Kind, a.Tag, a.Value, a.Style, a.Line, a.Column, len(a.Content),
			b.Kind, b.Tag, b.Value, b.Style, b.Line, b.Column, len(b.Content))
	}
	for i := range a.Content {
		if d := sameNodes(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", path, i)); d != "" {
			return d
		}
	}
	return ""
}

// checkBlockYAML compares blockYAML with yaml.v3 on data: when blockYAML
// accepts it, yaml.v3 must read the same single document. It reports
// whether blockYAML accepted data.
func checkBlockYAML(t *testing.T, name string, data []byte) bool {
	t.Helper()
	got, ok := parseBlockYAML(data)
	if !ok {
		return false
	}
	want, wantOK := yamlv3Root(data)
	if !wantOK {
		t.Fatalf("%s: blockYAML accepted what yaml.v3 does not read as one document:\n%s", name, data)
	}
	if d := sameNodes(got, want, ""); d != "" {
		t.Fatalf("%s: blockYAML and yaml.v3 differ at %s\n%s", name, d, data)
	}
	return true
}

// TestBlockYAMLMatchesYAMLv3 compares both readers on every corpus file.
func TestBlockYAMLMatchesYAMLv3(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	total, accepted := 0, 0
	err := filepath.WalkDir(corpusDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isRuleFile(p) {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		total++
		if checkBlockYAML(t, p, data) {
			accepted++
		} else if os.Getenv("BLOCKYAML_VERBOSE") != "" {
			t.Logf("not accepted: %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("blockYAML read %d of %d corpus files", accepted, total)
	if accepted < total*9/10 {
		t.Errorf("blockYAML read only %d of %d corpus files", accepted, total)
	}
}
