package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/rsigma-connect/rsigma-connect/config"
	"github.com/rsigma-connect/rsigma-connect/daemon"
)

// explainCommand is `engine explain`.
func explainCommand() *cli.Command {
	return &cli.Command{
		Name:      "explain",
		Usage:     "Explain why each Sigma rule does or does not match the events on stdin",
		UsageText: "rsigma-connect engine explain -r RULES [-p PIPELINE …] [--rule ID] [--json] < event.json",
		Description: "Reads one JSON event (or one event per line), loads the rules as `engine daemon` would and\n" +
			"writes, per event and rule: the verdict, the candidate index's decision, the conditions, and per\n" +
			"selection and item the field, modifiers, the rule's values and the event's value; then the\n" +
			"correlation lateness of the event. Exit codes: 0 done, 2 rules could not be loaded, 3 usage error.",
		Flags: config.ExplainFlags(),
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return config.Configf("%v", err)
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return config.Configf("unexpected argument %q", c.Args().First())
			}
			err := daemon.Explain(c.Context, config.ExplainFromContext(c), os.Stdin, os.Stdout, daemon.NewLogger(os.Stderr))
			if err != nil {
				return &config.ExitError{Code: config.CodeOf(err), Err: fmt.Errorf("error: %w", err)}
			}
			return nil
		},
	}
}
