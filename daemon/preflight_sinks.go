package daemon

import (
	"os"
	"strings"

	"github.com/rsigma-connect/rsigma-connect/config"
)

// preflightSinks opens every file sink (--output and --dlq) for appending,
// creating it if missing, so that an unwritable sink is a startup error
// (exit 3) rather than a stream of delivery failures.
func preflightSinks(o *config.Options) error {
	urls := append([]string{o.DLQ}, o.Outputs...)
	for _, u := range urls {
		if !strings.HasPrefix(u, "file://") {
			continue
		}
		f, err := os.OpenFile(config.FilePath(u), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return config.Configf("sink %s: %v", u, err)
		}
		_ = f.Close()
	}
	return nil
}
