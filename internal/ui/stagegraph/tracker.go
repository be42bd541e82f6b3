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
// builder. The legacy builder numbers every instruction ("Step 3/7 : FROM alpine:3.22 AS
// runtime"); its steps are mapped to stages by counting FROM steps (by step number when the
// event has no instruction text), and it builds every stage up to the target, needed or not.
// BuildKit names the stage of each step ("[build 2/4] RUN …"), runs stages in parallel and
// skips the stages the target does not need; its internal steps name no stage and are
// ignored. Call Finish when the build ends so that stages never built read as skipped.
//
// A Tracker belongs to one build. Its methods are not safe for concurrent use; in a Bubble
// Tea program, feed it from Update.
type Tracker struct {
	g       *dockerfile.Graph
	states  []State
	stats   []stageStats
	builder engine.Builder // detected from the events; empty until the first step

	stepStage   map[int]int        // engine step number → stage
	stepName    map[stepKey]string // instruction of each started step
	legacyFroms int                // FROM steps seen so far (legacy)
	legacyStage int                // stage of the latest FROM step (legacy), -1 before the first
	failed      bool
}

type stageStats struct {
	counted  map[stepKey]bool // steps that could have come from the cache (all but FROM)
	cached   map[stepKey]bool // steps that did
	total    int              // BuildKit's n of "i/n" for the stage
	finished map[int]bool     // BuildKit's i of "i/n" of the steps that finished
}

// stepKey identifies a step: by the engine's build-wide number when it has one, else by its
// number inside the stage.
type stepKey struct{ step, stageStep int }

func keyOf(ev engine.Event) stepKey {
	if ev.Step > 0 {
		return stepKey{step: ev.Step}
	}
	return stepKey{stageStep: ev.StageStep}
}

// mark adds k to a set, creating it on first use.
func mark(set *map[stepKey]bool, k stepKey) {
	if *set == nil {
		*set = map[stepKey]bool{}
	}
	(*set)[k] = true
}

// NewTracker returns a tracker for a build of g.Target, every stage waiting.
func NewTracker(g *dockerfile.Graph) *Tracker {
	return &Tracker{
		g:           g,
		states:      make([]State, len(g.Stages)),
		stats:       make([]stageStats, len(g.Stages)),
		stepStage:   map[int]int{},
		stepName:    map[stepKey]string{},
		legacyStage: -1,
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

// Observe takes one build event.
func (t *Tracker) Observe(ev engine.Event) {
	if t.builder == "" && ev.Kind == engine.EventStepStarted {
		switch {
		case ev.Stage != "" || ev.StageTotal > 0:
			t.builder = engine.BuilderBuildKit
		case ev.Total > 0:
			t.builder = engine.BuilderLegacy
		}
	}
	stage := t.stageOf(ev)
	key := keyOf(ev)
	name := ev.Name
	if name == "" {
		name = t.stepName[key]
	}
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
			t.stats[stage].total = ev.StageTotal
		}
		t.stepName[key] = name
		if !engine.IsFrom(name) {
			mark(&t.stats[stage].counted, key)
		}
	case engine.EventCacheHit:
		if stage < 0 {
			return
		}
		if !engine.IsFrom(name) {
			mark(&t.stats[stage].counted, key)
			mark(&t.stats[stage].cached, key)
		}
		t.stepFinished(stage, ev)
	case engine.EventStepDone:
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

// Finish ends the build: ok tells whether it succeeded. Stages still building finish (or, after
// a failure, read as skipped: another stage's error stopped them); stages never reached read as
// skipped, except stages BuildKit built without printing a step (a stage of only ENV, CMD and
// the like, FROM scratch or FROM another stage), which a successful build needed and so built.
func (t *Tracker) Finish(ok bool) {
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
	if ev.Stage != "" {
		name := ev.Stage
		if f := strings.Fields(name); len(f) > 1 {
			name = f[len(f)-1] // "[linux/arm64 build 1/2]" on multi-platform builds
		}
		if i := t.g.StageByProgressName(name); i >= 0 {
			t.remember(ev.Step, i)
			return i
		}
		return -1
	}
	if ev.StageTotal > 0 { // "[1/3] RUN …": BuildKit names no stage when there is one
		if i := t.g.StageByProgressName(""); i >= 0 {
			t.remember(ev.Step, i)
			return i
		}
	}
	if i, ok := t.stepStage[ev.Step]; ok && ev.Step > 0 {
		return i
	}
	if t.builder != engine.BuilderLegacy {
		return -1 // a BuildKit internal step
	}
	if ev.Kind != engine.EventStepStarted {
		return t.legacyStage
	}
	switch {
	case engine.IsFrom(ev.Name):
		t.legacyStage = t.legacyFroms
		t.legacyFroms++
	case ev.Name == "":
		t.legacyStage = t.g.LegacyStage(ev.Step)
	}
	if t.legacyStage >= len(t.states) {
		t.legacyStage = -1
	}
	t.remember(ev.Step, t.legacyStage)
	return t.legacyStage
}

func (t *Tracker) remember(step, stage int) {
	if step > 0 && stage >= 0 {
		t.stepStage[step] = stage
	}
}

// stepFinished notes a finished BuildKit step and finishes its stage once all its steps have.
func (t *Tracker) stepFinished(stage int, ev engine.Event) {
	st := &t.stats[stage]
	if ev.StageTotal > 0 {
		st.total = ev.StageTotal
	}
	if t.builder != engine.BuilderBuildKit || ev.StageStep <= 0 {
		return
	}
	if st.finished == nil {
		st.finished = map[int]bool{}
	}
	st.finished[ev.StageStep] = true
	if st.total > 0 && len(st.finished) >= st.total && t.states[stage] == Building {
		t.finishStage(stage)
	}
}

// finishStage marks a stage that ran to its end as cached or done.
func (t *Tracker) finishStage(i int) {
	st := t.stats[i]
	if len(st.counted) > 0 && len(st.cached) == len(st.counted) {
		t.states[i] = Cached
	} else {
		t.states[i] = Done
	}
}
