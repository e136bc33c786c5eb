package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"strings"
	"syscall"
	"time"
)

// unixScheme prefixes an --api-addr that names a Unix socket.
const unixScheme = "unix://"

// UnixSocketMode is the mode of the API's socket file: only the daemon's
// user may connect (the socket file's mode is the access control).
const UnixSocketMode fs.FileMode = 0o600

// maxUnixPath is the longest socket path Linux binds (sun_path holds 108
// bytes with the terminating NUL).
const maxUnixPath = 107

// UnixSocketPath returns the path of a unix:///path address and true, or
// false for any other address.
func UnixSocketPath(addr string) (string, bool) {
	if !strings.HasPrefix(addr, unixScheme) {
		return "", false
	}
	return strings.TrimPrefix(addr, unixScheme), true
}

// CheckUnixSocketPath reports a path no socket can be bound to.
func CheckUnixSocketPath(path string) error {
	switch {
	case path == "":
		return errors.New("empty socket path (want unix:///path/to/api.sock)")
	case len(path) > maxUnixPath:
		return fmt.Errorf("socket path is %d bytes, the kernel binds at most %d", len(path), maxUnixPath)
	}
	return nil
}

// Listen binds addr: a literal IP:port (port 0 picks one), or
// unix:///path (ListenUnix).
func Listen(addr string) (net.Listener, error) {
	if path, ok := UnixSocketPath(addr); ok {
		return ListenUnix(path)
	}
	return net.Listen("tcp", addr)
}

// ListenUnix binds a Unix socket at path with mode UnixSocketMode from the
// moment it exists (the mode is set on the socket before bind). A socket
// file left by a daemon that died is replaced; a socket another process
// still serves, or a file that is not a socket, is an error. Closing the
// listener removes the socket file. Its Addr reads unix:///path.
func ListenUnix(path string) (net.Listener, error) {
	if err := CheckUnixSocketPath(path); err != nil {
		return nil, err
	}
	if err := removeStaleSocket(path); err != nil {
		return nil, err
	}
	lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error {
		var chmodErr error
		if err := c.Control(func(fd uintptr) { chmodErr = syscall.Fchmod(int(fd), uint32(UnixSocketMode)) }); err != nil {
			return err
		}
		return chmodErr
	}}
	ln, err := lc.Listen(context.Background(), "unix", path)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != UnixSocketMode {
		if err := os.Chmod(path, UnixSocketMode); err != nil { // a platform that ignored the fchmod
			_ = ln.Close()
			return nil, fmt.Errorf("setting mode %o on %s: %w", UnixSocketMode, path, err)
		}
	}
	return &unixListener{Listener: ln, addr: unixAddr(path)}, nil
}

// removeStaleSocket removes a socket file at path that no process serves.
func removeStaleSocket(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("%s exists and is not a socket (not removed)", path)
	}
	conn, err := net.DialTimeout("unix", path, time.Second)
	if err == nil {
		_ = conn.Close()
		return fmt.Errorf("%s: address already in use (another process serves it)", path)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("%s: cannot tell whether another process serves it: %w", path, err)
	}
	return os.Remove(path)
}

// unixListener reports its address as unix:///path.
type unixListener struct {
	net.Listener
	addr unixAddr
}

func (l *unixListener) Addr() net.Addr { return l.addr }

type unixAddr string

func (a unixAddr) Network() string { return "unix" }
func (a unixAddr) String() string  { return unixScheme + string(a) }
