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
// directory given twice or spelt two ways, a file inside a directory also
// given, a symbolic link to a given directory): a file is known by its
// path below the resolved absolute form of the rule path that reached it,
// and the first path that reaches a file decides its place in the load
// order. A non-nil error means a path itself could not be read
// (errors.Is(err, ErrRulesPath)).
func LoadPaths(paths []string) (*RuleSet, error) {
	seen := map[string]bool{}
	var files []string
	for _, path := range paths {
		found, err := ruleFiles(path)
		if err != nil {
			return nil, err
		}
		root := resolvedPath(path)
		for _, f := range found {
			// Resolving the root only, not every file, spares a system
			// call per path element of every file.
			rel, err := filepath.Rel(path, f)
			if err != nil {
				rel = f
			}
			if key := filepath.Join(root, rel); !seen[key] {
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

// resolvedPath is the absolute form of path with symbolic links resolved,
// or as much of that as the file system allows.
func resolvedPath(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	return abs
}
