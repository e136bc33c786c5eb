// Package fleettest generates the rules and event streams the fleet tests
// run: detection rules, correlations of every type (with a chain, a
// tumbling and a session window), and a time-ordered stream of JSON events
// over many users, hosts and addresses in which every correlation fires.
package fleettest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Rules is a rule file: six detection rules and ten correlations, one of
// each type (value_median included), a temporal_ordered one chained on the
// event_count one, a tumbling and a session window, and suppression.
const Rules = `title: Failed logon
name: failed_logon
logsource: {product: windows, service: security}
detection: {selection: {EventID: 4625}, condition: selection}
---
title: Successful logon
name: success_logon
logsource: {product: windows, service: security}
detection: {selection: {EventID: 4624}, condition: selection}
---
title: Process start
name: proc
logsource: {product: windows, category: process_creation}
detection: {selection: {EventID: 1}, condition: selection}
---
title: Network connection
name: net_conn
logsource: {product: windows, category: network_connection}
detection: {selection: {EventID: 3}, condition: selection}
---
title: File written
name: file_write
logsource: {product: windows, category: file_event}
detection: {selection: {EventID: 11}, condition: selection}
---
title: DNS query
name: dns
logsource: {product: windows, category: dns_query}
detection: {selection: {EventID: 22}, condition: selection}
---
title: Brute force
name: brute_force
correlation: {type: event_count, rules: [failed_logon], group-by: [User], timespan: 30s, condition: {gte: 4}}
---
title: Brute force then logon
name: brute_then_logon
correlation: {type: temporal_ordered, rules: [brute_force, success_logon], group-by: [User], timespan: 60s}
---
title: Password spray
name: spray
correlation: {type: value_count, rules: [failed_logon], group-by: [SrcIp], timespan: 60s, condition: {field: User, gte: 3}}
---
title: Recon burst
name: recon
correlation: {type: temporal, rules: [proc, net_conn, dns], group-by: [Host], timespan: 10s}
---
title: Exfiltration volume
name: exfil
correlation: {type: value_sum, rules: [net_conn], group-by: [Host], timespan: 30s, condition: {field: Bytes, gt: 40000}}
---
title: Large writes
name: large_writes
rsigma.window: tumbling
correlation: {type: value_avg, rules: [file_write], group-by: [User], timespan: 30s, condition: {field: Size, gte: 7000}}
---
title: Heavy talker
name: heavy_talker
correlation: {type: value_percentile, rules: [net_conn], group-by: [SrcIp], timespan: 60s, condition: {field: Bytes, percentile: 90, gte: 19000}}
---
title: Slow resolver
name: slow_resolver
rsigma.window: session
rsigma.gap: "10s"
correlation: {type: value_median, rules: [dns], group-by: [Host], timespan: 60s, condition: {field: Latency, gt: 700}}
---
title: Logon storm
name: logon_storm
rsigma.suppress: 20s
correlation: {type: event_count, rules: [success_logon], group-by: [Host], timespan: 30s, condition: {gte: 3}}
---
title: Host logon mix
name: host_mix
correlation: {type: temporal, rules: [failed_logon, success_logon, file_write], group-by: [Site, Host], timespan: 10s}
`

// Types lists the correlation types Rules covers and the titles of its
// correlations of each, for coverage checks.
var Types = map[string][]string{
	"event_count":      {"Brute force", "Logon storm"},
	"value_count":      {"Password spray"},
	"temporal":         {"Recon burst", "Host logon mix"},
	"temporal_ordered": {"Brute force then logon"},
	"value_sum":        {"Exfiltration volume"},
	"value_avg":        {"Large writes"},
	"value_percentile": {"Heavy talker"},
	"value_median":     {"Slow resolver"},
}

// Start is the event time of the first event of every stream.
var Start = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// Events returns n JSON lines, one event each, every one 10 ms after the
// one before (so n events span n/100 seconds), drawn from seed over 400
// users, 150 hosts (in 10 sites) and 200 source addresses. Each event has a unique
// string "id" (its index) so that results in refs mode name their events.
func Events(seed uint64, n int) []string {
	r := rand.New(rand.NewPCG(seed, 0xf1ee7))
	out := make([]string, 0, n)
	for i := range n {
		ts := Start.Add(time.Duration(i) * 10 * time.Millisecond).Format(time.RFC3339Nano)
		user := fmt.Sprintf("u%d", r.IntN(400))
		h := r.IntN(150)
		host, site := fmt.Sprintf("h%d", h), fmt.Sprintf("s%d", h%10)
		ip := fmt.Sprintf("10.0.%d.%d", r.IntN(4), r.IntN(50))
		var b strings.Builder
		fmt.Fprintf(&b, `{"id":"e%d","@timestamp":%q,"User":%q,"Host":%q,"Site":%q,"SrcIp":%q`, i, ts, user, host, site, ip)
		switch k := r.IntN(100); {
		case k < 14:
			b.WriteString(`,"EventID":4625`)
		case k < 24:
			b.WriteString(`,"EventID":4624`)
		case k < 36:
			b.WriteString(`,"EventID":1,"Image":"C:\\Windows\\cmd.exe"`)
		case k < 52:
			fmt.Fprintf(&b, `,"EventID":3,"Bytes":%d`, r.IntN(20000))
		case k < 64:
			fmt.Fprintf(&b, `,"EventID":11,"Size":%d`, r.IntN(10000))
		case k < 76:
			fmt.Fprintf(&b, `,"EventID":22,"Latency":%d`, r.IntN(1000))
		default:
			fmt.Fprintf(&b, `,"EventID":%d`, 4000+r.IntN(100)) // matches no rule
		}
		b.WriteString("}")
		out = append(out, b.String())
	}
	return out
}
