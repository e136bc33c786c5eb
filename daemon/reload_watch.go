package daemon

import (
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/fsnotify/fsnotify"
)

// reloadWatch decides which file-system events are reload triggers
// (daemon.md §8): a .yml/.yaml path under a rules directory (recursive) or
// in the directory of a single rules file, the rules path itself appearing
// or disappearing, and a pipeline file.
type reloadWatch struct {
	ruleDirs  []string        // rules directories, watched recursively
	fileDirs  []string        // directories of single rules files
	rootPaths map[string]bool // the rules paths themselves
	pipelines map[string]bool // pipeline files
	w         *fsnotify.Watcher
	log       *slog.Logger
}

// startReloadWatch watches rules and pipeline paths and calls trigger for
// every relevant change until ctx ends. Paths that cannot be watched are
// logged and skipped: a watcher problem never stops the daemon.
func startReloadWatch(ctx context.Context, rules, pipelines []string, trigger func(string) bool, log *slog.Logger) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		log.Warn("file watcher unavailable, reload by SIGHUP or API only", "error", err.Error())
		return
	}
	rw := &reloadWatch{rootPaths: map[string]bool{}, pipelines: map[string]bool{}, w: w, log: log}
	for _, p := range rules {
		rw.addRules(p)
	}
	for _, p := range pipelines {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			abs := absPath(p)
			rw.pipelines[abs] = true
			rw.add(filepath.Dir(abs))
		}
	}
	go rw.loop(ctx, trigger)
}

func absPath(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return filepath.Clean(p)
}

// addRules watches one --rules path and its parent (to see the path itself
// being removed or re-created).
func (rw *reloadWatch) addRules(p string) {
	abs := absPath(p)
	rw.rootPaths[abs] = true
	rw.add(filepath.Dir(abs))
	fi, err := os.Stat(abs)
	switch {
	case err != nil:
		rw.log.Warn("rules path not watched", "path", p, "error", err.Error())
		if !containsPath(rw.ruleDirs, abs) {
			rw.ruleDirs = append(rw.ruleDirs, abs) // watched again once it re-appears
		}
	case fi.IsDir():
		if !containsPath(rw.ruleDirs, abs) {
			rw.ruleDirs = append(rw.ruleDirs, abs)
		}
		rw.addTree(abs)
	default:
		rw.fileDirs = append(rw.fileDirs, filepath.Dir(abs))
	}
}

func containsPath(list []string, p string) bool {
	for _, q := range list {
		if q == p {
			return true
		}
	}
	return false
}

func (rw *reloadWatch) add(dir string) {
	if err := rw.w.Add(dir); err != nil {
		rw.log.Warn("directory not watched", "path", dir, "error", err.Error())
	}
}

// addTree watches dir and every directory below it.
func (rw *reloadWatch) addTree(dir string) {
	_ = filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err == nil && e.IsDir() {
			rw.add(p)
		}
		return nil
	})
}

func (rw *reloadWatch) loop(ctx context.Context, trigger func(string) bool) {
	defer rw.w.Close()
	for {
		select {
		case <-ctx.Done():
			return
		case err, ok := <-rw.w.Errors:
			if !ok {
				return
			}
			rw.log.Warn("file watcher error", "error", err.Error())
		case ev, ok := <-rw.w.Events:
			if !ok {
				return
			}
			if rw.relevant(ev) {
				trigger("file change: " + ev.Name)
			}
		}
	}
}

// relevant reports whether ev should trigger a reload, watching directories
// created under a rules directory on the way.
func (rw *reloadWatch) relevant(ev fsnotify.Event) bool {
	if ev.Op == fsnotify.Chmod {
		return false
	}
	name := filepath.Clean(ev.Name)
	if ev.Has(fsnotify.Create) && rw.underRuleDir(name) {
		if fi, err := os.Stat(name); err == nil && fi.IsDir() {
			rw.addTree(name)
			return true
		}
	}
	if rw.rootPaths[name] || rw.pipelines[name] {
		return true
	}
	if !isYAML(name) {
		return false
	}
	return rw.underRuleDir(name) || containsPath(rw.fileDirs, filepath.Dir(name))
}

func (rw *reloadWatch) underRuleDir(name string) bool {
	for _, d := range rw.ruleDirs {
		if name == d || strings.HasPrefix(name, d+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

func isYAML(name string) bool {
	return strings.HasSuffix(name, ".yml") || strings.HasSuffix(name, ".yaml")
}
