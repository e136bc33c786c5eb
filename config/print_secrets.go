package config

import (
	"strings"

	"github.com/rsigma-connect/rsigma-connect/internal/redact"
)

// A printed config (--print-config) holds no secret: each one is written as a
// reference to the environment variable its flag reads, which the framework
// substitutes when the printed config runs. A secret inside a nats:// URL is
// written the same way: nats://alice:${NATS_PASSWORD}@host:4222 for a
// password, nats://${NATS_TOKEN}@host:4222 for a token (a user name without
// a password, as NATS reads it). The variable then holds the secret as it is
// written in the URL.

// urlSecret is where a nats:// URL holds its secret and the variable it is
// printed as; ok is false for a URL without userinfo.
func urlSecret(u string) (start, end int, env string, ok bool) {
	start, end, ok = redact.Userinfo(u)
	if !ok {
		return 0, 0, "", false
	}
	if colon := strings.IndexByte(u[start:end], ':'); colon >= 0 {
		return start + colon + 1, end, "NATS_PASSWORD", true
	}
	return start, end, "NATS_TOKEN", true
}

// printedServer is a nats:// server URL as a printed config writes it.
func printedServer(o *Options, server string) string {
	if !o.PrintConfig {
		return server
	}
	start, end, env, ok := urlSecret(server)
	if !ok {
		return server
	}
	return server[:start] + "${" + env + "}" + server[end:]
}

// checkPrintedSecrets makes sure that, in a printed config, each variable
// stands for one secret: two NATS URLs with different passwords, or a URL
// password other than --nats-password, cannot both be read from
// ${NATS_PASSWORD} (likewise tokens and ${NATS_TOKEN}).
func checkPrintedSecrets(o *Options) error {
	type origin struct{ value, from string }
	seen := map[string]origin{}
	check := func(env, value, from string) error {
		if value == "" {
			return nil
		}
		prev, ok := seen[env]
		if !ok {
			seen[env] = origin{value, from}
			return nil
		}
		if prev.value != value {
			return Configf("--print-config: %s and %s hold different secrets, which the printed config would both read from ${%s}; give one credential for all NATS URLs",
				prev.from, from, env)
		}
		return nil
	}
	if err := check("NATS_TOKEN", o.NATSToken, "--nats-token (or NATS_TOKEN)"); err != nil {
		return err
	}
	if err := check("NATS_PASSWORD", o.NATSPassword, "--nats-password (or NATS_PASSWORD)"); err != nil {
		return err
	}
	for _, u := range append([]NATSSink{{"--input", o.Input}}, NATSSinks(o)...) {
		if !IsNATS(u.URL) {
			continue
		}
		if start, end, env, ok := urlSecret(u.URL); ok {
			if err := check(env, u.URL[start:end], u.Flag+" "+redact.URL(u.URL)); err != nil {
				return err
			}
		}
	}
	return nil
}
