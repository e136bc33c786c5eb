package corpusgrow

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/internal/lanes"
	"github.com/rsigma-connect/rsigma-connect/internal/sigmahq"
	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// TestWriteIsDeterministic grows the same corpus twice into different
// directories: every file is byte-identical.
func TestWriteIsDeterministic(t *testing.T) {
	src := filepath.Join(sigmahq.Dir(), "windows", "process_creation")
	a, b := t.TempDir(), t.TempDir()
	sa, err := Write(src, a, 3)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := Write(src, b, 3)
	if err != nil {
		t.Fatal(err)
	}
	if sa != sb || sa.Copies == 0 {
		t.Fatalf("stats %v and %v", sa, sb)
	}
	err = filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		x, _ := os.ReadFile(p)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || !bytes.Equal(x, y) {
			return fmt.Errorf("%s differs between two runs (%v)", rel, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCopiesKeepTheRulesShape loads the corpus grown to two corpora: every
// copy loads and compiles, has a new id, and has its original's searches,
// fields, modifiers, value counts and conditions.
func TestCopiesKeepTheRulesShape(t *testing.T) {
	dir, rs, _ := loadGrown(t, 2)
	byFile := map[string]*sigma.Rule{}
	for _, r := range rs.Rules {
		rel, _ := filepath.Rel(dir, r.File)
		byFile[filepath.ToSlash(rel)] = r
	}
	copies := 0
	for rel, c := range byFile {
		orig, ok := strings.CutPrefix(rel, "01/")
		if !ok {
			continue
		}
		copies++
		o := byFile["00/"+orig]
		if o == nil {
			t.Fatalf("%s: no original", rel)
		}
		if c.ID == o.ID || len(c.ID) != len(o.ID) {
			t.Errorf("%s: id %q, original %q", rel, c.ID, o.ID)
		}
		if got, want := shape(c), shape(o); got != want {
			t.Errorf("%s: shape\n%s\nwant\n%s", rel, got, want)
		}
	}
	if copies < sigmahq.RuleFiles*99/100 {
		t.Errorf("%d copies of %d rules", copies, sigmahq.RuleFiles)
	}
}

// loadGrown loads and compiles the corpus grown to times corpora; every
// rule must load and compile.
func loadGrown(t *testing.T, times int) (string, *sigma.RuleSet, *sigma.Engine) {
	t.Helper()
	dir, err := SigmaHQ(times)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := sigma.LoadPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs.Rejected) > 0 {
		t.Fatalf("%d rejected, first: %v", len(rs.Rejected), rs.Rejected[0])
	}
	eng, rejected, err := sigma.Compile(rs, sigma.CompileOptions{})
	if err != nil || len(rejected) > 0 {
		t.Fatalf("compile: %v, %d rejected", err, len(rejected))
	}
	return dir, rs, eng
}

// shape renders what a copy must keep of a rule.
func shape(r *sigma.Rule) string {
	var b strings.Builder
	fmt.Fprintln(&b, r.Logsource)
	for _, s := range r.Detection.Searches {
		fmt.Fprintf(&b, "%s:", s.Name)
		for _, g := range s.Groups {
			for _, it := range g.Items {
				fmt.Fprintf(&b, " %s|%s×%d", it.Field, strings.Join(it.Modifiers, "|"), len(it.Values))
				for _, v := range it.Values {
					fmt.Fprintf(&b, ",%d", v.Kind)
				}
			}
			b.WriteString(" ;")
		}
		b.WriteString("\n")
	}
	for _, c := range r.Detection.Conditions {
		fmt.Fprintln(&b, c.Text)
	}
	return b.String()
}

// TestCopiesDoNotFireOnTheLanes evaluates the benchmark lanes against the
// corpus grown to three corpora: only original rules match.
func TestCopiesDoNotFireOnTheLanes(t *testing.T) {
	dir, _, eng := loadGrown(t, 3)
	originals := filepath.Join(dir, "00") + string(filepath.Separator)
	for _, lane := range lanes.All {
		lines, err := lanes.Lines(lane, 5000)
		if err != nil {
			t.Fatal(err)
		}
		ev := sigma.NewJSONEvent(eng.Fields())
		var matches []sigma.Match
		total := 0
		for i, line := range lines {
			if err := ev.Reset(line); err != nil {
				t.Fatal(err)
			}
			matches = eng.Evaluate(ev, matches[:0])
			total += len(matches)
			for _, m := range matches {
				if !strings.HasPrefix(m.Rule.File, originals) {
					t.Errorf("%s event %d: copy %s matches", lane, i, m.Rule.File)
				}
			}
		}
		if total == 0 {
			t.Errorf("%s: no original rule matches either", lane)
		}
	}
}

// TestFiresAnyway decides which conditions could still hold on any event
// once every mutated (rare) search is false.
func TestFiresAnyway(t *testing.T) {
	cases := []struct {
		condition string
		rare      map[string]bool
		fires     bool
	}{
		{"selection", map[string]bool{"selection": true}, false},
		{"not selection", map[string]bool{"selection": true}, true},
		{"selection and not filter", map[string]bool{"selection": true, "filter": true}, false},
		{"selection or not filter", map[string]bool{"selection": true, "filter": true}, true},
		{"selection", map[string]bool{"selection": false}, true},
		{"selection and nulls", map[string]bool{"selection": true, "nulls": false}, false},
		{"1 of selection_*", map[string]bool{"selection_a": true, "selection_b": false}, true},
		{"all of selection_*", map[string]bool{"selection_a": true, "selection_b": false}, false},
		{"all of them", map[string]bool{"a": true, "_b": false}, false},
		{"1 of them and not 1 of filter*", map[string]bool{"a": true, "filter1": false}, false},
	}
	for _, c := range cases {
		got, err := firesAnyway([]string{c.condition}, c.rare)
		if err != nil || got != c.fires {
			t.Errorf("%q with %v: fires %v (%v), want %v", c.condition, c.rare, got, err, c.fires)
		}
	}
}

// TestMutatedValues shows what a copy makes of each kind of value.
func TestMutatedValues(t *testing.T) {
	src := `title: t
id: 0b1c2d3e-aaaa-4bbb-8ccc-0123456789ab
logsource: {category: process_creation, product: windows}
detection:
    selection:
        Image|endswith: '\whoami.exe'
        EventID: 1
        CommandLine|re: '(?i)\\\\[a-z]{2}\d+ -enc\s'
        DestinationIp|cidr: 10.0.0.0/8
        User|fieldref: TargetUser
        Hidden: null
        Hashes|contains: 'MD5=0123456789ABCDEF0123456789ABCDEF'
    keywords:
        - 'aaa'
    condition: selection or keywords
`
	out, err := mutateRule([]byte(src), "x.yml", 1)
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, kept := range []string{`User|fieldref: TargetUser`, `Hidden: null`, `(?i)\\\\[a-z]{2}\d+ -`, `\s'`, `/8`, `'\`, `.`} {
		if !strings.Contains(text, kept) {
			t.Errorf("%q lost:\n%s", kept, text)
		}
	}
	if !regexp.MustCompile(`'[A-Z]{2}\d=[0-9A-F]{32}'`).MatchString(text) {
		t.Errorf("the hash is no longer hex:\n%s", text)
	}
	for _, gone := range []string{"MD5=0123", "whoami", "EventID: 1\n", "enc", "10.0.0.0/8", "'aaa'", "0b1c2d3e"} {
		if strings.Contains(text, gone) {
			t.Errorf("%q kept:\n%s", gone, text)
		}
	}
	if root, err := oneDocument(out); err != nil {
		t.Fatal(err)
	} else if want, _ := oneDocument([]byte(src)); !sameShape(want, root) {
		t.Errorf("shape changed:\n%s", text)
	}
}
