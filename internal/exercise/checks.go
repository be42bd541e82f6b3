package exercise

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/human"
	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/termtext"
)

// want says what a goal asks, in the words of its verdict.
func want(g lesson.Goal) string {
	switch g.Check {
	case lesson.CheckBuilds:
		return "builds"
	case lesson.CheckStageNamed:
		return "a stage named " + g.Stage
	case lesson.CheckCopiesFrom:
		return "the image copies from stage " + g.Stage
	case lesson.CheckFinalBaseNot:
		return "based on none of " + strings.Join(g.Patterns, ", ")
	case lesson.CheckSizeMax:
		return "≤ " + goalSize(g.SizeMax)
	case lesson.CheckSizeRatioMax:
		return fmt.Sprintf("≤ %.2f × %s", g.Ratio.Max, g.Ratio.Strategy)
	case lesson.CheckLayersMax:
		return "≤ " + human.Plural(g.LayersMax, "layer", "")
	case lesson.CheckNoShell:
		return "no shell"
	case lesson.CheckNoCompiler:
		return "no compiler"
	case lesson.CheckNoPackageManager:
		return "no package manager"
	case lesson.CheckAbsent:
		return "absent: " + strings.Join(g.Paths, ", ")
	case lesson.CheckPresent:
		return "present: " + strings.Join(g.Paths, ", ")
	case lesson.CheckUserNotRoot:
		return "a user other than root"
	case lesson.CheckStaticBinary:
		return g.Path + " static (no ELF interpreter)"
	case lesson.CheckRuns:
		w := fmt.Sprintf("exit %d", g.Run.ExitCode)
		if g.Run.Expect != "" {
			w += fmt.Sprintf(", prints %q", g.Run.Expect)
		}
		return w
	case lesson.CheckBuildFailsAt:
		return fmt.Sprintf("with apps/%s the build fails in stage %s", g.FailsAt.WithApp, g.FailsAt.Stage)
	case lesson.CheckCachedAfterEdit:
		return fmt.Sprintf("after an edit to %s, %q comes from the cache", g.Cached.File, g.Cached.Step)
	case lesson.CheckPredict:
		return "the exact order"
	}
	return ""
}

// sizeText is a size as `docker images` gives it, with a space: "910.4 MB".
func sizeText(n int64) string {
	s := human.Size(n)
	i := strings.IndexFunc(s, func(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' })
	if i > 0 {
		return s[:i] + " " + s[i:]
	}
	return s
}

// goalSize is a size a goal names, without the measurement's trailing zeros: "25 MB".
func goalSize(n int64) string {
	s := sizeText(n)
	num, unit, ok := strings.Cut(s, " ")
	if !ok || !strings.Contains(num, ".") {
		return s
	}
	return strings.TrimSuffix(strings.TrimRight(num, "0"), ".") + " " + unit
}

// shipped is the stage the image is built from, followed back through FROM <stage> to the
// stage that names an image: its FROM line is where the image's base is chosen.
func (c *checker) shipped() *dockerfile.Stage {
	st := &c.graph.Stages[c.graph.Target]
	for st.BaseStage >= 0 {
		st = &c.graph.Stages[st.BaseStage]
	}
	return st
}

// theImage points at the FROM line that makes the image what it is.
func (c *checker) theImage() string {
	st := c.shipped()
	return fmt.Sprintf("line %d FROM %s is the image", st.Line, dockerfile.Printable(st.Base))
}

// imageGoals decides the goals that need only the image's config, the Dockerfile's graph and
// single paths of the image, the paths through one probe opened when first needed.
func (c *checker) imageGoals(ctx context.Context, goals []lesson.Goal) error {
	var probe engine.Probe
	open := func() (engine.Probe, error) {
		if probe == nil {
			p, err := c.eng.Probe(ctx, c.image)
			if err != nil {
				return nil, fmt.Errorf("probe %s: %w", c.tag, err)
			}
			probe = p
		}
		return probe, nil
	}
	defer func() {
		if probe != nil {
			_ = probe.Close()
		}
	}()
	// Goals without the probe first: their verdicts cost nothing.
	slices.SortStableFunc(goals, func(a, b lesson.Goal) int { return btoi(needsProbe(a)) - btoi(needsProbe(b)) })
	for _, g := range goals {
		var v Verdict
		var err error
		if needsProbe(g) {
			var p engine.Probe
			if p, err = open(); err == nil {
				v, err = c.pathGoal(ctx, p, g)
			}
		} else {
			v = c.configGoal(g)
		}
		if err != nil {
			return err
		}
		if v.Want == "" {
			v.Want = want(g)
		}
		c.record(g, v)
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// needsProbe says whether a goal reads paths of the image.
func needsProbe(g lesson.Goal) bool {
	switch g.Check {
	case lesson.CheckNoShell, lesson.CheckNoCompiler, lesson.CheckNoPackageManager, lesson.CheckAbsent,
		lesson.CheckPresent, lesson.CheckStaticBinary:
		return true
	case lesson.CheckUserNotRoot:
		return true // a user name is looked up in /etc/passwd
	}
	return false
}

// configGoal decides a goal from the graph and the image's config.
func (c *checker) configGoal(g lesson.Goal) Verdict {
	switch g.Check {
	case lesson.CheckStageNamed:
		var names []string
		for _, st := range c.graph.Stages {
			names = append(names, st.Label())
		}
		return Verdict{
			Passed:   slices.ContainsFunc(c.graph.Stages, func(st dockerfile.Stage) bool { return st.Name == g.Stage }),
			Measured: "stages: " + dockerfile.Printable(strings.Join(names, ", ")),
			Where:    "name a stage with FROM … AS " + g.Stage,
		}
	case lesson.CheckCopiesFrom:
		return c.copiesFrom(g)
	case lesson.CheckFinalBaseNot:
		base := c.shipped().Base
		v := Verdict{Passed: true, Measured: "based on " + dockerfile.Printable(base)}
		for _, p := range g.Patterns {
			if matchImage(p, base) {
				v.Passed, v.Where = false, c.theImage()
			}
		}
		return v
	case lesson.CheckSizeMax:
		v := Verdict{Passed: c.info.Size <= g.SizeMax, Measured: sizeText(c.info.Size)}
		if !v.Passed {
			v.Where = c.theImage()
		}
		return v
	case lesson.CheckLayersMax:
		// The image's filesystem layers are its DiffIDs; history entries can disagree (a
		// base's zero-size RUN counts there, not here). Without them, the history decides.
		n := len(c.info.DiffIDs)
		for _, l := range c.info.Layers {
			if !l.Empty && len(c.info.DiffIDs) == 0 {
				n++
			}
		}
		v := Verdict{Passed: n <= g.LayersMax, Measured: human.Plural(n, "layer", "")}
		if !v.Passed {
			v.Where = "every RUN, COPY and ADD in the shipped stage (and its base's) is a layer"
		}
		return v
	}
	return Verdict{Measured: "unknown check " + g.Check}
}

// copiesFrom: a COPY --from of the named stage into the shipped stage or a stage it starts
// FROM.
func (c *checker) copiesFrom(g lesson.Goal) Verdict {
	chain := map[int]bool{}
	for st := &c.graph.Stages[c.graph.Target]; ; st = &c.graph.Stages[st.BaseStage] {
		chain[st.Index] = true
		if st.BaseStage < 0 {
			break
		}
	}
	var from []string
	passed := false
	for _, e := range c.graph.Edges {
		if e.Kind != dockerfile.EdgeCopy || !chain[e.To] {
			continue
		}
		name := c.graph.Stages[e.From].Label()
		from = append(from, name)
		passed = passed || c.graph.Stages[e.From].Name == g.Stage
	}
	v := Verdict{Passed: passed, Measured: "copies from no stage"}
	if len(from) > 0 {
		v.Measured = "copies from " + dockerfile.Printable(strings.Join(from, ", "))
	}
	if !passed {
		v.Where = fmt.Sprintf("COPY --from=%s in the last stage", g.Stage)
	}
	return v
}

// matchImage matches a FROM reference against a pattern, also without the registry prefix
// Docker Hub's official images may be written with.
func matchImage(pattern, ref string) bool {
	for _, r := range []string{ref, strings.TrimPrefix(strings.TrimPrefix(ref, "docker.io/"), "library/")} {
		if ok, _ := path.Match(pattern, r); ok {
			return true
		}
	}
	return false
}

// runGoal runs the image once, cut off from the network and bounded, and checks it.
func (c *checker) runGoal(ctx context.Context, g lesson.Goal) error {
	c.phase(lab.PhaseRun)
	r := g.Run
	rr, err := c.eng.Run(ctx, engine.RunRequest{
		Image: c.image, Args: r.Args, Entrypoint: r.Entrypoint, Timeout: r.Timeout,
		Labels: Labels(c.ex), Network: "none", Memory: c.memory(), PidsLimit: c.pids(),
	})
	v := Verdict{Want: want(g)}
	var serr *engine.StartError
	switch {
	case errors.As(err, &serr):
		v.Measured = "did not start: " + serr.Reason
		v.Where = "the ENTRYPOINT and CMD of the image: " + lab.DockerRun(c.tag, r.Entrypoint, r.Args)
		if f := lab.Explain(ctx, c.eng, c.image, serr.Reason, lab.Program(c.info, r.Entrypoint, r.Args)); f != nil {
			v.Where = f.Message // why the program cannot start, looked up in the image
		}
	case err != nil:
		return fmt.Errorf("run %s: %w", c.tag, err)
	case rr.TimedOut:
		timeout := r.Timeout
		if timeout == 0 {
			timeout = engine.DefaultRunTimeout
		}
		v.Measured = "still running after " + timeout.String()
	default:
		v.Measured = fmt.Sprintf("exit %d: %s", rr.ExitCode, termtext.Sanitize(shownLine(rr.Output, r.Expect)))
		v.Passed = rr.ExitCode == r.ExitCode && strings.Contains(rr.Output, r.Expect)
		if !v.Passed {
			v.Where = "try it: " + lab.DockerRun(c.tag, r.Entrypoint, r.Args)
			if f := lab.Explain(ctx, c.eng, c.image, rr.Output, lab.Program(c.info, r.Entrypoint, r.Args)); f != nil {
				v.Where = f.Message + "; " + v.Where
			}
		}
	}
	c.record(g, v)
	return nil
}

// shownLine is the line of a run's output a verdict quotes: the one with the text the goal
// expects when there is one, else the last.
func shownLine(output, expect string) string {
	if expect != "" {
		for _, l := range strings.Split(output, "\n") {
			if strings.Contains(l, expect) {
				return strings.TrimSpace(l)
			}
		}
	}
	if last := termtext.LastLine(output); last != "" {
		return last
	}
	return "no output"
}

func (c *checker) memory() int64 {
	if c.opts.Memory > 0 {
		return c.opts.Memory
	}
	return DefaultMemory
}

func (c *checker) pids() int64 {
	if c.opts.PidsLimit > 0 {
		return c.opts.PidsLimit
	}
	return DefaultPids
}

// buildGoal decides the goals that build something more: the Dockerfile on another app or an
// edited context, or a lesson strategy to compare sizes with.
func (c *checker) buildGoal(ctx context.Context, g lesson.Goal, first engine.BuildResult) error {
	v := Verdict{Want: want(g)}
	switch g.Check {
	case lesson.CheckSizeRatioMax:
		l, _ := c.courseStrategy(g.Ratio.Lesson, g.Ratio.Strategy)
		if l == nil {
			v.Measured = "no strategy " + g.Ratio.Strategy + " to compare with"
			break
		}
		res, err := lab.Run(ctx, c.eng, l, lab.Options{Builder: c.opts.Builder, Namespace: c.opts.Namespace}, lab.Hooks{})
		if err != nil && (res.SizeBytes == 0 || infra(ctx, err)) {
			if infra(ctx, err) {
				return err
			}
			v.Measured = "could not measure " + g.Ratio.Strategy + ": " + err.Error()
			break
		}
		ratio := float64(c.info.Size) / float64(res.SizeBytes)
		v.Passed = ratio <= g.Ratio.Max
		v.Measured = fmt.Sprintf("%s, %.2f × %s (%s)", sizeText(c.info.Size), ratio, g.Ratio.Strategy, sizeText(res.SizeBytes))
		if !v.Passed {
			v.Where = c.theImage()
		}
	case lesson.CheckBuildFailsAt:
		return c.failsAt(ctx, g)
	case lesson.CheckCachedAfterEdit:
		return c.cachedAfterEdit(ctx, g)
	}
	c.record(g, v)
	return nil
}

// courseStrategy finds a lesson strategy in Options.Course.
func (c *checker) courseStrategy(lessonID, id string) (*lesson.Strategy, bool) {
	if c.opts.Course == nil {
		return nil, false
	}
	l, ok := c.opts.Course.Find(lessonID)
	if !ok {
		return nil, false
	}
	return l.Strategy(id)
}

// failsAt builds the Dockerfile on the broken variant of the app: it must fail, in the stage.
func (c *checker) failsAt(ctx context.Context, g lesson.Goal) error {
	f := g.FailsAt
	buildCtx, err := c.ex.BuildContextWithApp(f.WithApp, c.src)
	if err != nil {
		return err
	}
	c.phase(lab.PhaseRebuild)
	br, err := c.eng.Build(ctx, engine.BuildRequest{
		Context: buildCtx, Dockerfile: "Dockerfile", Tag: c.tag + "-" + f.WithApp, Target: c.opts.Target, Builder: c.opts.Builder,
		Labels: Labels(c.ex),
	}, c.event)
	c.removeStageImages(br.StageImages)
	v := Verdict{Want: want(g)}
	switch {
	case err == nil:
		c.removeImage(c.tag + "-" + f.WithApp)
		v.Measured = "it built: nothing stopped the broken app"
		v.Where = "a stage that runs the tests, and that the shipped stage needs"
	case infra(ctx, err):
		return err
	default:
		stage := c.failedStage(br, err)
		v.Passed = stage == f.Stage
		v.Measured = "failed in stage " + dockerfile.Printable(stage)
		if stage == "" {
			v.Measured = "failed: " + buildFailure(err)
		}
		if !v.Passed {
			v.Where = buildFailure(err)
		}
	}
	c.record(g, v)
	return nil
}

// failedStage names the stage of the step a failed build stopped at: the builder's own
// (BuildKit's stage names, the legacy builder's count of FROM steps), else the stage the
// legacy step number falls in.
func (c *checker) failedStage(br engine.BuildResult, err error) string {
	for _, st := range br.StepLog {
		if st.State != engine.StepFailed {
			continue
		}
		if st.StageNumber >= 0 && st.StageNumber < len(c.graph.Stages) {
			return c.graph.Stages[st.StageNumber].Label()
		}
		if i := c.graph.StageByProgressName(st.Stage); i >= 0 {
			return c.graph.Stages[i].Label()
		}
		if st.Stage != "" {
			return st.Stage
		}
	}
	var be *engine.BuildError
	if errors.As(err, &be) && be.Step > 0 {
		if i := c.graph.LegacyStage(be.Step); i >= 0 {
			return c.graph.Stages[i].Label()
		}
	}
	return ""
}

// cachedAfterEdit edits a file of the context and builds again: the named step must come from
// the cache.
func (c *checker) cachedAfterEdit(ctx context.Context, g lesson.Goal) error {
	e := g.Cached
	edited, err := c.ex.EditedContext(c.src, e.File, time.Now())
	if err != nil {
		return err
	}
	c.phase(lab.PhaseRebuild)
	br, err := c.eng.Build(ctx, engine.BuildRequest{
		Context: edited, Dockerfile: "Dockerfile", Tag: c.tag + "-edit", Target: c.opts.Target, Builder: c.opts.Builder,
		Labels: Labels(c.ex),
	}, c.event)
	c.removeStageImages(br.StageImages)
	if err == nil {
		c.removeImage(c.tag + "-edit") // a new edit each time: never built again
	}
	v := Verdict{Want: want(g)}
	if err != nil {
		if infra(ctx, err) {
			return err
		}
		v.Measured = "the rebuild failed: " + buildFailure(err)
		c.record(g, v)
		return nil
	}
	var found *engine.Step
	var before []string
	for i, st := range br.StepLog {
		if st.Internal {
			continue
		}
		if strings.Contains(st.Name, e.Step) {
			found = &br.StepLog[i]
			break
		}
		if st.State != engine.StepCached {
			before = append(before, st.Name)
		}
	}
	switch {
	case found == nil:
		v.Measured = fmt.Sprintf("no step runs %q", e.Step)
	case found.State == engine.StepCached:
		v.Passed, v.Measured = true, fmt.Sprintf("%s came from the cache", termtext.Sanitize(found.Name))
	default:
		v.Measured = fmt.Sprintf("%s ran again", termtext.Sanitize(found.Name))
		if len(before) > 0 {
			v.Where = "it comes after " + termtext.Sanitize(before[len(before)-1]) + ", which the edit changed"
		}
	}
	c.record(g, v)
	return nil
}

// userIsRoot reads a USER value: root when empty, "root", or uid 0. A name other than root is
// looked up in passwd (the image's /etc/passwd); uid reports the uid found, -1 for a name
// passwd does not know.
func userIsRoot(user string, passwd []byte) (root bool, uid int) {
	name, _, _ := strings.Cut(user, ":")
	switch name {
	case "", "root":
		return true, 0
	}
	if n, err := strconv.Atoi(name); err == nil {
		return n == 0, n
	}
	for _, line := range strings.Split(string(passwd), "\n") {
		f := strings.Split(line, ":")
		if len(f) >= 3 && f[0] == name {
			n, err := strconv.Atoi(f[2])
			if err != nil {
				return false, -1
			}
			return n == 0, n
		}
	}
	return false, -1
}
