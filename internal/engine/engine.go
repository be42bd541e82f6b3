// Package engine is docktutor's only door to a container daemon. It connects, builds (reporting a
// typed stream of events from either the legacy builder or BuildKit), measures and runs images,
// and cleans up after itself. No Docker SDK type crosses its boundary: callers see the types
// declared here, so the UI and its tests can use a fake.
package engine

import (
	"context"
	"io/fs"
	"time"

	"github.com/docktutor/docktutor/internal/inside"
)

// Labels docktutor puts on everything it creates. Clean-up only ever touches objects that carry
// LabelManaged.
const (
	LabelManaged  = "io.docktutor.managed"
	LabelLesson   = "io.docktutor.lesson"
	LabelStrategy = "io.docktutor.strategy"
	// LabelOwner says which learner made the object, as user@host, so that learners sharing
	// a daemon keep apart (lab.Owner).
	LabelOwner = "io.docktutor.owner"
	// LabelFixture marks docktutor's offline test stand-ins for the lessons' base images
	// (io.docktutor.fixture=standin, set by .ci/standins); images built on one inherit it.
	LabelFixture = "io.docktutor.fixture"
)

// Builder selects which of the daemon's builders runs a build.
type Builder string

// The builders. BuilderAuto picks BuildKit when the daemon advertises it as its default, the
// legacy builder otherwise (Docker 20.10 runs BuildKit when asked but does not advertise it, so
// auto means legacy there: what `docker build` would do on that machine).
const (
	BuilderAuto     Builder = "auto"
	BuilderBuildKit Builder = "buildkit"
	BuilderLegacy   Builder = "legacy"
	// BuilderBuildah is what Podman builds with, whichever builder a request names. It is
	// reported (BuildResult.Builder, DaemonInfo.Default), never asked for: ParseBuilder refuses it.
	BuilderBuildah Builder = "buildah"
)

// ParseBuilder turns a command-line word into a Builder.
func ParseBuilder(s string) (Builder, error) {
	switch b := Builder(s); b {
	case BuilderAuto, BuilderBuildKit, BuilderLegacy:
		return b, nil
	case "":
		return BuilderAuto, nil
	}
	return "", &UsageError{Msg: "unknown builder " + quote(s) + "; use auto, buildkit or legacy"}
}

// UsageError is an error in what the caller asked for rather than in the daemon.
type UsageError struct{ Msg string }

// Error returns the message, written for the person at the keyboard.
func (e *UsageError) Error() string { return e.Msg }

// DaemonInfo describes the daemon a Client talks to.
type DaemonInfo struct {
	Endpoint      string // e.g. unix:///var/run/docker.sock
	Context       string // the docker CLI context that chose it: "default" unless a named one did
	ServerVersion string // e.g. 20.10.24
	APIVersion    string // negotiated API version, e.g. 1.41
	OS            string // e.g. linux
	BuildKit      bool   // whether the daemon advertises BuildKit as its default builder
	// BuildKitAvailable says whether BuilderBuildKit can be asked for explicitly: true when
	// advertised, and for Linux Docker engines that do not advertise it (20.10 runs BuildKit
	// through /build without a session). False for Podman and Windows daemons.
	BuildKitAvailable bool
	Default           Builder // the builder BuilderAuto resolves to
	// Podman says the daemon is Podman's Docker-compatible service (its version names a
	// "Podman Engine" component): it builds with buildah (Default is BuilderBuildah).
	Podman bool
}

// BuildRequest is one image build.
type BuildRequest struct {
	Context    fs.FS  // the build context; .dockerignore in its root is applied here
	Dockerfile string // path of the Dockerfile inside Context; "Dockerfile" when empty
	Tag        string // e.g. docktutor/multistage:go-multistage; may be empty (untagged image)
	Target     string // optional stage to stop at
	Builder    Builder
	NoCache    bool
	Labels     map[string]string // added to the image on top of LabelManaged
	// Network is the network mode of the build's RUN steps: "" for the daemon's default,
	// "none" to cut them off (both builders honour it), or another mode `docker build
	// --network` accepts.
	Network string
	// Memory caps the memory of each RUN step's container in bytes (0: no limit). Only the
	// legacy builder honours it; BuildKit ignores it (`docker build --memory` does not apply
	// there either), so a BuildKit build is bounded by its timeout alone.
	Memory int64
}

// EventKind says what an Event reports.
type EventKind int

// The kinds of build event.
const (
	// EventStepStarted: a build step began. Step/Total/Stage/Name describe it.
	EventStepStarted EventKind = iota
	// EventLog: a line of output. Text is the line without its newline (a line rewritten with
	// carriage returns, like a progress bar, keeps only its last version); Step and the other
	// step fields describe the step it belongs to when known (Step is 0 otherwise).
	EventLog
	// EventCacheHit: the step was satisfied from the build cache.
	EventCacheHit
	// EventStepDone: the step finished (Duration is set when the builder reports it).
	EventStepDone
	// EventError: the build (or, with BuildKit, one vertex of it) failed; Text says why. Step is
	// the failing step when known.
	EventError
	// EventImageID: the build produced an image; Text is its ID ("sha256:…"). It is the last
	// event of a successful build.
	EventImageID
)

// String names the kind, for logs and tests.
func (k EventKind) String() string {
	switch k {
	case EventStepStarted:
		return "step"
	case EventLog:
		return "log"
	case EventCacheHit:
		return "cached"
	case EventStepDone:
		return "done"
	case EventError:
		return "error"
	case EventImageID:
		return "image"
	}
	return "unknown"
}

// Event is one thing a build reported.
type Event struct {
	Kind EventKind
	// Step is the step's 1-based position in the build, as the builder numbers it: the legacy
	// builder's "Step i/n" (buildah's "STEP i/n" in a single-stage build), the order in which
	// BuildKit first reported the vertex, or buildah's steps of a multi-stage build counted.
	Step int
	// Total is the number of steps when the builder says (legacy builder: n of "Step i/n";
	// buildah says it only for a single-stage build).
	Total int
	// Stage names the Dockerfile stage of the step when the builder says so: BuildKit's
	// "[build 2/4]" gives "build", "[stage-1 1/2]" gives "stage-1"; buildah's "[1/2] STEP 2/4:"
	// gives the AS name of its first stage's FROM, or "stage-0" (decode_buildah.go). Empty for
	// the legacy builder, for buildah's single-stage builds and for BuildKit's internal steps.
	Stage string
	// StageStep and StageTotal are BuildKit's "2/4" inside a stage (buildah's "STEP 2/4" of a
	// multi-stage build).
	StageStep, StageTotal int
	// Name is the step's instruction as the builder prints it, e.g. "RUN go build -o /app .",
	// without BuildKit's "[stage i/n] " prefix (that is in Stage, StageStep and StageTotal).
	// BuildKit's own bookkeeping steps keep their full name, e.g.
	// "[internal] load remote build context" or "exporting to image".
	Name string
	// Internal marks steps the learner did not write in the Dockerfile, which the UI may dim
	// or hide: BuildKit's bookkeeping (loading the context, exporting the image; their Stage is
	// empty), and the "LABEL io.docktutor.…=…" steps the legacy builder appends for the
	// build's labels. They are not counted in BuildResult.Steps.
	Internal bool
	// Text is the log line, the error message or the image ID, depending on Kind.
	Text string
	// Duration is set on EventStepDone: BuildKit's own timing of the step; for the legacy
	// builder, which reports none, the time between the step's start and end messages as
	// Client.Build received them (zero when decoding recorded bytes).
	Duration time.Duration
}

// BuildResult is what a finished build produced.
type BuildResult struct {
	ImageID     string
	Builder     Builder // the builder actually used
	Steps       int     // steps run or reused, not counting BuildKit's internal steps
	CachedSteps int     // steps satisfied from cache
	Duration    time.Duration
	// ContextBytes is the size of the build context as sent to the daemon (a tar stream,
	// after .dockerignore): what `docker build` reports as "Sending build context".
	ContextBytes int64
	// StepLog is every step the builder reported, internal ones included, in its order, with
	// its state (Steps.All): also after a failure, as far as the build got.
	StepLog []Step
	// StageImages are the untagged, unlabelled images of build stages that the legacy builder
	// made for this build and leaves behind (see StreamSummary.StageImages), also after a
	// failure. Client.RemoveStageImage removes them.
	StageImages []string
}

// ImageInfo is what docktutor measures of an image.
type ImageInfo struct {
	ID   string
	Tags []string
	// RepoDigests are the registry digests the image was pulled by ("golang@sha256:…"), what
	// `FROM golang@sha256:…` pins. An image built or loaded locally has none.
	RepoDigests []string
	Size        int64   // bytes, as `docker image inspect --format '{{.Size}}'` reports
	Layers      []Layer // the image's history, oldest (base) first; sizes add up to Size
	Entrypoint  []string
	Cmd         []string
	// User is the image's USER as written ("65532:65532", "nonroot", ""); empty means root.
	User    string
	Labels  map[string]string
	Created time.Time
	// DiffIDs are the digests of the image's filesystem layers, base first: an image built
	// FROM another starts with the other's DiffIDs.
	DiffIDs []string
}

// Layer is one entry of an image's history.
type Layer struct {
	CreatedBy string // the instruction that made it
	Size      int64
	Empty     bool // metadata-only history entries (ENV, CMD, ...) carry no filesystem layer
}

// RunRequest runs an image once and captures what it prints.
type RunRequest struct {
	Image string
	Args  []string // replaces the image's CMD when not empty
	// Entrypoint replaces the image's ENTRYPOINT when not empty: `sh` in a distroless image
	// needs it, since there the interpreter is the entrypoint and Args only feed it.
	Entrypoint []string
	Timeout    time.Duration     // 0 means DefaultRunTimeout
	Labels     map[string]string // added to the container on top of LabelManaged
	// Network is the container's network mode: "" for the daemon's default (bridge), "none" to
	// cut the container off, or any mode `docker run --network` accepts.
	Network string
	// Memory caps the container's memory in bytes (0: no limit), and PidsLimit the processes
	// it may hold at once (0: no limit): a learner's image is untrusted code on a shared
	// daemon, and a fork bomb or a runaway allocation must stay inside its container.
	Memory    int64
	PidsLimit int64
}

// DefaultRunTimeout bounds a Run whose request sets no Timeout: lesson apps print and exit, so
// anything still running after this is stuck.
const DefaultRunTimeout = 30 * time.Second

// MaxRunOutput caps RunResult.Output: a lesson app that prints without end must not fill the
// learner's memory. Output beyond it is dropped and the result says so.
const MaxRunOutput = 1 << 20

// RunResult is what a container did.
type RunResult struct {
	Output   string // stdout and stderr, interleaved as the daemon delivered them
	ExitCode int    // the process's exit status; 137 after a kill on timeout
	TimedOut bool   // the container outlived the timeout and was killed
	// Truncated says Output stopped at MaxRunOutput bytes.
	Truncated bool
	Duration  time.Duration // from start to exit
}

// ManagedImage is an image docktutor built (it carries LabelManaged).
type ManagedImage struct {
	ID      string
	Tags    []string // none for an untagged image (never "<none>:<none>")
	Size    int64
	Created time.Time
	Labels  map[string]string
}

// ManagedContainer is a container that carries LabelManaged: one docktutor created (Run and
// Contents remove theirs, so one listed here was left behind by a crash), or one the learner
// started from docktutor's image, which inherits the label (MadeByDocktutor tells them apart).
type ManagedContainer struct {
	ID      string
	Name    string
	Image   string // the image as the container was created from it: a reference or an ID
	ImageID string // the image's ID, "sha256:…"
	State   string // e.g. running, exited
	Labels  map[string]string
}

// Managed lists what docktutor has left on a daemon.
type Managed struct {
	Images     []ManagedImage
	Containers []ManagedContainer
}

// Keep is m with only the images and containers whose labels keep accepts, and how many it
// left out.
func (m Managed) Keep(keep func(labels map[string]string) bool) (Managed, int) {
	var out Managed
	left := 0
	for _, im := range m.Images {
		if keep(im.Labels) {
			out.Images = append(out.Images, im)
		} else {
			left++
		}
	}
	for _, c := range m.Containers {
		if keep(c.Labels) {
			out.Containers = append(out.Containers, c)
		} else {
			left++
		}
	}
	return out, left
}

// Engine is what the rest of docktutor needs from a daemon. Client implements it against a real
// daemon; tests use a fake.
//
// Errors say what only the engine knows — the failing step, the daemon's reason — and not the
// image or tag the caller passed in: the caller knows it, and adds it once ("build <strategy>:",
// "run <image>:").
type Engine interface {
	// Info describes the daemon; it fails with a *DaemonError when none answers.
	Info(ctx context.Context) (DaemonInfo, error)
	// Build builds an image, calling emit (from the calling goroutine) for every event as it
	// arrives. Cancelling ctx stops the build and leaves nothing behind.
	Build(ctx context.Context, req BuildRequest, emit func(Event)) (BuildResult, error)
	// Inspect measures an image.
	Inspect(ctx context.Context, ref string) (ImageInfo, error)
	// Run starts a container from an image, waits for it (at most req.Timeout), captures its
	// output and removes it.
	Run(ctx context.Context, req RunRequest) (RunResult, error)
	// Contents looks inside an image: its files, and whether a shell, a compiler, a package
	// manager or an interpreter is among them, read from the image's own filesystem (what
	// `docker export` gives for a container of it), not assumed. It leaves nothing behind.
	Contents(ctx context.Context, ref string) (inside.Report, error)
	// Probe opens ref for reading single paths cheaply (see Probe); the caller closes it.
	Probe(ctx context.Context, ref string) (Probe, error)
}

func quote(s string) string { return `"` + s + `"` }
