// Package command runs the external programs of command sources and command
// enrichers: an argv list without a shell, in a process group of its own,
// bounded in time by a context and in memory by Limits.
package command

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// Limits bound what Run keeps of a command's output.
type Limits struct {
	Stdout int64 // stdout bytes kept; the rest is read and dropped (Output.Overflow)
	Stderr int64 // stderr bytes kept for error messages; the rest is dropped
}

// Output is what a command wrote, cut to its Limits.
type Output struct {
	Stdout   []byte
	Stderr   []byte
	Overflow bool // stdout exceeded Limits.Stdout
}

// Run runs argv (env nil: this process's environment) in a new process
// group and returns once the command has exited and closed its stdout and
// stderr, or once ctx ends, whichever comes first.
//
// When ctx ends first, Run kills the whole process group, stops reading and
// returns an error wrapping ctx.Err() (context.DeadlineExceeded for a
// timeout). That holds even when the command itself had exited: a background
// child that still holds stdout means the output may be incomplete, so the
// run is a failure, never a success that arrives late. A non-zero exit
// returns an *exec.ExitError. Output holds what was read in every case.
// Without a deadline or cancellation on ctx, Run waits as long as the
// command's output stays open.
func Run(ctx context.Context, argv []string, env []string, lim Limits) (Output, error) {
	if len(argv) == 0 || argv[0] == "" {
		return Output{}, errors.New("command: empty argv")
	}
	if err := ctx.Err(); err != nil {
		return Output{}, err
	}
	stdout, stderr := &capped{max: lim.Stdout}, &capped{max: lim.Stderr}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	outR, errR, err := startPiped(cmd)
	if err != nil {
		return Output{}, err
	}
	defer outR.Close()
	defer errR.Close()
	// Our own pipes, not exec's copying goroutines: exec.Cmd.Wait would block
	// on a pipe that a background child holds, and its WaitDelay timer starts
	// at the leader's exit, not at our deadline.
	var reading sync.WaitGroup
	reading.Go(func() { _, _ = io.Copy(stdout, outR) })
	reading.Go(func() { _, _ = io.Copy(stderr, errR) })
	stop := context.AfterFunc(ctx, func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the group: leader and children
		_ = cmd.Process.Kill()                              // the leader, should it have left the group
		now := time.Now()
		_ = outR.SetReadDeadline(now) // a child outside the group may still hold the pipes
		_ = errR.SetReadDeadline(now)
	})
	waitErr := cmd.Wait()
	reading.Wait()
	out := Output{Stdout: stdout.buf, Stderr: stderr.buf, Overflow: stdout.over}
	if !stop() {
		return out, fmt.Errorf("%s: %w", argv[0], ctx.Err())
	}
	return out, waitErr
}

// startPiped starts cmd with stdout and stderr on fresh pipes and returns
// their read ends; the write ends are closed here, so the reads end when
// every process holding them has exited.
func startPiped(cmd *exec.Cmd) (outR, errR *os.File, err error) {
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return nil, nil, err
	}
	cmd.Stdout, cmd.Stderr = outW, errW
	err = cmd.Start()
	outW.Close()
	errW.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		return nil, nil, err
	}
	return outR, errR, nil
}

// capped keeps the first max bytes written and records whether more came.
type capped struct {
	buf  []byte
	max  int64
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - int64(len(c.buf)); int64(len(p)) > room {
		c.over = true
		if room > 0 {
			c.buf = append(c.buf, p[:room]...)
		}
		return len(p), nil
	}
	c.buf = append(c.buf, p...)
	return len(p), nil
}
