package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/resources"
)

// BuiltinNames lists the builtin pipeline names, sorted.
func BuiltinNames() []string {
	entries, _ := fs.ReadDir(resources.Pipelines, "pipelines")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".yml"))
	}
	sort.Strings(names)
	return names
}

// Builtin returns the builtin pipeline called name (ecs_windows, sysmon).
func Builtin(name string) (*Pipeline, bool) {
	data, err := resources.Pipelines.ReadFile("pipelines/" + name + ".yml")
	if err != nil {
		return nil, false
	}
	p, err := Parse("builtin:"+name, data)
	if err != nil {
		panic(fmt.Sprintf("builtin pipeline %s does not parse: %v", name, err))
	}
	return p, true
}

// Open resolves a -p argument: a builtin name is checked first, then the
// argument is read as a pipeline file. Errors wrap ErrPipeline.
func Open(nameOrPath string) (*Pipeline, error) {
	if p, ok := Builtin(nameOrPath); ok {
		return p, nil
	}
	if _, err := os.Stat(nameOrPath); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %q is neither a builtin pipeline (%s) nor a readable file",
			ErrPipeline, nameOrPath, strings.Join(BuiltinNames(), ", "))
	}
	return Load(nameOrPath)
}

// OpenAll opens every -p argument and returns them sorted by priority.
func OpenAll(args []string) ([]*Pipeline, error) {
	out := make([]*Pipeline, 0, len(args))
	for _, a := range args {
		p, err := Open(a)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	Sort(out)
	return out, nil
}
