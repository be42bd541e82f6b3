// Package exercise is docktutor's goal engine: it builds the learner's Dockerfile for an
// exercise and checks the image against the exercise's goals, saying for each what it measured
// against what was wanted and where to look. It reads the image the cheap way (inspect, history
// and single paths through engine.Probe), so that after a cached build every verdict is there
// in about a second, even for a toolchain image. The goals need not come from an
// exercise.yaml: any lesson.Exercise value with goals will do (docktutor check builds one).
package exercise

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/lesson"
)

// Verdict is what one goal found.
type Verdict struct {
	ID, Title string
	Passed    bool
	// Measured is what the check found ("910.4 MB", "found /usr/local/go/bin/go"), Want what
	// the goal asks ("≤ 25 MB"), Where what to look at when it fails ("line 1 FROM
	// golang:1.27 is the image"), and Hint the exercise's own word on what a failure here
	// usually means.
	Measured, Want, Where, Hint string
}

// String is the verdict as one line: `910.4 MB — goal ≤ 25 MB: the toolchain still ships;
// line 1 FROM golang:1.27 is the image` for a failing one, `910.4 MB (≤ 25 MB)` for a passing
// one.
func (v Verdict) String() string {
	if v.Passed {
		if v.Want == "" {
			return v.Measured
		}
		return v.Measured + " (" + v.Want + ")"
	}
	s := v.Measured
	if v.Want != "" {
		s += " — goal " + v.Want
	}
	var why []string
	for _, w := range []string{v.Hint, v.Where} {
		if w != "" {
			why = append(why, w)
		}
	}
	if len(why) > 0 {
		s += ": " + strings.Join(why, "; ")
	}
	return s
}

// Report is the outcome of one check of an exercise.
type Report struct {
	Exercise string
	Passed   bool // every goal met
	Goals    []Verdict
	// Error says why nothing (or not everything) could be checked: the Dockerfile does not
	// parse ("Dockerfile:3: unknown instruction: COPPY"), or the build failed (the failing
	// step and its last log lines). Empty otherwise.
	Error string
	Image string // the tag of the image built, when one was
}

// Hooks report a check as it goes. Any field may be nil. They are called one at a time, but
// not always from the calling goroutine: checks that do not depend on each other run side by
// side.
type Hooks struct {
	Event func(engine.Event)
	Phase func(lab.Phase)
	// Goal is called with each verdict as soon as it is known, in no fixed order.
	Goal func(Verdict)
}

// Options tune a check.
type Options struct {
	Builder engine.Builder
	// Namespace is the per-learner prefix of image names, as lab.Options has it.
	Namespace string
	NoCache   bool
	// Target is the stage to build (--target); empty means the last. Filename names the
	// Dockerfile in parse errors ("Dockerfile" when empty). Both serve checks of a learner's
	// own project.
	Target, Filename string
	// Tag names the image built; empty means Tag(Namespace, exercise id).
	Tag string
	// Course is where the goals that measure a lesson strategy (size_ratio_max, predict)
	// find it.
	Course *lesson.Course
	// Memory and PidsLimit bound every container a check runs; 0 means DefaultMemory and
	// DefaultPids.
	Memory, PidsLimit int64
}

// The limits a learner's container runs under unless Options say otherwise: the lesson apps
// need a fraction of them.
const (
	DefaultMemory = 256 << 20
	DefaultPids   = 64
)

// LabelExercise is put on every image an exercise check builds, with the exercise id.
const LabelExercise = "io.docktutor.exercise"

// Tag is the image reference an exercise's build gets: docktutor/exercise:<id>, or
// docktutor/<namespace>/exercise:<id>.
func Tag(namespace, id string) string { return lab.Tag(namespace, "exercise", id) }

// Labels are the labels of an exercise's images and containers.
func Labels(ex *lesson.Exercise) map[string]string {
	return map[string]string{engine.LabelLesson: ex.LessonID, LabelExercise: ex.ID, engine.LabelOwner: lab.Owner()}
}

// Check builds dockerfile (for a predict exercise: the prediction, one strategy id a line) as
// the exercise ex and checks every goal. The error is only for what stops the checking itself:
// no daemon, a cancel. A Dockerfile that does not parse (found before anything is built) or a
// build that fails is a Report that did not pass, saying why in Error.
func Check(ctx context.Context, eng engine.Engine, ex *lesson.Exercise, src []byte, opts Options, hooks Hooks) (Report, error) {
	c := &checker{eng: eng, ex: ex, src: src, opts: opts, hooks: hooks}
	c.rep = Report{Exercise: ex.ID}
	if p := ex.Predict(); p != nil {
		return c.predict(ctx, p)
	}
	return c.dockerfile(ctx)
}

// checker is one Check in progress.
type checker struct {
	eng   engine.Engine
	ex    *lesson.Exercise
	src   []byte
	opts  Options
	hooks Hooks

	graph *dockerfile.Graph
	tag   string
	image string // the built image's ID
	info  engine.ImageInfo

	mu      sync.Mutex // guards rep.Goals and the hooks
	rep     Report
	results map[string]Verdict
}

func (c *checker) phase(p lab.Phase) {
	if c.hooks.Phase != nil {
		c.mu.Lock()
		c.hooks.Phase(p)
		c.mu.Unlock()
	}
}

func (c *checker) event(e engine.Event) {
	if c.hooks.Event != nil {
		c.mu.Lock()
		c.hooks.Event(e)
		c.mu.Unlock()
	}
}

// record keeps a goal's verdict, with the goal's hint when it failed, and reports it.
func (c *checker) record(g lesson.Goal, v Verdict) {
	if !v.Passed && v.Hint == "" {
		v.Hint = g.Hint
	}
	c.put(g, v)
}

// put keeps a goal's verdict as it is and reports it.
func (c *checker) put(g lesson.Goal, v Verdict) {
	v.ID, v.Title = g.ID, g.Title
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.results == nil {
		c.results = map[string]Verdict{}
	}
	c.results[g.ID] = v
	if c.hooks.Goal != nil {
		c.hooks.Goal(v)
	}
}

// finish puts the verdicts in the exercise's order and decides the whole.
func (c *checker) finish() Report {
	c.rep.Goals = nil
	c.rep.Passed = c.rep.Error == ""
	for _, g := range c.ex.Goals {
		v, ok := c.results[g.ID]
		if !ok {
			v = Verdict{ID: g.ID, Title: g.Title, Measured: "not checked"}
		}
		c.rep.Goals = append(c.rep.Goals, v)
		c.rep.Passed = c.rep.Passed && v.Passed
	}
	return c.rep
}

// failAll records every goal not yet decided as failed for reason: not checked, so without
// the goal's hint, which would guess at a cause.
func (c *checker) failAll(reason string) {
	for _, g := range c.ex.Goals {
		c.mu.Lock()
		_, done := c.results[g.ID]
		c.mu.Unlock()
		if !done {
			c.put(g, Verdict{Measured: reason, Want: want(g)})
		}
	}
}

// dockerfile checks a Dockerfile exercise: parse, build, inspect, then the goals.
func (c *checker) dockerfile(ctx context.Context) (Report, error) {
	name := c.opts.Filename
	if name == "" {
		name = "Dockerfile"
	}
	g, err := dockerfile.Parse(c.src, dockerfile.Options{Filename: name, Target: c.opts.Target})
	if err != nil {
		c.rep.Error = err.Error()
		c.failAll("not checked: the Dockerfile does not parse")
		return c.finish(), nil
	}
	c.graph = g

	c.phase(lab.PhaseBuild)
	buildCtx, err := c.ex.BuildContext(c.src)
	if err != nil {
		return c.finish(), err
	}
	c.tag = c.opts.Tag
	if c.tag == "" {
		c.tag = Tag(c.opts.Namespace, c.ex.ID)
	}
	// The image the tag held before: a rebuild that changes it leaves that one untagged, and a
	// learner checks again and again.
	var previous string
	if old, err := c.eng.Inspect(ctx, c.tag); err == nil {
		previous = old.ID
	}
	br, err := c.eng.Build(ctx, engine.BuildRequest{
		Context: buildCtx, Dockerfile: "Dockerfile", Tag: c.tag, Target: c.opts.Target, Builder: c.opts.Builder,
		NoCache: c.opts.NoCache, Labels: Labels(c.ex),
	}, c.event)
	c.removeStageImages(br.StageImages)
	if err != nil {
		if infra(ctx, err) {
			return c.finish(), err
		}
		c.rep.Error = buildFailure(err)
		for _, goal := range c.ex.Goals {
			if goal.Check == lesson.CheckBuilds {
				c.record(goal, Verdict{Measured: "the build failed", Want: "builds", Where: c.rep.Error})
			}
		}
		c.failAll("not checked: the build failed")
		return c.finish(), nil
	}
	c.rep.Image = c.tag
	c.image = br.ImageID
	if previous != "" && previous != br.ImageID {
		c.removeImage(previous)
	}

	c.phase(lab.PhaseInspect)
	info, err := c.eng.Inspect(ctx, c.image)
	if err != nil {
		return c.finish(), fmt.Errorf("inspect %s: %w", c.tag, err)
	}
	c.info = info

	// Three groups that do not wait on each other: what the image's config and the graph say
	// (and single paths, through one probe), the runs, and the extra builds.
	var probeGoals, runGoals, buildGoals []lesson.Goal
	for _, goal := range c.ex.Goals {
		switch goal.Check {
		case lesson.CheckRuns:
			runGoals = append(runGoals, goal)
		case lesson.CheckBuildFailsAt, lesson.CheckCachedAfterEdit, lesson.CheckSizeRatioMax:
			buildGoals = append(buildGoals, goal)
		case lesson.CheckBuilds:
			c.record(goal, Verdict{Passed: true, Measured: builtText(br), Want: "builds"})
		default:
			probeGoals = append(probeGoals, goal)
		}
	}
	c.phase(lab.PhaseCheck)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	wg.Go(func() { errs[0] = c.imageGoals(ctx, probeGoals) })
	wg.Go(func() {
		for _, goal := range runGoals {
			if err := c.runGoal(ctx, goal); err != nil {
				errs[1] = err
				return
			}
		}
	})
	wg.Go(func() {
		for _, goal := range buildGoals {
			if err := c.buildGoal(ctx, goal, br); err != nil {
				errs[2] = err
				return
			}
		}
	})
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return c.finish(), err
	}
	return c.finish(), nil
}

// stageRemover is the engine's removal of the stage images the legacy builder leaves behind;
// the fake has none.
type stageRemover interface {
	RemoveStageImage(ctx context.Context, id string) error
}

// removeStageImages removes the untagged stage images a legacy build left, as far as the
// engine can: an exercise is checked again and again, and each check would leave more.
func (c *checker) removeStageImages(ids []string) {
	r, ok := c.eng.(stageRemover)
	if !ok {
		return
	}
	for _, id := range ids {
		_ = r.RemoveStageImage(context.Background(), id) // one still in use stays; clean gets it later
	}
}

// imageRemover is the engine's removal of an image docktutor built; the fake has none.
type imageRemover interface {
	Remove(ctx context.Context, ref string) error
}

// removeImage removes an image a check made and no longer needs (an edited rebuild, the
// previous version of the exercise's image). One still in use stays, for clean to find.
func (c *checker) removeImage(ref string) {
	if r, ok := c.eng.(imageRemover); ok {
		_ = r.Remove(context.Background(), ref)
	}
}

// infra reports whether a build error is the daemon's or the caller's (a cancel), rather than
// the Dockerfile's.
func infra(ctx context.Context, err error) bool {
	var de *engine.DaemonError
	return ctx.Err() != nil || errors.As(err, &de)
}

// buildFailure describes a failed build for the learner: the failing step and its last lines.
func buildFailure(err error) string {
	var be *engine.BuildError
	if !errors.As(err, &be) {
		return "build failed: " + err.Error()
	}
	s := "build failed"
	if be.Name != "" {
		s += " at " + be.Name
		if be.Step > 0 {
			s = fmt.Sprintf("build failed at step %d, %s", be.Step, be.Name)
		}
	}
	s += ": " + be.Msg
	if len(be.Output) > 0 {
		s += "\n  " + strings.Join(be.Output, "\n  ")
	}
	return s
}

func builtText(br engine.BuildResult) string {
	return fmt.Sprintf("built: %d steps, %d from the cache", br.Steps, br.CachedSteps)
}
