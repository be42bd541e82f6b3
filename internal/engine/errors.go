package engine

import (
	"context"
	"errors"
	"io/fs"
	"strconv"
	"strings"
	"syscall"
)

// DaemonError says the daemon could not be reached or cannot serve docktutor. Its message is
// written for the learner: it names the endpoint and what to do about it.
type DaemonError struct {
	Endpoint string // e.g. unix:///var/run/docker.sock
	// Context is the docker CLI context in use ("default" unless a named one chose Endpoint);
	// empty when the error did not come from a resolved endpoint.
	Context string
	Err     error // what the client library reported
	// Hint is the learner-actionable sentence, e.g. "Docker is not running at … — start it
	// (sudo systemctl start docker, or open Docker Desktop), or set DOCKER_HOST". Error returns
	// it; the underlying cause stays available through Err and errors.Unwrap.
	Hint string
	// Problem and Fix are Hint's two halves, for screens that show them apart (docktutor
	// doctor): what is wrong, naming the endpoint and context, and the way out. Either may be
	// empty for errors made before they existed; Hint is always the whole message.
	Problem, Fix string
}

// Error returns the hint: it already names the endpoint and, for causes it does not recognise,
// the cause itself.
func (e *DaemonError) Error() string {
	if e.Hint != "" {
		return e.Hint
	}
	return "cannot use the Docker daemon at " + e.Endpoint + ": " + errString(e.Err)
}

// Unwrap returns the client library's error, so errors.Is sees context.DeadlineExceeded and
// the like through it.
func (e *DaemonError) Unwrap() error { return e.Err }

// BuildError says the builder rejected or failed a build: a bad instruction, a RUN that exited
// non-zero, a missing file. It is the learner's Dockerfile talking, not a broken daemon.
type BuildError struct {
	Step int    // the failing step when known
	Name string // its instruction when known, e.g. "RUN go build -o /app ."
	// Msg is the builder's own reason, e.g. "The command '/bin/sh -c exit 3' returned a non-zero
	// code: 3" (legacy) or "executor failed running [/bin/sh -c exit 3]: exit code: 3" (BuildKit).
	Msg string
	// Output holds the last lines the failing step printed (at most maxErrorOutput): the
	// compiler's complaint usually sits there, not in Msg.
	Output []string
}

// maxErrorOutput is how many trailing log lines of a failing step a BuildError keeps.
const maxErrorOutput = 5

// Error reads like `RUN exit 3: The command '/bin/sh -c exit 3' returned a non-zero code: 3
// (last output: "boom")`.
func (e *BuildError) Error() string {
	var b strings.Builder
	if e.Name != "" && !strings.Contains(e.Msg, e.Name) {
		b.WriteString(e.Name)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if n := len(e.Output); n > 0 {
		b.WriteString(" (last output: ")
		b.WriteString(strconv.Quote(e.Output[n-1]))
		b.WriteString(")")
	}
	return b.String()
}

// StartError says the daemon created a container but could not start its process, typically
// because the command does not exist in the image: `sh` in a distroless image.
type StartError struct {
	Image  string // the image as the RunRequest named it
	Reason string // the daemon's message
}

// Error gives the daemon's reason. It does not name the image: the caller, who chose it, does.
func (e *StartError) Error() string {
	return "cannot start the container: " + e.Reason
}

// ErrNotManaged is returned when asked to remove something docktutor did not create: clean-up
// only ever touches images carrying LabelManaged, and containers docktutor named and labelled.
var ErrNotManaged = errors.New("not created by docktutor")

// ErrImageInUse is returned when the daemon will not remove an image because a container or
// another image still uses it: nothing is wrong, it can go once they are gone.
var ErrImageInUse = errors.New("in use by a container or another image")

func errString(err error) string {
	if err == nil {
		return "unknown error"
	}
	return err.Error()
}

// explainDaemonError turns a failure to reach or use the daemon at ep into a *DaemonError a
// learner can act on: what went wrong, naming the endpoint and the context, and the way out.
// connFailed says whether the client library classed err as a connection failure; minAPI is
// the oldest API version the client library speaks.
func explainDaemonError(ep Endpoint, err error, connFailed bool, minAPI string) *DaemonError {
	de := &DaemonError{Endpoint: ep.Host, Context: ep.Context, Err: err}
	at := ep.String()
	msg := errString(err)
	switch {
	case isPermissionDenied(err):
		de.Problem = "permission denied on the Docker socket " + at + socketOwner(ep)
		de.Fix = permissionFix(ep)
	case strings.Contains(msg, "API version") && strings.Contains(msg, "not supported"):
		de.Problem = "the Docker daemon at " + at + " is too old for docktutor"
		de.Fix = "upgrade Docker (docktutor needs API " + minAPI + ", Docker 19.03, or newer)"
	case errors.Is(err, context.DeadlineExceeded):
		de.Problem = "Docker at " + at + " did not answer in time"
		de.Fix = "check that the daemon is healthy (docker info)" + switchAdvice(ep)
	case strings.HasPrefix(ep.Host, "ssh://") && (connFailed || isNotRunning(err)):
		// The ssh client's own complaint (host unknown, key refused, no docker there) is the
		// whole story: keep it.
		de.Problem = "cannot reach Docker at " + at + " over ssh: " + msg
		de.Fix = "check that docker -H " + ep.Host + " info works (the same ssh, keys and remote docker)" + switchAdvice(ep)
	case connFailed || isNotRunning(err):
		de.Problem = "Docker is not running at " + at
		if _, unix := ep.SocketPath(); !unix {
			de.Problem = "nothing answers at " + at
		}
		de.Fix = "start it (sudo systemctl start docker, or open Docker Desktop, or colima start)" +
			switchAdvice(ep) + suggestSockets(otherSockets(ep))
	default:
		de.Problem = "Docker at " + at + " did not answer: " + msg
		de.Fix = "check that the daemon is healthy (docker info)" + switchAdvice(ep)
	}
	de.Hint = de.Problem + " — " + de.Fix
	return de
}

// lostDaemonError says the daemon went away while a build was streaming: the learner should
// see a dead daemon, not a broken Dockerfile.
func lostDaemonError(ep Endpoint, err error) *DaemonError {
	de := &DaemonError{Endpoint: ep.Host, Context: ep.Context, Err: err}
	de.Problem = "the Docker daemon at " + ep.String() + " stopped answering during the build (" + errString(err) + ")"
	de.Fix = "check that it is running (docker info; sudo systemctl status docker), then build again: nothing was tagged"
	de.Hint = de.Problem + " — " + de.Fix
	return de
}

// switchAdvice is the "or use another daemon" part of a fix, worded for what chose ep.
func switchAdvice(ep Endpoint) string {
	switch ep.Source {
	case SourceDockerHost:
		return ", or correct DOCKER_HOST"
	case SourceDockerContext:
		return ", or pick another context (DOCKER_CONTEXT; docker context ls)"
	case SourceConfig:
		return ", or switch context (docker context use default; docker context ls)"
	}
	return ", or set DOCKER_HOST"
}

// permissionFix is the way out of a socket the user may not open: the docker group (whose
// members are root-equivalent on that machine, hence the rootless alternative) for the system
// socket, the user's own service for Podman.
func permissionFix(ep Endpoint) string {
	if p, _ := ep.SocketPath(); strings.Contains(p, "podman") {
		return "run Podman's socket as yourself (systemctl --user enable --now podman.socket) and set " +
			"DOCKER_HOST=unix://$XDG_RUNTIME_DIR/podman/podman.sock"
	}
	return "add yourself to the docker group (sudo usermod -aG docker $USER), then log out and back in " +
		"(or run newgrp docker); or use rootless Docker (dockerd-rootless-setuptool.sh install) with " +
		"DOCKER_HOST=unix://$XDG_RUNTIME_DIR/docker.sock"
}

// isPermissionDenied recognises EACCES from a dial, and the client library's rewording of it
// ("permission denied while trying to connect to the docker API"), which drops the cause.
func isPermissionDenied(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM) ||
		(err != nil && strings.Contains(err.Error(), "permission denied"))
}

// isNotRunning recognises the dial errors of an address where no daemon listens: no socket
// file, a stale socket file, a closed port.
func isNotRunning(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT)
}
