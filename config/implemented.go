package config

import (
	"sort"
	"strings"
)

// implemented lists the flags that have an effect. A flag that is accepted
// but not implemented yet is refused with exit 3 rather than ignored.
// Feature work adds its flags here when it wires them.
var implemented = map[string]bool{
	"rules": true, "strict-rules": true, "input": true, "input-format": true, "output": true, "dlq": true,
	"include-event": true, "pretty": true, "sink-retry-max": true, "sink-backoff-base-ms": true, "sink-backoff-max-ms": true, "api-addr": true, "allow-plaintext": true, "api-token-env": true, "api-auth": true,
	"tls-cert": true, "tls-key": true, "tls-key-password": true, "tls-client-ca": true, "tls-min-version": true,
	"suppress": true, "action": true, "no-detections": true, "correlation-event-mode": true,
	"max-correlation-events": true, "timestamp-field": true, "timestamp-fallback": true,
	"state-db": true, "state-save-interval": true, "clear-state": true, "keep-state": true,
	"pipeline": true, "source": true, "allow-remote-include": true, "enrichers": true,
	"buffer-size": true, "bloom-prefilter": true, "bloom-max-bytes": true, "cross-rule-ac": true, "batch-size": true, "drain-timeout": true, "print-config": true,
}

// checkImplemented returns a configuration error naming the first given flag
// (in alphabetical order) that is not implemented yet.
func checkImplemented(o *Options) error {
	var missing []string
	for name := range o.given {
		if !implemented[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sort.Strings(missing)
	return Configf("not implemented yet: --%s", strings.Join(missing, ", --"))
}
