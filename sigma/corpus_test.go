package sigma

import (
	"os"
	"testing"
)

const corpusDir = "../../shared/sigma-rules"

// expectedCorpusRejections lists corpus rules that are rejected on purpose,
// keyed by file base path, with the reason (a real defect of that rule).
var expectedCorpusRejections = map[string]string{}

// TestCorpusLoadsAndCompiles loads the whole SigmaHQ corpus and asserts that
// every rule compiles except the known-defective ones.
func TestCorpusLoadsAndCompiles(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	rs, err := LoadPath(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	e, rejected, err := Compile(rs, CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	all := append(append([]*LoadError{}, rs.Rejected...), rejected...)
	for _, le := range all {
		t.Errorf("rejected: %v", le)
	}
	t.Logf("loaded %d rules, %d correlations, %d filters; compiled %d; rejected %d",
		len(rs.Rules), len(rs.Correlations), len(rs.Filters), len(e.Rules()), len(all))
}
