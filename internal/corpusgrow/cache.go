package corpusgrow

import (
	"embed"
	"os"
	"strconv"

	"github.com/rsigma-connect/rsigma-connect/internal/gencache"
	"github.com/rsigma-connect/rsigma-connect/internal/sigmahq"
)

// source is the generator's own code: its hash names the cached corpora.
//
//go:embed corpusgrow.go mutate.go redraw.go fires.go
var source embed.FS

var cache = gencache.New("rsigma-corpus", source)

// SigmaHQ returns a directory holding the SigmaHQ corpus of testdata grown
// to times corpora (Write). It is written once per size and generator
// version into the temporary directory (internal/gencache) and reused by
// later calls and later processes. Callers must not modify the files.
func SigmaHQ(times int) (string, error) {
	complete := func(dir string) bool { _, err := os.Stat(dir); return err == nil }
	return cache.Dir(strconv.Itoa(times)+"x", complete, func(dir string) error {
		_, err := Write(sigmahq.Dir(), dir, times)
		return err
	})
}
