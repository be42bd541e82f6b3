// Package lab runs one lesson strategy end to end on an engine: build the image, measure it, run
// it and check that it did what the lesson promises, run the strategy's checks (e.g. `sh` in a
// distroless image) and, for a cache lesson, edit a source file and build again. The command
// line and the TUI both use it, so a learner sees the same numbers in either.
package lab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/docktutor/docktutor/internal/diagnose"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/termtext"
)

// Options tune a run.
type Options struct {
	Builder   engine.Builder
	NoCache   bool
	Namespace string // optional per-learner prefix, so learners sharing a daemon keep their images apart
}

// Result is what one strategy produced: the measurements every screen and report shows.
type Result struct {
	Lesson    string `json:"lesson,omitempty"`
	Strategy  string `json:"strategy"`
	Image     string `json:"image"`
	BaseImage string `json:"base_image"`
	// StandIn says the image was built on one of docktutor's offline test stand-ins for the
	// base image, not the published one: its size says little about the real thing.
	StandIn      bool    `json:"stand_in,omitempty"`
	Builder      string  `json:"builder"`
	ImageID      string  `json:"image_id,omitempty"`
	SizeBytes    int64   `json:"size_bytes"`
	Layers       int     `json:"layers"`
	BuildSeconds float64 `json:"build_seconds"`
	Steps        int     `json:"steps"`
	CachedSteps  int     `json:"cached_steps"`
	// ContextBytes is the build context as sent to the daemon, after .dockerignore.
	ContextBytes int64  `json:"context_bytes,omitempty"`
	RunOutput    string `json:"run_output"`
	ExitCode     int    `json:"exit_code"`
	Passed       bool   `json:"passed"`
	Error        string `json:"error,omitempty"`
	// Diagnosis explains a run that could not start its program ("no such file or
	// directory"): the program missing, or its loader (diagnose.Exec).
	Diagnosis *diagnose.Finding `json:"diagnosis,omitempty"`
	Finished  time.Time         `json:"finished"`
	Info      engine.ImageInfo  `json:"-"`

	// StepResults are the build's steps in the order the builder reported them, without its
	// bookkeeping steps. (Steps, above, is their count; the JSON name keeps the two apart.)
	StepResults []StepResult `json:"step_results,omitempty"`
	// Checks are the strategy's checks, in the lesson's order, as far as the run got.
	Checks []CheckResult `json:"checks,omitempty"`
	// StageImages are the IDs of the untagged stage images the legacy builder made for this
	// run's builds (the rebuild's too) and left behind, also when a build failed: docktutor
	// records them (progress.ResultsCache.AddStageImages) so that clean can remove them.
	StageImages []string `json:"stage_images,omitempty"`
	// Rebuild is the second build of a strategy with an edit: the same Dockerfile on a copy of
	// the context with one file changed. Comparing its StepResults with the first build's shows
	// which steps the cache reused.
	Rebuild *Result `json:"rebuild,omitempty"`
}

// StepResult is one build step as the learner wrote it.
type StepResult struct {
	Name string // the instruction, e.g. "RUN pip install -r requirements.txt"
	// Stage is the Dockerfile stage the step belongs to: its AS name, or "stage-N" (0-based)
	// for an unnamed one, as BuildKit calls it.
	Stage    string
	Cached   bool          // the builder reused the step from its cache
	Duration time.Duration // how long the step took (zero when the builder does not say)
}

type stepJSON struct {
	Name    string  `json:"name"`
	Stage   string  `json:"stage,omitempty"`
	Cached  bool    `json:"cached"`
	Seconds float64 `json:"seconds"`
}

// MarshalJSON writes the duration in seconds, like Result's build_seconds.
func (s StepResult) MarshalJSON() ([]byte, error) {
	return json.Marshal(stepJSON{Name: s.Name, Stage: s.Stage, Cached: s.Cached, Seconds: s.Duration.Seconds()})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (s *StepResult) UnmarshalJSON(data []byte) error {
	var j stepJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*s = StepResult{Name: j.Name, Stage: j.Stage, Cached: j.Cached, Duration: time.Duration(j.Seconds * float64(time.Second))}
	return nil
}

// CheckResult is what one check of a strategy found.
type CheckResult struct {
	Title string `json:"title"`
	// Command is the equivalent docker command line, for the learner to try.
	Command string `json:"command"`
	// Output is what the container printed or, when it could not start, the daemon's reason.
	Output   string `json:"output"`
	ExitCode int    `json:"exit_code"`
	// NotStarted says the container could not even start (no such executable in the image).
	NotStarted bool `json:"not_started,omitempty"`
	// Diagnosis explains a container that could not start its program (diagnose.Exec).
	Diagnosis *diagnose.Finding `json:"diagnosis,omitempty"`
	// Failed says the check's container failed: it did not start, exited non-zero or hung.
	Failed bool `json:"failed"`
	// Passed says the check found what the lesson says: it failed exactly when it should, and
	// its output holds the expected text.
	Passed bool `json:"passed"`
}

// Tag is the image reference docktutor gives a strategy's image: docktutor/<lesson>:<strategy>,
// or docktutor/<namespace>/<lesson>:<strategy> for one learner of several.
func Tag(namespace, lessonID, strategyID string) string {
	if namespace != "" {
		return fmt.Sprintf("docktutor/%s/%s:%s", namespace, lessonID, strategyID)
	}
	return fmt.Sprintf("docktutor/%s:%s", lessonID, strategyID)
}

// Phase names the part of a run a hook reports: build, inspect, run, check or rebuild. (A
// Dockerfile's stages are dockerfile.Stage.)
type Phase string

// The phases of a run, in order.
const (
	PhaseBuild   Phase = "build"
	PhaseInspect Phase = "inspect"
	PhaseRun     Phase = "run"
	// PhaseCheck: the strategy's checks run (after a passing run).
	PhaseCheck Phase = "check"
	// PhaseRebuild: a strategy with an edit builds again on the edited copy; the build events
	// that follow belong to the rebuild, then PhaseInspect and PhaseRun come again for it.
	PhaseRebuild Phase = "rebuild"
)

// Hooks are called while a run goes on: build events, phase changes and the image's tag. Any
// field may be nil.
type Hooks struct {
	Event func(engine.Event)
	Phase func(Phase)
	// Tag reports the tag the image will get, before the build starts (see tagFor: on a
	// shared daemon it may not be the plain one), and again for the edited copy's rebuild.
	Tag func(string)
}

// Run builds, measures and runs one strategy, then runs its checks and, when it has an edit,
// builds and runs the edited copy (Result.Rebuild). The Result is filled as far as the run got;
// the error says which part failed and why.
func Run(ctx context.Context, eng engine.Engine, s *lesson.Strategy, opts Options, p Hooks) (Result, error) {
	phase := func(ph Phase) {
		if p.Phase != nil {
			p.Phase(ph)
		}
	}
	emit := p.Event
	if emit == nil {
		emit = func(engine.Event) {}
	}

	phase(PhaseBuild)
	buildCtx, err := s.Context()
	if err != nil {
		res := newResult(s, opts, Tag(opts.Namespace, s.Lesson(), s.ID))
		return res.fail(err)
	}
	tag := tagFor(ctx, eng, opts, s.Lesson(), s.ID)
	if p.Tag != nil {
		p.Tag(tag)
	}
	asked := opts.Builder
	opts.Builder = builderFor(ctx, eng, s, opts.Builder)
	res, err := runOnce(ctx, eng, s, opts, buildCtx, tag, emit, phase)
	if err != nil {
		if e := needsBuildKit(s, asked, res, err); e != err {
			return res.fail(e)
		}
		return res, err
	}

	if len(s.Checks) > 0 {
		phase(PhaseCheck)
		var failed []string
		for _, c := range s.Checks {
			cr, err := runCheck(ctx, eng, s, res.Image, res.ref(), res.Info, c)
			res.Checks = append(res.Checks, cr)
			if err != nil {
				return res.fail(fmt.Errorf("check %q of %s: %w", c.Title, s.ID, err))
			}
			if !cr.Passed {
				failed = append(failed, checkFailure(c, cr))
			}
		}
		if len(failed) > 0 {
			res.Passed = false
			return res.fail(fmt.Errorf("%s: %s", s.ID, strings.Join(failed, "; ")))
		}
	}

	if s.Edit != nil {
		phase(PhaseRebuild)
		edited, err := s.EditedContext(time.Now())
		if err != nil {
			res.Passed = false
			return res.fail(err)
		}
		if p.Tag != nil {
			p.Tag(tag + "-edit")
		}
		rb, err := runOnce(ctx, eng, s, opts, edited, tag+"-edit", emit, phase)
		res.Rebuild = &rb
		res.StageImages = append(res.StageImages, rb.StageImages...)
		if err != nil {
			res.Passed = false
			return res.fail(fmt.Errorf("rebuild after editing %s: %w", s.Edit.File, err))
		}
	}
	res.Finished = time.Now()
	return res, nil
}

// builder is the builder to ask for: the strategy's own when it needs one (a cache mount needs
// BuildKit) and the caller left the choice to the daemon, else the caller's.
func builder(s *lesson.Strategy, opts Options) engine.Builder {
	if s.Builder != "" && (opts.Builder == "" || opts.Builder == engine.BuilderAuto) {
		return engine.Builder(s.Builder)
	}
	return opts.Builder
}

func newResult(s *lesson.Strategy, opts Options, image string) Result {
	return Result{
		Lesson:    s.Lesson(),
		Strategy:  s.ID,
		Image:     image,
		BaseImage: s.BaseImage(),
		Builder:   string(builder(s, opts)),
	}
}

// ref names the built image for the daemon: its ID once the build reported one, else its tag.
func (r *Result) ref() string {
	if r.ImageID != "" {
		return r.ImageID
	}
	return r.Image
}

func (r *Result) fail(err error) (Result, error) {
	r.Error = err.Error()
	r.Finished = time.Now()
	return *r, err
}

// runOnce builds buildCtx with the strategy's Dockerfile as image, measures the image and runs
// it once, checking the exit code and output the lesson expects.
func runOnce(ctx context.Context, eng engine.Engine, s *lesson.Strategy, opts Options, buildCtx fs.FS, image string, emit func(engine.Event), phase func(Phase)) (Result, error) {
	res := newResult(s, opts, image)
	br, err := eng.Build(ctx, engine.BuildRequest{
		Context:    buildCtx,
		Dockerfile: "Dockerfile",
		Tag:        res.Image,
		Target:     s.Target,
		Builder:    builder(s, opts),
		NoCache:    opts.NoCache,
		Labels:     Labels(s),
	}, emit)
	res.StepResults = stepResults(br.StepLog)
	res.Builder = string(br.Builder)
	res.BuildSeconds = br.Duration.Seconds()
	res.Steps, res.CachedSteps = br.Steps, br.CachedSteps
	res.ContextBytes = br.ContextBytes
	res.ImageID = br.ImageID
	res.StageImages = br.StageImages
	if err != nil {
		return res.fail(fmt.Errorf("build %s: %w", s.ID, err))
	}

	// From here on the image is named by its ID: another docktutor process on this daemon may
	// move the tag meanwhile, and this run must measure what it built.
	phase(PhaseInspect)
	info, err := eng.Inspect(ctx, res.ref())
	if err != nil {
		return res.fail(fmt.Errorf("inspect %s: %w", res.Image, err))
	}
	res.Info = info
	res.SizeBytes = info.Size
	res.StandIn = info.Labels[engine.LabelFixture] == "standin"
	for _, l := range info.Layers {
		if !l.Empty {
			res.Layers++
		}
	}

	phase(PhaseRun)
	rr, err := eng.Run(ctx, engine.RunRequest{Image: res.ref(), Args: s.Args, Timeout: s.Timeout, Labels: Labels(s)})
	res.RunOutput, res.ExitCode = rr.Output, rr.ExitCode
	var serr *engine.StartError
	switch {
	case errors.As(err, &serr):
		res.Diagnosis = Explain(ctx, eng, res.ref(), serr.Reason, Program(info, nil, s.Args))
	case err == nil && rr.ExitCode != 0:
		res.Diagnosis = Explain(ctx, eng, res.ref(), rr.Output, Program(info, nil, s.Args))
	}
	switch {
	case err != nil:
		return res.fail(fmt.Errorf("run %s: %w%s", res.Image, err, withFinding("", res.Diagnosis)))
	case rr.TimedOut:
		return res.fail(fmt.Errorf("run %s: still running after %s", res.Image, runTimeout(s)))
	case rr.ExitCode != s.ExpectExit && s.ExpectExit == 0:
		return res.fail(errors.New(withFinding(fmt.Sprintf("run %s: exited with code %d: %s", res.Image, rr.ExitCode, lastLine(rr.Output)), res.Diagnosis)))
	case rr.ExitCode != s.ExpectExit:
		return res.fail(errors.New(withFinding(fmt.Sprintf("run %s: exited with code %d, the lesson expects %d: %s", res.Image, rr.ExitCode, s.ExpectExit, lastLine(rr.Output)), res.Diagnosis)))
	case !strings.Contains(rr.Output, s.Expect):
		return res.fail(fmt.Errorf("run %s: output does not contain %q", res.Image, s.Expect))
	}
	res.Passed = true
	res.Finished = time.Now()
	return res, nil
}

// runTimeout is how long a run of the strategy may take: its own timeout, or the engine's
// default when it sets none (a zero Timeout goes to the engine as it is).
func runTimeout(s *lesson.Strategy) time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return engine.DefaultRunTimeout
}

// runCheck runs one check. Only a daemon that cannot be used is an error; a container that
// cannot start is a result (that is what a check of `sh` in a distroless image looks for).
func runCheck(ctx context.Context, eng engine.Engine, s *lesson.Strategy, image, ref string, info engine.ImageInfo, c *lesson.Check) (CheckResult, error) {
	cr := CheckResult{Title: c.Title, Command: DockerRun(image, c.Entrypoint, c.Args)}
	rr, err := eng.Run(ctx, engine.RunRequest{Image: ref, Entrypoint: c.Entrypoint, Args: c.Args, Timeout: s.Timeout, Labels: Labels(s)})
	var serr *engine.StartError
	switch {
	case errors.As(err, &serr):
		cr.Output, cr.NotStarted, cr.Failed = serr.Reason, true, true
	case err != nil:
		return cr, err
	default:
		cr.Output, cr.ExitCode = rr.Output, rr.ExitCode
		cr.Failed = rr.ExitCode != 0 || rr.TimedOut
	}
	if cr.Failed {
		cr.Diagnosis = Explain(ctx, eng, ref, cr.Output, Program(info, c.Entrypoint, c.Args))
	}
	cr.Passed = cr.Failed == c.ExpectFail && strings.Contains(cr.Output, c.Expect)
	return cr, nil
}

// checkFailure says why a check did not find what the lesson expects.
func checkFailure(c *lesson.Check, cr CheckResult) string {
	switch {
	case c.ExpectFail && !cr.Failed:
		return fmt.Sprintf("check %q: %s should fail but worked: %s", c.Title, cr.Command, lastLine(cr.Output))
	case !c.ExpectFail && cr.NotStarted:
		return withFinding(fmt.Sprintf("check %q: %s did not start: %s", c.Title, cr.Command, cr.Output), cr.Diagnosis)
	case !c.ExpectFail && cr.Failed:
		return withFinding(fmt.Sprintf("check %q: %s exited with code %d: %s", c.Title, cr.Command, cr.ExitCode, lastLine(cr.Output)), cr.Diagnosis)
	}
	return fmt.Sprintf("check %q: output of %s does not contain %q: %s", c.Title, cr.Command, c.Expect, lastLine(cr.Output))
}

// DockerRun is the docker command line that runs image the way a check does: the first
// element of entrypoint goes to --entrypoint, the rest of it before args, as docker run
// expects.
func DockerRun(image string, entrypoint, args []string) string {
	words := []string{"docker", "run", "--rm"}
	rest := args
	if len(entrypoint) > 0 {
		words = append(words, "--entrypoint", shellQuote(entrypoint[0]))
		rest = append(append([]string(nil), entrypoint[1:]...), args...)
	}
	words = append(words, image)
	for _, a := range rest {
		words = append(words, shellQuote(a))
	}
	return strings.Join(words, " ")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@%+,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// stepResults keeps the learner's steps of a build, as the results show and store them.
func stepResults(log []engine.Step) []StepResult {
	var out []StepResult
	for _, st := range log {
		if !st.Internal {
			out = append(out, StepResult{Name: st.Name, Stage: st.Stage, Cached: st.State == engine.StepCached, Duration: st.Duration})
		}
	}
	return out
}

// Labels are the labels docktutor puts on a strategy's image and containers.
func Labels(s *lesson.Strategy) map[string]string {
	return map[string]string{engine.LabelLesson: s.Lesson(), engine.LabelStrategy: s.ID, engine.LabelOwner: Owner()}
}

// IsCanceled reports whether err means the learner cancelled the run.
func IsCanceled(err error) bool { return errors.Is(err, context.Canceled) }

// lastLine is the last line of a container's output for an error message (errors are printed
// as they are, so it is plain text).
func lastLine(s string) string {
	if l := termtext.LastLine(s); l != "" {
		return l
	}
	return "no output"
}
