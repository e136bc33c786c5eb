// Command slowclients holds many connections open against a running daemon's
// API listener the way a slow or hostile client does, while probing
// /healthz on fresh connections, and prints how many of its connections the
// server has closed after -duration and how /healthz fared.
//
//	go run ./bench/slowclients -addr 127.0.0.1:9090 -n 200 -duration 30s
//
// Modes:
//
//	body    POST /api/v1/events with Content-Length 1 MiB, then one body byte a second
//	header  request headers one byte a second
//	idle    one complete GET /healthz, then nothing on the kept-alive connection
//	silent  connect and send nothing
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rsigma-connect/rsigma-connect/internal/healthprobe"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9090", "the daemon's --api-addr")
	n := flag.Int("n", 200, "connections")
	duration := flag.Duration("duration", 30*time.Second, "how long to hold them")
	mode := flag.String("mode", "body", "body | header | idle | silent")
	flag.Parse()

	var opened, dialFailed, closedByServer atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < *n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.DialTimeout("tcp", *addr, 5*time.Second)
			if err != nil {
				dialFailed.Add(1)
				return
			}
			opened.Add(1)
			defer c.Close()
			closed := make(chan struct{})
			go func() { // the server closing shows as EOF or an error on read
				_, _ = io.Copy(io.Discard, c)
				close(closed)
			}()
			if !hold(c, *mode, stop, closed) {
				closedByServer.Add(1)
			}
		}()
	}
	probe := healthprobe.Start("http://"+*addr, 500*time.Millisecond)
	time.Sleep(*duration)
	health := probe.Stop()
	close(stop)
	wg.Wait()

	fmt.Printf("mode=%s connections=%d opened=%d dial_failed=%d closed_by_server_within_%v=%d still_open=%d\n",
		*mode, *n, opened.Load(), dialFailed.Load(), *duration, closedByServer.Load(), opened.Load()-closedByServer.Load())
	fmt.Println(health)
}

// hold plays the mode on c until stop; it reports false when the server
// closed the connection first.
func hold(c net.Conn, mode string, stop, closed <-chan struct{}) bool {
	var head, trickle string
	switch mode {
	case "body":
		head = "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n"
		trickle = "{"
	case "header":
		trickle = "X"
		head = "GET /healthz HTTP/1.1\r\n"
	case "idle":
		head = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
	case "silent":
	default:
		fmt.Fprintf(os.Stderr, "unknown mode %q\n", mode)
		os.Exit(2)
	}
	if head != "" {
		if _, err := io.WriteString(c, head); err != nil {
			return false
		}
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return true
		case <-closed:
			return false
		case <-tick.C:
			if trickle != "" {
				if _, err := io.WriteString(c, trickle); err != nil {
					return false
				}
			}
		}
	}
}
