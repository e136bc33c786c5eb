package main

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/daemontest"
	"github.com/rsigma-connect/rsigma-connect/internal/fleettest"
)

// BenchmarkFleet measures a stream of b.N generated events (fleettest,
// every correlation type) through the built binary on an embedded
// JetStream: one daemon without a fleet, then fleets of 1, 2 and 3
// members with --correlation-partitions 12, each from start until every
// event is acknowledged and (fleet) every partition applied it. Besides
// events/s it reports the CPU seconds of the daemons and of this process,
// which runs the NATS server. Sub-benchmarks alternate with -count:
//
//	go test ./cmd/rsigma-connect -run '^$' -bench Fleet -benchtime 100000x -count 3
func BenchmarkFleet(b *testing.B) {
	for _, members := range []int{0, 1, 2, 3} {
		name := fmt.Sprintf("members_%d", members)
		if members == 0 {
			name = "single_daemon"
		}
		b.Run(name, func(b *testing.B) {
			r := newFleetRun(b, b.N)
			r.publish(0, b.N)
			var self0 syscall.Rusage
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self0)
			b.ResetTimer()
			start := time.Now()
			var daemons []*daemontest.Daemon
			if members == 0 {
				daemons = append(daemons, daemontest.Start(b, r.args("single")...))
				fleettest.Eventually(b, 10*time.Minute, "every event acknowledged", func() bool { return r.ackFloor("single") >= r.last })
			} else {
				for i := range members {
					daemons = append(daemons, r.member(fmt.Sprint("m", i), 5))
				}
				fleettest.Eventually(b, 10*time.Minute, "the fleet applies every event", func() bool { return r.settled(b, daemons) })
			}
			elapsed := time.Since(start)
			b.StopTimer()
			var self1 syscall.Rusage
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self1)
			stopAll(b, daemons)
			cpu := 0.0
			for _, d := range daemons {
				cpu += (d.Cmd.ProcessState.UserTime() + d.Cmd.ProcessState.SystemTime()).Seconds()
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
			b.ReportMetric(cpu, "daemon-cpu-s")
			b.ReportMetric(rusageSeconds(self1)-rusageSeconds(self0), "nats+test-cpu-s")
		})
	}
}

func rusageSeconds(r syscall.Rusage) float64 {
	return float64(r.Utime.Sec+r.Stime.Sec) + float64(r.Utime.Usec+r.Stime.Usec)/1e6
}
