// Command rsigma-connect is a stream-processor CLI (run, lint, list, echo, …)
// with the `sigma` processor built in, plus `engine daemon`, a flag-compatible
// replacement for `rsigma engine daemon`.
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"

	_ "github.com/redpanda-data/benthos/v4/public/components/io"
	_ "github.com/redpanda-data/benthos/v4/public/components/pure"
	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/urfave/cli/v2"

	"github.com/rsigma-connect/rsigma-connect/config"
	"github.com/rsigma-connect/rsigma-connect/daemon"
	"github.com/rsigma-connect/rsigma-connect/fleet/correlate"
	"github.com/rsigma-connect/rsigma-connect/fleet/natsfleet"
	_ "github.com/rsigma-connect/rsigma-connect/processor" // registers sigma and sigma_dlq_entry
)

// Set at build time with -ldflags "-X main.version=… -X main.date=…".
var (
	version = "dev"
	date    = "unknown"
)

func main() {
	// Heap profiling samples every 512 KiB allocated by default, and its
	// buckets take ~1.5 MB of a daemon's RSS after loading a large corpus.
	// GODEBUG=memprofilerate=N turns it back on.
	if !strings.Contains(os.Getenv("GODEBUG"), "memprofilerate") {
		runtime.MemProfileRate = 0
	}
	hub, err := daemon.RegisterForRun(service.GlobalEnvironment())
	if err != nil {
		fmt.Fprintln(os.Stderr, "error: registering components:", err)
		os.Exit(1)
	}
	if len(os.Args) > 1 && (os.Args[1] == "run" || os.Args[1] == "streams") {
		// SIGHUP reloads the rules of the stream's sigma processors, as in
		// the daemon (which has its own reload and never reaches this).
		daemon.ReloadOnSIGHUP(context.Background(), hub)
	}
	// Fleet correlation: stage 2 and the JetStream transport.
	if err := correlate.Register(service.GlobalEnvironment()); err != nil {
		panic(err)
	}
	if err := natsfleet.Register(service.GlobalEnvironment(), nil); err != nil {
		panic(err)
	}
	service.RunCLI(context.Background(),
		service.CLIOptSetBinaryName("rsigma-connect"),
		service.CLIOptSetProductName("rsigma-connect"),
		service.CLIOptSetVersion(version, date),
		service.CLIOptSetDocumentationURL("https://github.com/rsigma-connect/rsigma-connect"),
		service.CLIOptAddCommand(engineCommand()),
	)
}

// engineCommand is `engine daemon` and `engine explain` (explain.go).
func engineCommand() *cli.Command {
	return &cli.Command{
		Name:  "engine",
		Usage: "Sigma engine commands",
		Subcommands: []*cli.Command{{
			Name:  "daemon",
			Usage: "Evaluate Sigma rules against a live event stream (flag-compatible with `rsigma engine daemon`)",
			Description: "Translates the flags into a stream configuration (see --print-config) and runs it.\n" +
				"Exit codes: 0 normal shutdown, 2 rules could not be loaded, 3 configuration error.",
			Flags: config.Flags(),
			OnUsageError: func(_ *cli.Context, err error, _ bool) error {
				return config.UsageError(err)
			},
			Action: func(c *cli.Context) error {
				if c.NArg() > 0 {
					return config.Configf("unexpected argument %q", c.Args().First())
				}
				err := daemon.Run(c.Context, config.FromContext(c), os.Stdout)
				if err != nil {
					return &config.ExitError{Code: config.CodeOf(err), Err: fmt.Errorf("error: %w", err)}
				}
				return nil
			},
		}, explainCommand()},
	}
}
