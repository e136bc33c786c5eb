// Package windowsmix writes a deterministic, realistic mix of Windows event
// log records (Sysmon 1/3/7/11/13/22, Security 4624/4625/4688, BITS-Client,
// PowerShell 4104, System, Application, plus a little RDP and Defender) in
// the nested EVTX JSON shape, one record per line. About 3% of the records
// carry activity that SigmaHQ rules are written to detect; the rest is the
// ordinary traffic of a Windows fleet. It exists to measure detections per
// event with and without logsource routing.
package windowsmix

import (
	"bufio"
	"encoding/json"
	"io"
	"math/rand/v2"
	"time"
)

// Kind is one kind of record of the mix.
type Kind struct {
	Name   string
	Weight int // per 1000 records
	make   func(g *gen) (header, object)
}

// Kinds lists the mix, in order, with the share of each kind.
var Kinds = []Kind{
	{"sysmon 1 process creation", 110, sysmonProcess},
	{"sysmon 3 network connection", 110, sysmonNetwork},
	{"sysmon 7 image load", 200, sysmonImageLoad},
	{"sysmon 11 file create", 90, sysmonFile},
	{"sysmon 13 registry set", 90, sysmonRegistry},
	{"sysmon 22 dns query", 80, sysmonDNS},
	{"security 4624 logon", 80, securityLogon},
	{"security 4625 failed logon", 20, securityFailedLogon},
	{"security 4688 process creation", 50, securityProcess},
	{"bits-client", 30, bitsClient},
	{"powershell 4104 script block", 40, powershellScript},
	{"system", 45, system},
	{"application", 40, application},
	{"rdp core", 10, rdpCore},
	{"defender", 5, defender},
}

// gen is the state of one generation run.
type gen struct {
	r        *rand.Rand
	at       time.Time
	recordID int
}

// pick returns one element of list.
func pick[T any](g *gen, list []T) T { return list[g.r.IntN(len(list))] }

// rare reports true for about 3% of calls: the share of records that carry
// something SigmaHQ detects.
func (g *gen) rare() bool { return g.r.IntN(100) < 3 }

// Write writes n records generated from seed to w, one compact JSON
// object per line. The same n and seed always give the same bytes.
func Write(w io.Writer, n int, seed uint64) error {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), at: time.Date(2026, 7, 28, 9, 0, 0, 0, time.UTC)}
	total := 0
	for _, k := range Kinds {
		total += k.Weight
	}
	bw := bufio.NewWriter(w)
	for i := 0; i < n; i++ {
		x := g.r.IntN(total)
		var kind Kind
		for _, kind = range Kinds {
			if x < kind.Weight {
				break
			}
			x -= kind.Weight
		}
		h, data := kind.make(g)
		if h.computer == "" {
			h.computer = pick(g, hosts)
		}
		g.recordID++
		g.at = g.at.Add(time.Duration(5+g.r.IntN(200)) * time.Millisecond)
		line, err := json.Marshal(record(h, g.at, g.recordID, data))
		if err != nil {
			return err
		}
		bw.Write(line)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
