package engine

import (
	"fmt"
	"strings"
	"time"
)

// StepState is where one build step is.
type StepState int

// The states of a step.
const (
	// StepRunning: the step started and has not ended yet.
	StepRunning StepState = iota
	// StepCached: the builder reused the step from its cache.
	StepCached
	// StepDone: the step ran to its end.
	StepDone
	// StepFailed: the step failed, and with it the build.
	StepFailed
)

// String names the state, for logs and tests.
func (s StepState) String() string {
	switch s {
	case StepRunning:
		return "running"
	case StepCached:
		return "cached"
	case StepDone:
		return "done"
	case StepFailed:
		return "failed"
	}
	return "unknown"
}

// Step is one step of a build, as its events reported it.
type Step struct {
	// Step, Total, StageStep, StageTotal, Name and Internal are the step's event fields (see
	// Event).
	Step, Total           int
	StageStep, StageTotal int
	Name                  string
	Internal              bool
	// Stage is the Dockerfile stage the step belongs to: BuildKit's name for it, or for the
	// legacy builder, which names none, the stage its latest FROM step started: the AS name,
	// or "stage-N" (0-based) for an unnamed one, as BuildKit calls it. Empty for BuildKit's
	// internal steps (the legacy builder's internal label steps belong to the last stage).
	Stage string
	// StageNumber is the 0-based position in the Dockerfile of the stage the step belongs to,
	// when the builder's numbering tells it (the legacy builder: its FROM steps counted), and
	// -1 when it does not (BuildKit: match Stage against the stages' progress names).
	StageNumber int
	State       StepState
	Duration    time.Duration // how long it took, when the builder says
}

// Title is how a step reads in a build log: "step 3/7  RUN go build" (legacy builder),
// "[build 2/4]  RUN go build" (BuildKit), or the name alone for BuildKit's internal steps. The
// name is the builder's text: sanitize it before drawing it.
func (s Step) Title() string {
	switch {
	case s.Total > 0:
		return fmt.Sprintf("step %d/%d  %s", s.Step, s.Total, s.Name)
	case s.StageTotal > 0 && s.Stage != "":
		return fmt.Sprintf("[%s %d/%d]  %s", s.Stage, s.StageStep, s.StageTotal, s.Name)
	}
	return s.Name
}

// Title is the title of the step the event is about (see Step.Title).
func (ev Event) Title() string {
	return Step{Step: ev.Step, Total: ev.Total, Stage: ev.Stage, StageStep: ev.StageStep, StageTotal: ev.StageTotal, Name: ev.Name}.Title()
}

// IsFrom reports whether an instruction is a FROM. A FROM step pulls or reuses its base image;
// builders never report it as cached, so it does not count against a stage that came whole
// from the cache.
func IsFrom(instruction string) bool {
	f := strings.Fields(instruction)
	return len(f) > 0 && strings.EqualFold(f[0], "FROM")
}

// Steps folds a build's events into the state of each of its steps: the one place where step
// state is worked out. Client.Build's decoder keeps one, which the build's summary counts and
// lab keeps as the result's steps; the TUI keeps one per build, fed the same events on its
// own goroutine, which the build pane draws its step lines from and the stage graph lights its
// stages from. Two records of one fold, one on either side of the channel the events cross,
// rather than one shared across goroutines under a lock. The zero value is ready to use; it is
// not safe for concurrent use.
type Steps struct {
	list   []Step
	byStep map[int]int // event Step → index in list
	froms  int         // legacy FROM steps seen
	stage  string      // the stage legacy steps belong to now
}

// Observe takes one event and returns the index (in All) of the step whose state it changed or
// began, or -1 when it changes none: a log line (most of a build's events, so it returns at
// once), the image ID, an event outside any step.
func (s *Steps) Observe(ev Event) int {
	switch {
	case ev.Step <= 0:
		return -1
	case ev.Kind != EventStepStarted && ev.Kind != EventCacheHit && ev.Kind != EventStepDone && ev.Kind != EventError:
		return -1
	}
	i, seen := s.byStep[ev.Step]
	if !seen {
		if ev.Kind != EventStepStarted && ev.Kind != EventCacheHit {
			return -1 // the end of a step never started: nothing to mark
		}
		i = s.add(ev)
	}
	st := &s.list[i]
	switch ev.Kind {
	case EventCacheHit:
		st.State = StepCached
	case EventStepDone:
		if ev.Duration > 0 {
			st.Duration = ev.Duration
		}
		if st.State == StepRunning {
			st.State = StepDone
		}
	case EventError:
		st.State = StepFailed
	}
	return i
}

// add starts the record of a step, naming its stage.
func (s *Steps) add(ev Event) int {
	if s.byStep == nil {
		s.byStep = map[int]int{}
	}
	stage, number := ev.Stage, -1
	if ev.Total > 0 {
		// The legacy builder numbers every instruction and names no stage: a FROM starts the
		// next one. The label steps it appends belong to the last stage.
		if IsFrom(ev.Name) {
			f := strings.Fields(ev.Name)
			s.stage = fmt.Sprintf("stage-%d", s.froms)
			if len(f) >= 4 && strings.EqualFold(f[len(f)-2], "AS") {
				s.stage = f[len(f)-1]
			}
			s.froms++
		}
		stage, number = s.stage, s.froms-1
	}
	s.list = append(s.list, Step{
		Step: ev.Step, Total: ev.Total, StageStep: ev.StageStep, StageTotal: ev.StageTotal,
		Name: ev.Name, Internal: ev.Internal, Stage: stage, StageNumber: number,
	})
	s.byStep[ev.Step] = len(s.list) - 1
	return len(s.list) - 1
}

// All returns every step in the order the builder reported them, internal ones included. The
// slice is the record itself: read it, do not keep it across Observe calls.
func (s *Steps) All() []Step { return s.list }

// At returns the i-th step (see Observe).
func (s *Steps) At(i int) Step { return s.list[i] }

// Find returns the step the builder numbered n.
func (s *Steps) Find(n int) (Step, bool) {
	i, ok := s.byStep[n]
	if !ok {
		return Step{}, false
	}
	return s.list[i], true
}

// stageBuilt reports whether the stage of the latest step made something of its own: whether a
// step of it after its FROM ran rather than coming from the cache. A stage that did not ends in
// an image that existed before the build, perhaps another build's (the same stage in the
// learner's own Dockerfile), or the base image itself.
func (s *Steps) stageBuilt() bool {
	if len(s.list) == 0 {
		return false
	}
	stage := s.list[len(s.list)-1].Stage
	for i := len(s.list) - 1; i >= 0 && s.list[i].Stage == stage && !IsFrom(s.list[i].Name); i-- {
		if s.list[i].State != StepCached {
			return true
		}
	}
	return false
}

// Counts returns how many of the learner's steps the build ran or reused, and how many of them
// came from the cache.
func (s *Steps) Counts() (steps, cached int) {
	for _, st := range s.list {
		if st.Internal {
			continue
		}
		steps++
		if st.State == StepCached {
			cached++
		}
	}
	return steps, cached
}

// ShortID is the 12-digit form of an image or container ID that docker prints.
func ShortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
