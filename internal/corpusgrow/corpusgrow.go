// Package corpusgrow grows a Sigma rule corpus for scale benchmarks: it
// writes the corpus followed by mutated copies of it, a stand-in for the
// large rule sets of an MSSP or a multi-tenant deployment.
//
// A copy keeps each rule's shape (files, logsources, fields, modifiers,
// conditions, how many values and of which kind) and changes what it looks
// for: every letter and digit of a literal is redrawn (the same case, so
// wildcards, escapes and punctuation stay), numbers get other digits,
// regular expressions keep their syntax, CIDR ranges move, and each rule
// gets a new id. So a copy costs the loader, the compiler and the index as
// much as its original, and rarely fires. A copy that could still fire on
// any event (a condition true when every mutated search is false, e.g.
// `not selection`, or a search of nulls) is left out, as are files that
// are not one rule in one YAML document.
//
// The output is a pure function of the input files and the number of
// copies: the random draws are seeded by the copy's number and the file's
// path.
package corpusgrow

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Stats counts what Write did.
type Stats struct {
	Files  int // rule files in the source corpus
	Copies int // mutated copies written (over all copies)
	// FiresAnyway counts copies left out because their condition holds
	// when every mutated search is false.
	FiresAnyway int
	// NotOneRule counts copies left out because the file is not one rule
	// in one YAML document, or could not be mutated consistently.
	NotOneRule int
}

// Rules returns how many rule files the grown corpus holds.
func (s Stats) Rules() int { return s.Files + s.Copies }

// String reports the counts in one line.
func (s Stats) String() string {
	return fmt.Sprintf("%d rule files: %d originals + %d copies (%d left out: %d fire anyway, %d not one rule)",
		s.Rules(), s.Files, s.Copies, s.FiresAnyway+s.NotOneRule, s.FiresAnyway, s.NotOneRule)
}

// Write writes into dst the corpus under src (every *.yml, *.yaml file) as
// dst/00/<path>, then copies-1 mutated copies as dst/01/<path>, …, so that
// dst holds about copies times the rules of src. copies ≥ 1; dst must not
// hold rule files already.
func Write(src, dst string, copies int) (Stats, error) {
	var st Stats
	if copies < 1 {
		return st, fmt.Errorf("corpusgrow: %d copies, want at least 1", copies)
	}
	files, err := ruleFiles(src)
	if err != nil {
		return st, err
	}
	st.Files = len(files)
	for _, rel := range files {
		data, err := os.ReadFile(filepath.Join(src, rel))
		if err != nil {
			return st, err
		}
		if err := writeFile(dst, 0, rel, data); err != nil {
			return st, err
		}
		for k := 1; k < copies; k++ {
			out, err := mutateRule(data, rel, k)
			switch err {
			case nil:
				st.Copies++
				if err := writeFile(dst, k, rel, out); err != nil {
					return st, err
				}
			case errFiresAnyway:
				st.FiresAnyway++
			default:
				st.NotOneRule++
			}
		}
	}
	return st, nil
}

// ruleFiles lists the rule files under src, relative and sorted.
func ruleFiles(src string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if ext := strings.ToLower(filepath.Ext(p)); ext == ".yml" || ext == ".yaml" {
			rel, err := filepath.Rel(src, p)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("corpusgrow: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("corpusgrow: no rule files under %s", src)
	}
	sort.Strings(files)
	return files, nil
}

func writeFile(dst string, copy int, rel string, data []byte) error {
	p := filepath.Join(dst, fmt.Sprintf("%02d", copy), filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}
