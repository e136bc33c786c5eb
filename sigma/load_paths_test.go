package sigma

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every way of reaching one file twice loads it once; the same id in two
// different files is a warning naming both.
func TestLoadPathsReadsEachFileOnce(t *testing.T) {
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules")
	write := func(path, doc string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rule := func(title, id string) string {
		return strings.Replace(ruleDoc("sel: {CommandLine|contains: x}"), "title: t", "title: "+title+"\nid: "+id, 1)
	}
	write(filepath.Join(rules, "a.yml"), rule("A", "id-a"))
	write(filepath.Join(rules, "sub", "b.yml"), rule("B", "id-b"))
	link := filepath.Join(dir, "link")
	if err := os.Symlink(rules, link); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, tc := range []struct {
		name  string
		paths []string
	}{
		{"directory_twice", []string{rules, rules}},
		{"directory_by_two_spellings", []string{rules, filepath.Join(rules, "sub", "..")}},
		{"directory_with_trailing_slash", []string{rules + "/", rules}},
		{"relative_and_absolute", []string{"./rules/", rules}},
		{"file_then_its_directory", []string{filepath.Join(rules, "sub", "b.yml"), rules}},
		{"directory_and_symlink_to_it", []string{rules, link}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, err := LoadPaths(tc.paths)
			if err != nil {
				t.Fatal(err)
			}
			if len(rs.Rules) != 2 || len(rs.Rejected) != 0 {
				t.Fatalf("%d rules, %d rejected, want each of the 2 files once", len(rs.Rules), len(rs.Rejected))
			}
			if w := rs.Warnings(); len(w) != 0 {
				t.Fatalf("warnings %q for files read once", w)
			}
		})
	}
	t.Run("same_id_in_two_files_warns", func(t *testing.T) {
		other := filepath.Join(dir, "other", "copy.yml")
		write(other, rule("A copy", "id-a"))
		rs, err := LoadPaths([]string{rules, other})
		if err != nil {
			t.Fatal(err)
		}
		want := other + ": A copy: duplicate id id-a (also " + filepath.Join(rules, "a.yml") + ")"
		if w := rs.Warnings(); len(rs.Rules) != 3 || len(w) != 1 || w[0] != want {
			t.Fatalf("%d rules, warnings %q, want 3 rules and %q", len(rs.Rules), w, want)
		}
	})
	t.Run("missing_path_fails", func(t *testing.T) {
		if _, err := LoadPaths([]string{rules, filepath.Join(dir, "missing")}); err == nil {
			t.Fatal("no error for a missing path")
		}
	})
}
