package config

import (
	"os"
	"strings"
)

// CheckSinks opens every file sink (--output and --dlq) for appending,
// creating it if missing, so that an unwritable sink is a startup error
// (exit 3) rather than a stream of delivery failures.
func CheckSinks(o *Options) error {
	urls := append([]string{o.DLQ}, o.Outputs...)
	for _, u := range urls {
		if !strings.HasPrefix(u, "file://") {
			continue
		}
		f, err := os.OpenFile(FilePath(u), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return Configf("sink %s: %v", u, err)
		}
		_ = f.Close()
	}
	return nil
}
