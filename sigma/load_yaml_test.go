package sigma

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
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
	r := &blockYAML{strs: stringTable{}}
	got, ok := r.parse(data)
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

// blockYAMLSamples are edge cases of the supported part of YAML and of the
// constructs just outside it.
var blockYAMLSamples = []string{
	"a: b\n", "a: b", "a: 'it''s'\n", "a: \"x\\ty\\u00e9\\x41\\\\\\\"\"\n", "a: \"\\U0001F600\\/\"\n",
	"a: |\n  l1\n\n  l2\n", "a: >-\n  f1\n  f2\n\n  f3\n    more\n  f4\n", "a: |+\n  x\n\n\nb: 1\n",
	"a: >\n\n  x\n   y\n  z\n\n\n", "a: |-\n    x\n   # not a comment\n  y\n", "a: |\n  x\n  \n  y\n",
	"a:\n- x\n- y: 1\n  z: 2\n", "a:\n  - x\n  -\n  - 'q'\n  - |\n    t\n", "a:\n  -\n    b: c\n",
	"a: multi\n  line\n\n  plain\n", "a: multi\n  line # c\n  more\n", "a: x # comment\n# c\nb: ~\n",
	"a: 1\nb: 0x1F\nc: 1.5\nd: true\ne: null\nf: 2021-01-01\ng: <<\nh: .inf\ni: -0b11\nj: 1_000\n",
	"k y: v:x\n", "a: b#c\n", "a:\n    b:\n        c: d\n    e: f\n", "a: é ü\n'b': 1\n", "- a\n",
	"a: [1, 2]\n", "a: {b: c}\n", "a: &x 1\nb: *x\n", "a: !t x\n", "a: 'b'c\n", "a: \"b\\\n  c\"\n",
	"a: - b\n", "? a\n: b\n", "a: b\n  c: d\n", "a:\n b\n c\n", "a: |2\n   x\n", "a: x\n\n\n", "a: 'x'   \n",
	":a: b\n", "a:\n\tb: c\n", "a: b\r\n", "---\na: b\n", "a: b\n---\nc: d\n", "a:\nb:\n", "a: 1\n  # c\nb: 2\n",
	"a:\n  b: 1\n c: 2\n", "a: x\nb:\n  - y\n - z\n", "a: \"x\" # c\n", "a: ''\nb: \"\"\n", "a: |\n\nb: 1\n",
	"title: T\ndetection:\n  sel:\n    Image|endswith:\n      - '\\a.exe'\n      - \"\\\\b.exe\"\n  condition: sel\n",
	"a: b\r\nc: |\r\n  x\r\n\r\n  y\r\nd: e\r\n", "a: b\rc: d\n", "a: 'x\r'\n", "a: b\r", "a: >\r\n  x\r\n  y\r\n",
	"a: \xff\n", "a: \xc3\n", "a: \u00a0\ufeff\n", "a: \u2028\n", "a: \x7f\n", "a: b\x00\n",
	"a: >\n  x\n\n  y\n", "a: >+\n  x\n\n", "a: x:\n", "a: x\n b: y\n", "a:   \n  b\n", "a: -x\n", "a: ?x\n",
}

func TestBlockYAMLSamples(t *testing.T) {
	accepted := 0
	for i, s := range blockYAMLSamples {
		if checkBlockYAML(t, fmt.Sprintf("sample %d", i), []byte(s)) {
			accepted++
		}
	}
	t.Logf("blockYAML read %d of %d samples", accepted, len(blockYAMLSamples))
}

func FuzzBlockYAML(f *testing.F) {
	for _, s := range blockYAMLSamples {
		f.Add([]byte(s))
	}
	// A few real rules of different shapes, when the corpus is there.
	for _, name := range []string{
		"windows/process_creation/proc_creation_win_powershell_base64_encoded_cmd.yml",
		"windows/builtin/security/win_security_susp_add_sid_history.yml",
		"linux/auditd/lnx_auditd_susp_c2_commands.yml",
		"web/webserver_generic/web_sql_injection_in_access_logs.yml",
	} {
		if data, err := os.ReadFile(filepath.Join(corpusDir, name)); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkBlockYAML(t, "fuzz input", data)
	})
}

// TestPlainTagMatchesYAMLv3 compares plainTag with the tag yaml.v3 gives a
// plain scalar value.
func TestPlainTagMatchesYAMLv3(t *testing.T) {
	values := []string{"", "~", "<<", "<", "true", "True", "TRUE", "tRue", "yes", "No", "on", "OFF", "null", "Null",
		"NULL", "nULL", "1", "-1", "+1", "0x1F", "0o17", "0b11", "-0b11", "1_000", "1.5", ".5", "1e3", ".inf", "-.Inf",
		".nan", "2021-01-01", "2021-01-01T10:00:00Z", "2021/01/01", "4688", "1.2.3", "x", "é", "0.0.0.0/8"}
	rng := rand.New(rand.NewSource(3))
	const alphabet = "01x.-+_eEtTnNuUlLrRfFaAsS~<:/ "
	for i := 0; i < 20000; i++ {
		b := make([]byte, 1+rng.Intn(6))
		for j := range b {
			b[j] = alphabet[rng.Intn(len(alphabet))]
		}
		values = append(values, string(b))
	}
	for _, v := range values {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte("k: "+v+"\n"), &doc); err != nil {
			continue
		}
		n := doc.Content[0].Content[1]
		if n.Style != 0 || n.Value != v {
			continue // not read back as this plain scalar
		}
		if got := plainTag(v); got != n.Tag {
			t.Errorf("plainTag(%q) = %s, yaml.v3 says %s", v, got, n.Tag)
		}
	}
}

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
		if d := sameNodes(c.Node, fresh.Correlations[i].Node, c.File); d != "" {
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
	if _, ok := (&blockYAML{}).parse([]byte(corr)); !ok {
		t.Fatal("the correlation document does not take the blockYAML path")
	}
	rs, err := LoadPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs.Correlations) != 1 || len(rs.Rules) != 200 || len(rs.Rejected) != 0 {
		t.Fatalf("got %d correlations, %d rules, rejected %v", len(rs.Correlations), len(rs.Rules), rs.Rejected)
	}
	want, _ := yamlv3Root([]byte(corr))
	if d := sameNodes(rs.Correlations[0].Node, want, "a_corr.yml"); d != "" {
		t.Fatal(d)
	}
}
