package engine

import (
	"fmt"
	"os"

	"github.com/rsigma-connect/rsigma-connect/logsource"
	"github.com/rsigma-connect/rsigma-connect/pipeline"
)

// SplitPipelineArgs separates the -p arguments (Settings.Dynamic.Pipelines)
// into processing pipelines (builtin names and pipeline files, in the order
// given) and logsource recognition files: files whose top level holds
// `logsource_recognition:` (logsource.IsDeclarationFile). A file that cannot
// be read stays a pipeline, whose opening then reports it.
func SplitPipelineArgs(args []string) (pipelines, recognition []string) {
	for _, a := range args {
		if _, ok := pipeline.Builtin(a); !ok {
			if data, err := os.ReadFile(a); err == nil && logsource.IsDeclarationFile(data) {
				recognition = append(recognition, a)
				continue
			}
		}
		pipelines = append(pipelines, a)
	}
	return pipelines, recognition
}

// LoadRecognition reads the recognition files among the -p arguments, in
// order; an error names the file, YAML path and line and wraps
// logsource.ErrDeclaration.
func LoadRecognition(args []string) ([]logsource.Mapping, error) {
	_, files := SplitPipelineArgs(args)
	var out []logsource.Mapping
	for _, f := range files {
		ms, err := logsource.LoadDeclarations(f)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	return out, nil
}

// OpenPipelineArgs checks every -p argument: the pipelines open (builtin
// or a valid pipeline file) and the recognition files parse.
func OpenPipelineArgs(args []string) error {
	pls, _ := SplitPipelineArgs(args)
	if _, err := pipeline.OpenAll(pls); err != nil {
		return err
	}
	if _, err := LoadRecognition(args); err != nil {
		return fmt.Errorf("logsource recognition: %w", err)
	}
	return nil
}
