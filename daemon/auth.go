package daemon

import (
	"net/http"
	"os"

	"github.com/rsigma-connect/rsigma-connect/config"
	"github.com/rsigma-connect/rsigma-connect/server"
)

// apiHandler is what the API listener serves: the mux, behind bearer-token
// authentication when --api-token-env or --api-auth configures it
// (docs/http-api.md "Authentication"). A token variable that is unset or
// empty, an unreadable or invalid auth file: exit 3, before anything binds.
func (d *daemon) apiHandler() (http.Handler, error) {
	var (
		conf server.AuthConfig
		from string
	)
	switch {
	case d.opts.APITokenEnv != "":
		conf, from = server.AdminTokenConfig(d.opts.APITokenEnv), "--api-token-env"
	case d.opts.APIAuth != "":
		data, err := os.ReadFile(d.opts.APIAuth)
		if err != nil {
			return nil, config.Configf("--api-auth: %v", err)
		}
		if conf, err = server.ParseAuthConfig(data); err != nil {
			return nil, config.Configf("--api-auth %s: %v", d.opts.APIAuth, err)
		}
		from = "--api-auth " + d.opts.APIAuth
	default:
		return d.mux, nil
	}
	auth, warnings, err := conf.Build(os.LookupEnv)
	if err != nil {
		return nil, config.Configf("%s: %v", from, err)
	}
	for _, w := range warnings {
		d.log.Warn("API authentication: "+w, "config", from)
	}
	names := make([]string, len(conf.Tokens))
	for i, t := range conf.Tokens {
		names[i] = t.Name
	}
	d.log.Info("API authentication on", "config", from, "tokens", names)
	if _, unix := server.UnixSocketPath(d.opts.APIAddr); !unix && !d.opts.TLSEnabled() &&
		server.CheckPlaintextBind(d.opts.APIAddr, false) != nil {
		d.log.Warn("bearer tokens travel in plaintext on a non-loopback --api-addr; configure --tls-cert/--tls-key")
	}
	d.reg.MustRegister(auth.Collectors()...)
	auth.SetLogger(d.log)
	return server.Authenticate(d.mux, auth, d.mux.Routed), nil
}
