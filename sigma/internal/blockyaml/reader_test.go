package blockyaml

import (
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/rsigma-connect/rsigma-connect/internal/sigmahq"
	"github.com/rsigma-connect/rsigma-connect/sigma/internal/yamltest"
)

// checkBlockYAML compares blockYAML with yaml.v3 on data: when blockYAML
// accepts it, yaml.v3 must read the same single document. It reports
// whether blockYAML accepted data.
func checkBlockYAML(t *testing.T, name string, data []byte) bool {
	t.Helper()
	got, ok := NewReader().Parse(data)
	if !ok {
		return false
	}
	want, wantOK := yamltest.V3Root(data)
	if !wantOK {
		t.Fatalf("%s: blockYAML accepted what yaml.v3 does not read as one document:\n%s", name, data)
	}
	if d := yamltest.Diff(got, want, ""); d != "" {
		t.Fatalf("%s: blockYAML and yaml.v3 differ at %s\n%s", name, d, data)
	}
	return true
}

// TestBlockYAMLMatchesYAMLv3 compares both readers on every corpus file.
func TestBlockYAMLMatchesYAMLv3(t *testing.T) {
	total, accepted := 0, 0
	err := filepath.WalkDir(corpusDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isYAMLFile(p) {
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
		".nan", "2021-01-01", "2021-01-01T10:00:00Z", "2021/01/01", "4688", "1.2.3", "x", "é", "0.0.0.0/8",
		"2021-1-1", "2021-12-31", "2021-13-01", "2021-02-29", "2020-02-29", "2021-00-10", "2021-01-00", "2021-001-01",
		"20211-01-01", "2021-01-011", "2021-01-1x", "1-11-2021", "2021--0101", "2021-01-01 10:00:00", "0000-01-01"}
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

// A rule's date and modified fields are read without the failed parses
// yaml.v3's timestamp resolution makes on the way to its date-only layout
// (three allocated errors per date, ~14 MB per load of 30k rules).
func TestPlainDateTagAllocatesNothing(t *testing.T) {
	for _, v := range []string{"2023-01-01", "2019-3-7"} {
		if n := testing.AllocsPerRun(100, func() { _ = plainTag(v) }); n != 0 {
			t.Errorf("plainTag(%q) allocates %.0f times, want none", v, n)
		}
		if got := plainTag(v); got != "!!timestamp" {
			t.Errorf("plainTag(%q) = %s, want !!timestamp", v, got)
		}
	}
}

// corpusDir is the SigmaHQ corpus the tests read.
var corpusDir = sigmahq.Dir()

func isYAMLFile(p string) bool {
	ext := strings.ToLower(filepath.Ext(p))
	return ext == ".yml" || ext == ".yaml"
}
