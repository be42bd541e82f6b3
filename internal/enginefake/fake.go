// Package enginefake is an in-memory engine.Engine for tests of everything above the engine: it
// "builds" by replaying a few events, reports sizes it was given, and can be told to fail or to
// hang until cancelled.
package enginefake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"sync"
	"time"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/inside"
)

// Engine is a fake daemon. The zero value builds everything instantly with a size of 1 MB.
type Engine struct {
	// Sizes maps a tag to the size Inspect reports.
	Sizes map[string]int64
	// Output maps a tag to what Run prints; by default it prints Default.
	Output map[string]string
	// DefaultOutput is printed by Run for tags not in Output.
	DefaultOutput string
	// Fail maps a tag to the build error message it fails with.
	Fail map[string]string
	// Hang makes Build block until its context is cancelled.
	Hang bool
	// Inside maps a tag to what Contents reports; other tags get DefaultContents.
	Inside map[string]inside.Report
	// ImageLabels are added to every image's labels, as a base image's are inherited (e.g.
	// engine.LabelFixture, for a stand-in base).
	ImageLabels map[string]string
	// RepoDigests maps a reference to the RepoDigests Inspect reports for it, as for an image
	// pulled from a registry; others have none (built or loaded locally).
	RepoDigests map[string][]string
	// Info is what Info returns.
	DaemonInfo engine.DaemonInfo
	// StageImages maps a tag to the IDs of the stage images its build reports leaving behind,
	// as the legacy builder's multi-stage builds do.
	StageImages map[string][]string
	// Users maps a tag to the user Inspect reports (empty: root).
	Users map[string]string
	// LayerLists maps a tag to what Layers reports, and Inspect's DiffIDs; other tags get one
	// layer holding /app.
	LayerLists map[string][]engine.LayerContents
	// ContentsErr and ListErr, when set, are what Contents and ListManaged fail with.
	ContentsErr, ListErr error
	// FileData maps a tag to the bytes of files Probe.ReadFile returns, by absolute path;
	// Probe.Stat describes paths from the same report Contents gives (Inside or
	// DefaultContents).
	FileData map[string]map[string][]byte
	// Runs records every RunRequest, in order, so tests can check the limits a caller set.
	Runs []engine.RunRequest
	// Probes counts the probes opened and OpenProbes those not closed yet.
	Probes, OpenProbes int
	// Local, Remote and Unreachable play images and registries for the kit (kit.go): the
	// images on the daemon by name, the names registries serve, and the registry hosts that
	// do not answer.
	Local       map[string]engine.ImageStatus
	Remote      map[string]bool
	Unreachable map[string]bool

	mu     sync.Mutex
	builds []string
	cached map[string]bool
	logs   int
	ids    map[string]string            // image ID -> the tag it was built as
	labels map[string]map[string]string // tag -> the labels of the image built under it
}

// New returns a fake with the given sizes.
func New(sizes map[string]int64) *Engine {
	return &Engine{Sizes: sizes, DaemonInfo: engine.DaemonInfo{
		Endpoint: "unix:///fake.sock", Context: "default", ServerVersion: "fake", APIVersion: "1.41", OS: "linux", Default: engine.BuilderLegacy,
	}}
}

// SetLogLines makes every build print n extra log lines.
func (e *Engine) SetLogLines(n int) { e.mu.Lock(); e.logs = n; e.mu.Unlock() }

// Builds lists the tags built so far, in order.
func (e *Engine) Builds() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.builds...)
}

// Info implements engine.Engine.
func (e *Engine) Info(context.Context) (engine.DaemonInfo, error) { return e.DaemonInfo, nil }

// Build implements engine.Engine: three steps, the second a cache hit on rebuilds.
func (e *Engine) Build(ctx context.Context, req engine.BuildRequest, emit func(engine.Event)) (res engine.BuildResult, err error) {
	e.mu.Lock()
	e.builds = append(e.builds, req.Tag)
	if e.cached == nil {
		e.cached = map[string]bool{}
	}
	cached := e.cached[req.Tag] && !req.NoCache
	e.cached[req.Tag] = true
	logs := e.logs
	e.mu.Unlock()

	b := req.Builder
	if b == engine.BuilderAuto || b == "" {
		b = engine.BuilderLegacy
	}
	res = engine.BuildResult{Builder: b}
	if req.Context != nil {
		res.ContextBytes, _ = engine.ContextSize(req.Context, req.Dockerfile)
	}
	var record engine.Steps
	defer func() {
		res.StepLog = record.All()
		res.Steps, res.CachedSteps = record.Counts()
	}()
	emit = recording(&record, emit)
	steps := []string{"FROM base", "COPY app /app", "RUN make"}
	for i, name := range steps {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		emit(engine.Event{Kind: engine.EventStepStarted, Step: i + 1, Total: len(steps), Name: name})
		if cached && i > 0 {
			emit(engine.Event{Kind: engine.EventCacheHit, Step: i + 1, Total: len(steps), Name: name})
		} else {
			emit(engine.Event{Kind: engine.EventLog, Step: i + 1, Text: "working on " + name})
		}
		emit(engine.Event{Kind: engine.EventStepDone, Step: i + 1, Total: len(steps), Name: name})
	}
	for i := 0; i < logs; i++ {
		emit(engine.Event{Kind: engine.EventLog, Step: 3, Text: fmt.Sprintf("log line %d", i)})
	}
	res.StageImages = e.StageImages[req.Tag]
	if e.Hang {
		<-ctx.Done()
		return res, ctx.Err()
	}
	if msg, ok := e.Fail[req.Tag]; ok {
		emit(engine.Event{Kind: engine.EventError, Text: msg})
		return res, errors.New(msg)
	}
	res.ImageID = imageID(req.Tag)
	e.mu.Lock()
	if e.ids == nil {
		e.ids, e.labels = map[string]string{}, map[string]map[string]string{}
	}
	e.ids[res.ImageID] = req.Tag
	e.labels[req.Tag] = maps.Clone(req.Labels)
	e.mu.Unlock()
	res.Duration = 1500 * time.Millisecond
	emit(engine.Event{Kind: engine.EventImageID, Text: res.ImageID})
	return res, nil
}

// recording records every event in steps before handing it to emit, as the real decoder does.
func recording(steps *engine.Steps, emit func(engine.Event)) func(engine.Event) {
	return func(ev engine.Event) {
		steps.Observe(ev)
		if emit != nil {
			emit(ev)
		}
	}
}

// imageID is the ID of the fake image built as tag: one tag, one ID, as a rebuild from cache
// gives.
func imageID(tag string) string {
	sum := sha256.Sum256([]byte(tag))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// resolve turns an image ID the fake built into the tag it was built as; other references
// are taken as tags.
func (e *Engine) resolve(ref string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if tag, ok := e.ids[ref]; ok {
		return tag
	}
	return ref
}

// Inspect implements engine.Engine. Any tag inspects, built or not; a built one reports the
// labels it was built with.
func (e *Engine) Inspect(_ context.Context, ref string) (engine.ImageInfo, error) {
	tag := e.resolve(ref)
	size, ok := e.Sizes[tag]
	if !ok {
		size = 1_000_000
	}
	e.mu.Lock()
	labels := maps.Clone(e.labels[tag])
	e.mu.Unlock()
	if len(e.ImageLabels) > 0 {
		if labels == nil {
			labels = map[string]string{}
		}
		maps.Copy(labels, e.ImageLabels)
	}
	diffIDs := []string{imageID(tag + "#layer")}
	if l, ok := e.LayerLists[tag]; ok {
		diffIDs = diffIDs[:0]
		for _, lc := range l {
			diffIDs = append(diffIDs, lc.DiffID)
		}
	}
	return engine.ImageInfo{ID: imageID(tag), Tags: []string{tag}, RepoDigests: e.RepoDigests[ref], Size: size, Labels: labels, User: e.Users[tag],
		Layers:  []engine.Layer{{CreatedBy: "FROM base", Size: size}, {CreatedBy: "CMD", Empty: true}},
		DiffIDs: diffIDs}, nil
}

// Layers is engine.Client.Layers: what LayerLists gives for the tag, else one layer (the
// DiffID Inspect reports) holding /app.
func (e *Engine) Layers(ctx context.Context, ref string) ([]engine.LayerContents, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tag := e.resolve(ref)
	if l, ok := e.LayerLists[tag]; ok {
		return l, nil
	}
	return []engine.LayerContents{{DiffID: imageID(tag + "#layer"), CreatedBy: "FROM base", Files: []string{"/app"}}}, nil
}

// Run implements engine.Engine.
func (e *Engine) Run(_ context.Context, req engine.RunRequest) (engine.RunResult, error) {
	e.mu.Lock()
	e.Runs = append(e.Runs, req)
	e.mu.Unlock()
	out, ok := e.Output[e.resolve(req.Image)]
	if !ok {
		out = e.DefaultOutput
	}
	return engine.RunResult{Output: out, Duration: 100 * time.Millisecond}, nil
}

// Contents implements engine.Engine: the report Inside gives for the tag, else
// DefaultContents of the tag's size.
func (e *Engine) Contents(ctx context.Context, ref string) (inside.Report, error) {
	if err := ctx.Err(); err != nil {
		return inside.Report{}, fmt.Errorf("contents of %s: %w", ref, err)
	}
	e.mu.Lock()
	failure := e.ContentsErr
	e.mu.Unlock()
	if failure != nil {
		return inside.Report{}, failure
	}
	ref = e.resolve(ref)
	if r, ok := e.Inside[ref]; ok {
		return r, nil
	}
	size, ok := e.Sizes[ref]
	if !ok {
		size = 1_000_000
	}
	return DefaultContents(size), nil
}

// ListManaged lists the images the fake built, with their tags and labels, as the real
// engine lists the images that carry docktutor's label.
func (e *Engine) ListManaged(ctx context.Context) (engine.Managed, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ListErr != nil {
		return engine.Managed{}, e.ListErr
	}
	var m engine.Managed
	for id, tag := range e.ids {
		labels := maps.Clone(e.labels[tag])
		if labels == nil {
			labels = map[string]string{}
		}
		labels[engine.LabelManaged] = "true"
		m.Images = append(m.Images, engine.ManagedImage{ID: id, Tags: []string{tag}, Size: e.Sizes[tag], Labels: labels})
	}
	return m, ctx.Err()
}

// SetFailures sets ContentsErr and ListErr while builds may be reading them.
func (e *Engine) SetFailures(contents, list error) {
	e.mu.Lock()
	e.ContentsErr, e.ListErr = contents, list
	e.mu.Unlock()
}

// DefaultContents is a plausible shipped image of size bytes: one static binary, the files a
// distroless base gives it, and no shell, compiler or package manager.
func DefaultContents(size int64) inside.Report {
	const certs, passwd = 200_000, 150
	return inside.FromEntries([]inside.Entry{
		{Path: "/app", Kind: inside.KindFile, Size: max(size-certs-passwd, 0), Mode: 0o755},
		{Path: "/etc", Kind: inside.KindDir, Mode: 0o755},
		{Path: "/etc/passwd", Kind: inside.KindFile, Size: passwd, Mode: 0o644},
		{Path: "/etc/ssl/certs/ca-certificates.crt", Kind: inside.KindFile, Size: certs, Mode: 0o644},
		{Path: "/tmp", Kind: inside.KindDir, Mode: 0o777 | fs.ModeSticky},
	})
}
