package stagegraph

import (
	"strings"

	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/engine"
)

// State is where a stage is in a build.
type State int

// The states of a stage.
const (
	// Waiting: the build has not reached the stage yet.
	Waiting State = iota
	// Building: a step of the stage is running.
	Building
	// Cached: the stage finished and every step that could come from the cache did.
	Cached
	// Done: the stage finished and ran at least one step.
	Done
	// Failed: a step of the stage failed.
	Failed
	// Skipped: the build ended without building the stage — BuildKit leaves out what the
	// target does not need, the legacy builder stops at the target, and a failure stops
	// everything still under way.
	Skipped
	numStates
)

// String names the state, for logs and tests.
func (s State) String() string {
	switch s {
	case Waiting:
		return "waiting"
	case Building:
		return "building"
	case Cached:
		return "cached"
	case Done:
		return "done"
	case Failed:
		return "failed"
	case Skipped:
		return "skipped"
	}
	return "unknown"
}

// Tracker turns a build's events into the state of each stage of its Dockerfile, for either
// builder. It reads the state of each step from the build's engine.Steps, the one record of
// step state, and keeps only what is about stages: which stage each step belongs to and how
// far each stage is.
//
// The legacy builder numbers every instruction ("Step 3/7 : FROM alpine:3.22 AS runtime") and
// names no stage; engine.Steps numbers its stages by counting FROM steps (a step with no
// instruction text is placed by its number instead), and the legacy builder builds every stage up to the
// target, needed or not. BuildKit names the stage of each step ("[build 2/4] RUN …"), runs
// stages in parallel and skips the stages the target does not need; its internal steps name no
// stage and are ignored. Buildah (Podman) numbers a single-stage build as the legacy builder
// does, and a multi-stage one per stage under the stage's name, as BuildKit does; it skips the
// stages the target does not need and builds the others one after another, so it is tracked
// as whichever of the two its events look like. Call Finish when the build ends so that
// stages never built read as skipped.
//
// A Tracker belongs to one build. Feed each event to the build's Steps first, then to Observe.
// Its methods are not safe for concurrent use; in a Bubble Tea program, feed it from Update.
type Tracker struct {
	g       *dockerfile.Graph
	steps   *engine.Steps
	states  []State
	totals  []int          // BuildKit's n of "i/n" for each stage
	builder engine.Builder // detected from the events; empty until the first step

	stepStage map[int]int // engine step number → stage
	failed    bool
	revision  int // counts the changes, for drawings cached by it
}

// NewTracker returns a tracker for a build of g.Target whose steps are recorded in steps, every
// stage waiting.
func NewTracker(g *dockerfile.Graph, steps *engine.Steps) *Tracker {
	return &Tracker{
		g:         g,
		steps:     steps,
		states:    make([]State, len(g.Stages)),
		totals:    make([]int, len(g.Stages)),
		stepStage: map[int]int{},
	}
}

// Builder is the builder the events came from, or "" before the first step.
func (t *Tracker) Builder() engine.Builder { return t.builder }

// State returns the state of stage i (Waiting for an index out of range).
func (t *Tracker) State(i int) State {
	if i < 0 || i >= len(t.states) {
		return Waiting
	}
	return t.states[i]
}

// States returns a copy of every stage's state, keyed by stage index, as Render takes it.
func (t *Tracker) States() map[int]State {
	out := make(map[int]State, len(t.states))
	for i, s := range t.states {
		out[i] = s
	}
	return out
}

// Revision counts the events and ends the tracker has seen: a drawing of its states made at
// one revision is still right while it has not moved.
func (t *Tracker) Revision() int { return t.revision }

// Observe takes one build event, already recorded in the tracker's Steps.
func (t *Tracker) Observe(ev engine.Event) {
	t.revision++
	if t.builder == "" && ev.Kind == engine.EventStepStarted {
		switch {
		case ev.Stage != "" || ev.StageTotal > 0:
			t.builder = engine.BuilderBuildKit
		case ev.Total > 0:
			t.builder = engine.BuilderLegacy
		}
	}
	stage := t.stageOf(ev)
	switch ev.Kind {
	case engine.EventStepStarted:
		if stage < 0 {
			return
		}
		if t.builder == engine.BuilderLegacy {
			// The legacy builder runs one step at a time: a new stage ends the others.
			for i, s := range t.states {
				if s == Building && i != stage {
					t.finishStage(i)
				}
			}
		}
		if t.states[stage] == Waiting || t.states[stage] == Skipped {
			t.states[stage] = Building
		}
		if ev.StageTotal > 0 {
			t.totals[stage] = ev.StageTotal
		}
	case engine.EventCacheHit, engine.EventStepDone:
		if stage >= 0 {
			t.stepFinished(stage, ev)
		}
	case engine.EventError:
		t.failed = true
		if stage >= 0 && t.states[stage] != Done && t.states[stage] != Cached {
			t.states[stage] = Failed
			return
		}
		for i, s := range t.states { // an error no step claims fails what was running
			if s == Building {
				t.states[i] = Failed
			}
		}
	}
}

// Cancel ends a build the learner cancelled: what was building or waiting reads as skipped,
// not failed, and what finished stays as it was.
func (t *Tracker) Cancel() {
	t.failed = true // stops Finish from calling a running stage failed
	t.Finish(false)
}

// Finish ends the build: ok tells whether it succeeded. Stages still building finish (or, after
// a failure, read as skipped: another stage's error stopped them); stages never reached read as
// skipped, except stages BuildKit built without printing a step (a stage of only ENV, CMD and
// the like, FROM scratch or FROM another stage), which a successful build needed and so built.
func (t *Tracker) Finish(ok bool) {
	t.revision++
	for i, s := range t.states {
		switch s {
		case Building:
			if ok {
				t.finishStage(i)
			} else if t.failed {
				t.states[i] = Skipped
			} else {
				t.states[i] = Failed
			}
		case Waiting:
			if ok && t.builtSilently(i) {
				t.states[i] = Done
			} else {
				t.states[i] = Skipped
			}
		}
	}
}

// builtSilently reports whether a successful build made stage i without reporting a step.
func (t *Tracker) builtSilently(i int) bool {
	if t.builder == engine.BuilderLegacy {
		return false // the legacy builder prints every FROM
	}
	return t.g.Stages[i].Needed
}

// stageOf finds the stage an event belongs to, or -1.
func (t *Tracker) stageOf(ev engine.Event) int {
	if i, ok := t.stepStage[ev.Step]; ok && ev.Step > 0 {
		return i
	}
	i := -1
	switch {
	case ev.Stage != "":
		name := ev.Stage
		if f := strings.Fields(name); len(f) > 1 {
			name = f[len(f)-1] // "[linux/arm64 build 1/2]" on multi-platform builds
		}
		i = t.g.StageByProgressName(name)
	case ev.StageTotal > 0: // "[1/3] RUN …": BuildKit names no stage when there is one
		i = t.g.StageByProgressName("")
	case t.builder == engine.BuilderLegacy && ev.Kind == engine.EventStepStarted:
		st, ok := t.steps.Find(ev.Step)
		switch {
		case !ok:
		case st.Name == "":
			i = t.g.LegacyStage(ev.Step)
		default:
			i = st.StageNumber
		}
		if i >= len(t.states) {
			i = -1
		}
	}
	if ev.Step > 0 && i >= 0 {
		t.stepStage[ev.Step] = i
	}
	return i
}

// stageSteps counts the steps of stage i that could have come from the cache (all but FROM:
// a base image is pulled or reused, never "cached", and the builder's own steps: buildah
// reruns the LABEL steps of the build's labels every time), those that did, and with BuildKit
// the steps that finished.
func (t *Tracker) stageSteps(i int) (counted, cached, finished int) {
	for _, st := range t.steps.All() {
		if s, ok := t.stepStage[st.Step]; !ok || s != i {
			continue
		}
		if st.State == engine.StepCached || st.State == engine.StepDone {
			finished++
		}
		if engine.IsFrom(st.Name) || st.Internal {
			continue
		}
		counted++
		if st.State == engine.StepCached {
			cached++
		}
	}
	return counted, cached, finished
}

// stepFinished notes a finished BuildKit step and finishes its stage once all its steps have.
func (t *Tracker) stepFinished(stage int, ev engine.Event) {
	if ev.StageTotal > 0 {
		t.totals[stage] = ev.StageTotal
	}
	if t.builder != engine.BuilderBuildKit || ev.StageStep <= 0 || t.states[stage] != Building {
		return
	}
	if _, _, finished := t.stageSteps(stage); t.totals[stage] > 0 && finished >= t.totals[stage] {
		t.finishStage(stage)
	}
}

// finishStage marks a stage that ran to its end as cached or done.
func (t *Tracker) finishStage(i int) {
	if counted, cached, _ := t.stageSteps(i); counted > 0 && cached == counted {
		t.states[i] = Cached
	} else {
		t.states[i] = Done
	}
}
