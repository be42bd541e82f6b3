package engine

import (
	"errors"
	"strconv"
	"strings"
)

// DaemonError says the daemon could not be reached or cannot serve docktutor. Its message is
// written for the learner: it names the endpoint and what to do about it.
type DaemonError struct {
	Endpoint string // e.g. unix:///var/run/docker.sock
	Err      error  // what the client library reported
	// Hint is the learner-actionable sentence, e.g. "Docker is not running at … — start it
	// (sudo systemctl start docker, or open Docker Desktop), or set DOCKER_HOST". Error returns
	// it; the underlying cause stays available through Err and errors.Unwrap.
	Hint string
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
	Image  string
	Reason string // the daemon's message
}

// Error names the image and gives the daemon's reason.
func (e *StartError) Error() string {
	return "cannot start a container from " + e.Image + ": " + e.Reason
}

// ErrNotManaged is returned when asked to remove something docktutor did not create: clean-up
// only ever touches objects carrying LabelManaged.
var ErrNotManaged = errors.New("not created by docktutor (no " + LabelManaged + " label)")

func errString(err error) string {
	if err == nil {
		return "unknown error"
	}
	return err.Error()
}
