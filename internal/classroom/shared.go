package classroom

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/human"
	"github.com/docktutor/docktutor/internal/inside"
)

// Limits bound what one learner's build or container may take of a shared engine: a learner's
// Dockerfile and image are untrusted code on a daemon thirty people use.
type Limits struct {
	// Memory caps each container, and each build step's container under the legacy builder
	// (BuildKit ignores it; see engine.BuildRequest.Memory), in bytes. 0: no limit.
	Memory int64
	// Pids caps the processes a container may hold at once. 0: no limit.
	Pids int64
	// BuildTimeout stops a build that runs longer, counted from when it has its slot. 0: none.
	BuildTimeout time.Duration
	// RunTimeout stops a container that runs longer. 0: engine.DefaultRunTimeout.
	RunTimeout time.Duration
}

// DefaultLimits are the limits of a classroom engine: room for a Go or Python lesson build,
// none for a fork bomb.
func DefaultLimits() Limits {
	return Limits{Memory: 512 << 20, Pids: 256, BuildTimeout: 10 * time.Minute, RunTimeout: engine.DefaultRunTimeout}
}

// BuildTimeoutError says a build outlasted Limits.BuildTimeout and was stopped. It does not
// wrap context.DeadlineExceeded on purpose: the learner did not cancel anything, and the error
// must be shown, not taken for a cancel.
type BuildTimeoutError struct{ Limit time.Duration }

// Error says what happened, for the learner.
func (e *BuildTimeoutError) Error() string {
	return fmt.Sprintf("the build ran past %s and was stopped", e.Limit)
}

// analysesKept bounds the analyses a Shared keeps: one per strategy of the lessons the room is
// on is what it needs.
const analysesKept = 64

// Shared is one engine shared by the room: its scheduler decides whose build runs, its limits
// apply to every learner's builds and containers, and image analyses are shared between
// learners whose images hold the same layers.
type Shared struct {
	name   string
	eng    engine.Engine
	sched  *Scheduler
	limits Limits

	mu       sync.Mutex
	analyses map[string]inside.Report // by layer chain
	order    []string                 // keys of analyses, least recently used first
	flights  map[string]*flight       // analyses under way, by layer chain
}

// flight is one analysis under way; done is closed when rep and err are set.
type flight struct {
	done chan struct{}
	rep  inside.Report
	err  error
	// cancelled says the analysis stopped because its own caller gave up: those waiting on it
	// try again rather than take a cancel that is not theirs.
	cancelled bool
}

// NewShared shares eng, called name (a docker context name, as Learner.Engine shows it), with
// slots builds at a time under limits.
func NewShared(name string, eng engine.Engine, slots int, limits Limits) *Shared {
	return &Shared{
		name: name, eng: eng, sched: NewScheduler(slots), limits: limits,
		analyses: map[string]inside.Report{}, flights: map[string]*flight{},
	}
}

// Name is the engine's name.
func (s *Shared) Name() string { return s.name }

// Scheduler is the queue in front of the engine.
func (s *Shared) Scheduler() *Scheduler { return s.sched }

// For is the engine a learner's session uses.
//
// Build, Run, Contents (when the analysis is not cached) and Probe wait for a slot of the
// scheduler; a Probe holds its slot until it is closed. While a Build waits it emits EventLog
// events such as "waiting for a build slot: 2nd in queue" (from the calling goroutine, as
// engine.Engine promises), so that the learner sees their place in the build pane.
//
// onPlace, which may be nil, is told the learner's place in the queue (Scheduler.Place) on the
// calling goroutine whenever a request of theirs waits or moves, and once more when it starts or
// gives up, by when it is 0 unless another request of theirs still waits.
//
// Builds and containers get no network, the memory and process limits and the timeouts; a build
// stopped by its timeout fails with a *BuildTimeoutError, also emitted as an EventError. Info
// and Inspect pass straight through.
func (s *Shared) For(learner string, onPlace func(int)) engine.Engine {
	return &queuedEngine{shared: s, learner: learner, onPlace: onPlace}
}

// queuedEngine is one learner's view of a Shared engine.
type queuedEngine struct {
	shared  *Shared
	learner string
	onPlace func(int)
}

// wait waits for a slot, telling say (which may be nil) each place of this request and onPlace
// the learner's.
func (e *queuedEngine) wait(ctx context.Context, say func(int)) (release func(), err error) {
	sched := e.shared.sched
	waited := false
	release, err = sched.Acquire(ctx, e.learner, func(place int) {
		waited = true
		if say != nil {
			say(place)
		}
		if e.onPlace != nil {
			e.onPlace(sched.Place(e.learner))
		}
	})
	if waited && e.onPlace != nil {
		e.onPlace(sched.Place(e.learner))
	}
	return release, err
}

// Info implements engine.Engine.
func (e *queuedEngine) Info(ctx context.Context) (engine.DaemonInfo, error) {
	return e.shared.eng.Info(ctx)
}

// Inspect implements engine.Engine.
func (e *queuedEngine) Inspect(ctx context.Context, ref string) (engine.ImageInfo, error) {
	return e.shared.eng.Inspect(ctx, ref)
}

// Build implements engine.Engine: it waits for a slot, then builds without network, under the
// memory limit and the build timeout.
func (e *queuedEngine) Build(ctx context.Context, req engine.BuildRequest, emit func(engine.Event)) (engine.BuildResult, error) {
	if emit == nil {
		emit = func(engine.Event) {}
	}
	var queued time.Time
	release, err := e.wait(ctx, func(place int) {
		if queued.IsZero() {
			queued = time.Now()
		}
		emit(engine.Event{Kind: engine.EventLog, Text: "waiting for a build slot: " + human.Ordinal(place) + " in queue"})
	})
	if err != nil {
		return engine.BuildResult{Builder: req.Builder}, err
	}
	defer release()
	if !queued.IsZero() {
		emit(engine.Event{Kind: engine.EventLog, Text: "a build slot is free after " + human.Duration(time.Since(queued)) + " in the queue: building"})
	}

	lim := e.shared.limits
	req.Network = "none"
	req.Memory = tighter(req.Memory, lim.Memory)
	if lim.BuildTimeout <= 0 {
		return e.shared.eng.Build(ctx, req, emit)
	}
	timeout := &BuildTimeoutError{Limit: lim.BuildTimeout}
	bctx, cancel := context.WithTimeoutCause(ctx, lim.BuildTimeout, timeout)
	defer cancel()
	res, err := e.shared.eng.Build(bctx, req, emit)
	if err != nil && ctx.Err() == nil && context.Cause(bctx) == timeout {
		emit(engine.Event{Kind: engine.EventError, Text: timeout.Error()})
		return res, timeout
	}
	return res, err
}

// Run implements engine.Engine: it waits for a slot, then runs without network, under the
// memory and process limits and the run timeout.
func (e *queuedEngine) Run(ctx context.Context, req engine.RunRequest) (engine.RunResult, error) {
	release, err := e.wait(ctx, nil)
	if err != nil {
		return engine.RunResult{}, err
	}
	defer release()
	lim := e.shared.limits
	req.Network = "none"
	req.Memory = tighter(req.Memory, lim.Memory)
	req.PidsLimit = tighter(req.PidsLimit, lim.Pids)
	req.Timeout = tighter(req.Timeout, lim.RunTimeout)
	return e.shared.eng.Run(ctx, req)
}

// tighter is the tighter of what a request asked for and a limit, where 0 asks for nothing
// and limits nothing.
func tighter[N int64 | time.Duration](asked, limit N) N {
	if limit > 0 && (asked <= 0 || asked > limit) {
		return limit
	}
	return asked
}

// Probe implements engine.Engine: the probe holds a slot until it is closed.
func (e *queuedEngine) Probe(ctx context.Context, ref string) (engine.Probe, error) {
	release, err := e.wait(ctx, nil)
	if err != nil {
		return nil, err
	}
	p, err := e.shared.eng.Probe(ctx, ref)
	if err != nil {
		release()
		return nil, err
	}
	return &slotProbe{Probe: p, release: release}, nil
}

// slotProbe gives its slot back when it is closed.
type slotProbe struct {
	engine.Probe
	release func()
}

// Close implements engine.Probe.
func (p *slotProbe) Close() error {
	defer p.release()
	return p.Probe.Close()
}

// Contents implements engine.Engine. Analyses are kept by the image's layer chain (its DiffIDs,
// content digests): the images thirty learners build for one strategy differ in their labels,
// not their files, and share one analysis. Only an analysis not kept waits for a slot;
// concurrent requests for one chain wait for one analysis. Failures are not kept. The report
// returned may be shared with other learners: it must not be changed.
func (e *queuedEngine) Contents(ctx context.Context, ref string) (inside.Report, error) {
	info, err := e.shared.eng.Inspect(ctx, ref)
	if err != nil {
		return inside.Report{}, err
	}
	key := strings.Join(info.DiffIDs, "\n")
	s := e.shared
	for {
		s.mu.Lock()
		if rep, ok := s.analyses[key]; ok {
			s.touch(key)
			s.mu.Unlock()
			return rep, nil
		}
		f, ok := s.flights[key]
		if !ok {
			f = &flight{done: make(chan struct{})}
			s.flights[key] = f
			s.mu.Unlock()
			return e.analyse(ctx, ref, key, f)
		}
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return inside.Report{}, ctx.Err()
		case <-f.done:
		}
		if !f.cancelled {
			return f.rep, f.err
		}
	}
}

// analyse runs the analysis of flight f, keeps it under key when it succeeds, and lets those
// waiting on f go.
func (e *queuedEngine) analyse(ctx context.Context, ref, key string, f *flight) (rep inside.Report, err error) {
	s := e.shared
	defer func() {
		s.mu.Lock()
		delete(s.flights, key)
		if err == nil {
			s.keep(key, rep)
		}
		f.rep, f.err, f.cancelled = rep, err, ctx.Err() != nil
		s.mu.Unlock()
		close(f.done)
	}()
	release, err := e.wait(ctx, nil)
	if err != nil {
		return inside.Report{}, err
	}
	defer release()
	return s.eng.Contents(ctx, ref)
}

// keep stores an analysis, dropping the least recently used beyond analysesKept. s.mu is held.
func (s *Shared) keep(key string, rep inside.Report) {
	s.analyses[key] = rep
	s.touch(key)
	if len(s.order) > analysesKept {
		delete(s.analyses, s.order[0])
		s.order = s.order[1:]
	}
}

// touch makes key the most recently used analysis. s.mu is held.
func (s *Shared) touch(key string) {
	s.order = slices.DeleteFunc(s.order, func(k string) bool { return k == key })
	s.order = append(s.order, key)
}
