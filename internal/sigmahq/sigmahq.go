// Package sigmahq locates the SigmaHQ rule corpus that the repository keeps
// for tests and benchmarks: testdata/sigma-rules, upstream's rules/ folder
// at one commit (see its SOURCE.md), under the Detection Rule License.
package sigmahq

import (
	"os"
	"path/filepath"
	"runtime"
)

// RuleFiles is the number of rule files (*.yml) in the corpus.
const RuleFiles = 3141

// Dir returns the absolute path of the corpus folder, whatever the working
// directory of the caller.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "sigma-rules")
}

// RegressionDir returns the folder of SigmaHQ's regression samples the
// tests read: $SIGMA_REGRESSION_DATA when set (another copy of upstream's
// regression_data/rules), else testdata/sigma-regression, upstream's JSON
// samples at the corpus commit (its SOURCE.md).
func RegressionDir() string {
	if dir := os.Getenv("SIGMA_REGRESSION_DATA"); dir != "" {
		return dir
	}
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "sigma-regression")
}

// Rule returns the absolute path of one corpus file; rel is relative to
// the corpus folder, with slashes, e.g.
// "windows/process_creation/proc_creation_win_whoami_all_execution.yml".
func Rule(rel string) string { return filepath.Join(Dir(), filepath.FromSlash(rel)) }
