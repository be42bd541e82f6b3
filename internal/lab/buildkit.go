package lab

import (
	"context"
	"errors"
	"fmt"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/termtext"
)

// builderFor picks the builder for a strategy. One that only BuildKit can build (RUN --mount)
// gets BuildKit when the choice was left to docktutor (auto) and the daemon runs BuildKit
// though its default is the legacy builder, as Docker 20.10 does. Otherwise the caller's choice
// stands, and a legacy build of such a strategy fails; needsBuildKit then explains why.
func builderFor(ctx context.Context, eng engine.Engine, s *lesson.Strategy, b engine.Builder) engine.Builder {
	if b != engine.BuilderAuto && b != "" {
		return b
	}
	if _, ok := s.BuildKitOnly(); !ok {
		return b
	}
	info, err := eng.Info(ctx)
	if err != nil || !info.BuildKitAvailable {
		return b // the build itself will say what is wrong with the daemon
	}
	return engine.BuilderBuildKit
}

// NeedsBuildKitError says a strategy could not be built because its Dockerfile uses what only
// BuildKit understands and the legacy builder ran it: why, and what to do instead.
type NeedsBuildKitError struct {
	Strategy string
	Line     int    // the Dockerfile line of the instruction
	Text     string // the instruction, e.g. RUN --mount=type=cache,target=/root/.cache/pip pip install …
	Chosen   bool   // the learner asked for the legacy builder (not the daemon's lack of BuildKit)
	Err      error  // the build's error
	Said     string // what the builder said, without the strategy's name
}

// Error explains the failure in the learner's terms first, the daemon's words last.
func (e *NeedsBuildKitError) Error() string {
	fix := "This daemon offers no BuildKit to build it with (docktutor doctor lists its builders); " +
		"Docker Engine 18.09 and later have it built in."
	if e.Chosen {
		fix = "You chose the legacy builder: build this strategy with --builder buildkit (or auto)."
	}
	return fmt.Sprintf("build %s: line %d uses RUN --mount, which only BuildKit knows; the legacy builder rejects the whole Dockerfile for it. %s The builder said: %s",
		e.Strategy, e.Line, fix, termtext.Plain(e.Said))
}

// Unwrap gives the build's own error.
func (e *NeedsBuildKitError) Unwrap() error { return e.Err }

// needsBuildKit explains a failed legacy build of a strategy that only BuildKit can build; any
// other failure stays as it is.
func needsBuildKit(s *lesson.Strategy, asked engine.Builder, res Result, err error) error {
	in, ok := s.BuildKitOnly()
	if err == nil || !ok || res.Builder != string(engine.BuilderLegacy) || res.ImageID != "" || IsCanceled(err) {
		return err
	}
	said := err
	if inner := errors.Unwrap(err); inner != nil {
		said = inner // runOnce's "build <strategy>:" is said once, by Error
	}
	return &NeedsBuildKitError{Strategy: s.ID, Line: in.Line, Text: in.Text, Chosen: asked == engine.BuilderLegacy, Err: err, Said: said.Error()}
}
