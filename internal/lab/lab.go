// Package lab runs one lesson strategy end to end on an engine: build the image, measure it, run
// it and check that it printed what the lesson promises. The command line and the TUI both use
// it, so a learner sees the same numbers in either.
package lab

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/lesson"
)

// Options tune a run.
type Options struct {
	Builder   engine.Builder
	NoCache   bool
	Namespace string // optional per-learner prefix, so learners sharing a daemon keep their images apart
}

// Result is what one strategy produced: the measurements every screen and report shows.
type Result struct {
	Lesson       string           `json:"lesson,omitempty"`
	Strategy     string           `json:"strategy"`
	Image        string           `json:"image"`
	BaseImage    string           `json:"base_image"`
	Builder      string           `json:"builder"`
	ImageID      string           `json:"image_id,omitempty"`
	SizeBytes    int64            `json:"size_bytes"`
	Layers       int              `json:"layers"`
	BuildSeconds float64          `json:"build_seconds"`
	Steps        int              `json:"steps"`
	CachedSteps  int              `json:"cached_steps"`
	RunOutput    string           `json:"run_output"`
	ExitCode     int              `json:"exit_code"`
	Passed       bool             `json:"passed"`
	Error        string           `json:"error,omitempty"`
	Finished     time.Time        `json:"finished"`
	Info         engine.ImageInfo `json:"-"`
}

// Tag is the image reference docktutor gives a strategy's image: docktutor/<lesson>:<strategy>,
// or docktutor/<namespace>/<lesson>:<strategy> for one learner of several.
func Tag(namespace, lessonID, strategyID string) string {
	if namespace != "" {
		return fmt.Sprintf("docktutor/%s/%s:%s", namespace, lessonID, strategyID)
	}
	return fmt.Sprintf("docktutor/%s:%s", lessonID, strategyID)
}

// Stage names the part of a run a progress report is about.
type Stage string

// The stages of a run, in order.
const (
	StageBuild   Stage = "build"
	StageInspect Stage = "inspect"
	StageRun     Stage = "run"
)

// Progress reports build events and stage changes while a run goes on. Either field may be nil.
type Progress struct {
	Event func(engine.Event)
	Stage func(Stage)
}

// Run builds, measures and runs one strategy. The Result is filled as far as the run got; the
// error says which part failed and why.
func Run(ctx context.Context, eng engine.Engine, s *lesson.Strategy, opts Options, p Progress) (Result, error) {
	res := Result{
		Lesson:    s.Lesson(),
		Strategy:  s.ID,
		Image:     Tag(opts.Namespace, s.Lesson(), s.ID),
		BaseImage: s.BaseImage(),
		Builder:   string(opts.Builder),
	}
	fail := func(err error) (Result, error) {
		res.Error = err.Error()
		res.Finished = time.Now()
		return res, err
	}
	stage := func(st Stage) {
		if p.Stage != nil {
			p.Stage(st)
		}
	}
	emit := p.Event
	if emit == nil {
		emit = func(engine.Event) {}
	}

	stage(StageBuild)
	buildCtx, err := s.Context()
	if err != nil {
		return fail(err)
	}
	br, err := eng.Build(ctx, engine.BuildRequest{
		Context:    buildCtx,
		Dockerfile: "Dockerfile",
		Tag:        res.Image,
		Target:     s.Target,
		Builder:    opts.Builder,
		NoCache:    opts.NoCache,
		Labels:     Labels(s),
	}, emit)
	res.Builder = string(br.Builder)
	res.BuildSeconds = br.Duration.Seconds()
	res.Steps, res.CachedSteps = br.Steps, br.CachedSteps
	res.ImageID = br.ImageID
	if err != nil {
		return fail(fmt.Errorf("build %s: %w", s.ID, err))
	}

	stage(StageInspect)
	info, err := eng.Inspect(ctx, res.Image)
	if err != nil {
		return fail(fmt.Errorf("inspect %s: %w", res.Image, err))
	}
	res.Info = info
	res.SizeBytes = info.Size
	for _, l := range info.Layers {
		if !l.Empty {
			res.Layers++
		}
	}

	stage(StageRun)
	rr, err := eng.Run(ctx, engine.RunRequest{Image: res.Image, Args: s.Args, Timeout: s.Timeout, Labels: Labels(s)})
	res.RunOutput, res.ExitCode = rr.Output, rr.ExitCode
	switch {
	case err != nil:
		return fail(fmt.Errorf("run %s: %w", res.Image, err))
	case rr.TimedOut:
		return fail(fmt.Errorf("run %s: still running after %s", res.Image, s.Timeout))
	case rr.ExitCode != 0:
		return fail(fmt.Errorf("run %s: exited with code %d: %s", res.Image, rr.ExitCode, lastLine(rr.Output)))
	case !strings.Contains(rr.Output, s.Expect):
		return fail(fmt.Errorf("run %s: output does not contain %q", res.Image, s.Expect))
	}
	res.Passed = true
	res.Finished = time.Now()
	return res, nil
}

// Labels are the labels docktutor puts on a strategy's image and containers.
func Labels(s *lesson.Strategy) map[string]string {
	return map[string]string{engine.LabelLesson: s.Lesson(), engine.LabelStrategy: s.ID}
}

// IsCanceled reports whether err means the learner cancelled the run.
func IsCanceled(err error) bool { return errors.Is(err, context.Canceled) }

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	if s == "" {
		return "no output"
	}
	return s
}
