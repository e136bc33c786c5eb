package daemon

import (
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/config"
	"github.com/rsigma-connect/rsigma-connect/internal/certtest"
)

// The TLS files of an OTLP sink are read before the stream is built: a
// missing or non-PEM CA is exit 3 naming --output, the sink and the file.
func TestPreflightOTLPSinkFiles(t *testing.T) {
	dir := t.TempDir()
	ca := certtest.WriteFile(t, dir, "ca.pem", certtest.NewCA(t, "sink CA").PEM)
	notPEM := certtest.WriteFile(t, dir, "not.pem", []byte("hello"))
	for _, c := range []struct {
		name, output, want string
	}{
		{"readable CA", "otlps://127.0.0.1:4317?ca=" + ca, ""},
		{"plaintext OTLP", "otlphttp://127.0.0.1:4318", ""},
		{"missing CA", "otlps://127.0.0.1:4317?ca=" + dir + "/missing.pem", "missing.pem: no such file"},
		{"not PEM", "otlphttps://127.0.0.1:4318?ca=" + notPEM, "no PEM certificate in it"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := config.Defaults()
			o.Rules, o.Outputs, o.APIAddr = []string{"rules"}, []string{c.output}, "127.0.0.1:0"
			if err := config.Validate(o); err != nil {
				t.Fatal(err)
			}
			err := preflightOTLPSinks(o)
			switch {
			case c.want == "" && err != nil:
				t.Fatal(err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) ||
				!strings.Contains(err.Error(), "--output otlp") || config.CodeOf(err) != config.ExitConfig):
				t.Fatalf("err = %v (code %d), want exit 3 with %q", err, config.CodeOf(err), c.want)
			}
		})
	}
}
