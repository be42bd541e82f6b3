package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/docktutor/docktutor/internal/termtext"
)

// sshCommand is the ssh client run for ssh:// endpoints; the learner's own ssh configuration
// (keys, agent, ~/.ssh/config) applies to it, as it does to the docker CLI's.
var sshCommand = "ssh"

// sshDialer returns a dial function for an ssh://[user@]host[:port][/socket] endpoint that
// works as the docker CLI's connection helper does: every connection is a process
// `ssh … host docker system dial-stdio`, speaking the Engine API over its standard input and
// output, so the remote host needs only sshd and the docker CLI.
func sshDialer(host string) (func(ctx context.Context, network, addr string) (net.Conn, error), error) {
	u, err := url.Parse(host)
	if err != nil {
		return nil, fmt.Errorf("ssh address: %w", err)
	}
	if u.Hostname() == "" {
		return nil, errors.New("ssh address has no host name")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("ssh address may not have a query or a fragment")
	}
	var args []string
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			return nil, errors.New("ssh address with a password: use a key or an ssh agent instead")
		}
		args = append(args, "-l", u.User.Username())
	}
	if p := u.Port(); p != "" {
		args = append(args, "-p", p)
	}
	// -T: no terminal, the stream is binary; ConnectTimeout: a host that never answers fails
	// rather than hangs.
	args = append(args, "-o", "ConnectTimeout=30", "-T", "--", u.Hostname(), "docker")
	if u.Path != "" && u.Path != "/" {
		args = append(args, "--host", "unix://"+u.Path)
	}
	args = append(args, "system", "dial-stdio")
	return func(context.Context, string, string) (net.Conn, error) {
		// Not exec.CommandContext: the connection outlives the dial's context (the HTTP
		// transport keeps it for later requests); Close ends the process.
		return startCommandConn(exec.Command(sshCommand, args...), u.Host)
	}, nil
}

// commandConn is a net.Conn over a process's standard input and output.
type commandConn struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout io.ReadCloser
	stderr *syncBuffer
	remote string

	closeOnce sync.Once
	waitOnce  sync.Once
	waited    chan struct{} // closed once the process has been reaped
}

func startCommandConn(cmd *exec.Cmd, remote string) (*commandConn, error) {
	c := &commandConn{cmd: cmd, stderr: &syncBuffer{}, remote: remote, waited: make(chan struct{})}
	var err error
	if c.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	if c.stdout, err = cmd.StdoutPipe(); err != nil {
		return nil, err
	}
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	return c, nil
}

// Read reads the remote's answer. When the process ends having complained on standard error
// (ssh: connect to host … Connection refused; docker: command not found), the complaint is the
// error: a bare EOF would hide it.
func (c *commandConn) Read(p []byte) (int, error) {
	n, err := c.stdout.Read(p)
	if errors.Is(err, io.EOF) {
		return n, c.complaint(err)
	}
	return n, err
}

// Write sends the request; a process that already ended makes the write fail, and then too its
// complaint is the better error.
func (c *commandConn) Write(p []byte) (int, error) {
	n, err := c.stdin.Write(p)
	if err != nil {
		return n, c.complaint(err)
	}
	return n, nil
}

// complaint returns what the ended process said on standard error, or err when it said nothing.
// Its standard error is copied by a goroutine that finishes only when the process is reaped, so
// it waits (briefly) for that first, or the complaint may not be there yet.
func (c *commandConn) complaint(err error) error {
	c.reap()
	select {
	case <-c.waited:
	case <-time.After(2 * time.Second):
	}
	if msg := strings.TrimSpace(c.stderr.String()); msg != "" {
		return fmt.Errorf("ssh %s: %s", c.remote, termtext.LastLine(msg))
	}
	return err
}

// CloseWrite half-closes the connection, as hijacked streams expect.
func (c *commandConn) CloseWrite() error { return c.stdin.Close() }

// Close ends the process; there is nothing left to report about it by then.
func (c *commandConn) Close() error {
	c.closeOnce.Do(func() {
		_ = c.stdin.Close()
		_ = c.cmd.Process.Kill()
		c.reap()
		<-c.waited
	})
	return nil
}

// reap waits for the process in the background, once; waited closes when it is done.
func (c *commandConn) reap() {
	c.waitOnce.Do(func() {
		go func() {
			_ = c.cmd.Wait() // reaps the process, finishes copying stderr, closes stdout
			close(c.waited)
		}()
	})
}

func (c *commandConn) LocalAddr() net.Addr  { return commandAddr("docktutor") }
func (c *commandConn) RemoteAddr() net.Addr { return commandAddr(c.remote) }

// Deadlines are not supported by pipes to a process; the HTTP transport copes without them.
func (c *commandConn) SetDeadline(time.Time) error      { return nil }
func (c *commandConn) SetReadDeadline(time.Time) error  { return nil }
func (c *commandConn) SetWriteDeadline(time.Time) error { return nil }

type commandAddr string

func (a commandAddr) Network() string { return "ssh" }
func (a commandAddr) String() string  { return string(a) }

// syncBuffer is a bytes.Buffer that the process writes while Read looks.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b.Len() > 64<<10 { // a chatty remote must not fill memory; the end is what matters
		s.b.Reset()
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
