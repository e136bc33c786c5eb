package config

import (
	"time"

	"github.com/rsigma-connect/rsigma-connect/nats"
)

// natsInput is the sigma_nats_jetstream input for a nats:// --input (validated).
func natsInput(o *Options) omap {
	loc, _ := nats.ParseURL(o.Input)
	body := omap{{"url", printedServer(o, loc.Server)}, {"subject", loc.Subject}}
	if o.ConsumerGroup != "" {
		body = append(body, kv{"consumer_group", o.ConsumerGroup})
	}
	switch {
	case o.ReplayFromSequence > 0:
		body = append(body, kv{"replay_from_sequence", o.ReplayFromSequence})
	case o.ReplayFromTime != "":
		if t, err := nats.ParseReplayTime(o.ReplayFromTime); err == nil {
			body = append(body, kv{"replay_from_time", t.UTC().Format(time.RFC3339Nano)})
		}
	case o.ReplayFromLatest:
		body = append(body, kv{"replay_from_latest", true})
	}
	body = append(body, kv{"batch_size", batchSize(o)})
	body = append(body, natsSecurity(o)...)
	return omap{{nats.ComponentName, body}}
}

// natsOutput is the sigma_nats_jetstream output for a nats:// --output or --dlq.
func natsOutput(o *Options, u string) omap {
	loc, _ := nats.ParseURL(u)
	body := append(omap{{"url", printedServer(o, loc.Server)}, {"subject", loc.Subject}}, natsSecurity(o)...)
	return omap{{nats.ComponentName, body}}
}

// natsSecurity is the auth and tls blocks, with only the values that are set.
// For --print-config the secrets (token, password, nkey seed) are written as
// references to the environment variables their flags read (${NATS_TOKEN},
// ${NATS_PASSWORD}, ${NATS_NKEY}), which the framework substitutes when the
// printed config runs: a printed config never holds a secret (secrets in
// URLs: print_secrets.go). The daemon's own stream, which is never printed,
// carries the values.
func natsSecurity(o *Options) omap {
	a := NATSAuth(o)
	if o.PrintConfig {
		a.Token = secretRef(a.Token, "NATS_TOKEN")
		a.Password = secretRef(a.Password, "NATS_PASSWORD")
		a.NKeySeed = secretRef(a.NKeySeed, "NATS_NKEY")
	}
	var out omap
	var auth omap
	for _, f := range []kv{{"creds_file", a.CredsFile}, {"token", a.Token}, {"user", a.User}, {"password", a.Password}, {"nkey_seed", a.NKeySeed}} {
		if f.Value != "" {
			auth = append(auth, f)
		}
	}
	if len(auth) > 0 {
		out = append(out, kv{"auth", auth})
	}
	var tls omap
	if a.RequireTLS {
		tls = append(tls, kv{"require", true})
	}
	if a.TLSCert != "" {
		tls = append(tls, kv{"cert_file", a.TLSCert}, kv{"key_file", a.TLSKey})
	}
	if len(tls) > 0 {
		out = append(out, kv{"tls", tls})
	}
	return out
}

// secretRef is "${env}" for a set secret, "" for an unset one.
func secretRef(value, env string) string {
	if value == "" {
		return ""
	}
	return "${" + env + "}"
}
