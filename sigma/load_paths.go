package sigma

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// LoadPaths loads rule files and directories in the given order, like
// LoadPath, reading each file once however many paths reach it (a
// directory given twice, a file inside a directory also given, a symbolic
// link): files are told apart by their resolved absolute path, and the
// first path that reaches a file decides its place in the load order. A
// non-nil error means a path itself could not be read
// (errors.Is(err, ErrRulesPath)).
func LoadPaths(paths []string) (*RuleSet, error) {
	seen := map[string]bool{}
	var files []string
	for _, path := range paths {
		found, err := ruleFiles(path)
		if err != nil {
			return nil, err
		}
		for _, f := range found {
			if key := resolvedPath(f); !seen[key] {
				seen[key] = true
				files = append(files, f)
			}
		}
	}
	return loadFiles(files), nil
}

// ruleFiles lists the rule files of one path: the path itself when it is a
// file (which must be readable), else the `.yml`/`.yaml` files below it in
// sorted order.
func ruleFiles(path string) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRulesPath, err)
	}
	if !info.IsDir() {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrRulesPath, err)
		}
		f.Close()
		return []string{path}, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && isRuleFile(p) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRulesPath, err)
	}
	sort.Strings(files)
	return files, nil
}

// resolvedPath is the absolute path of file with symbolic links resolved,
// or as much of that as the file system allows.
func resolvedPath(file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		return filepath.Clean(file)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	return abs
}
