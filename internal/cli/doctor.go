package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/human"
	"github.com/docktutor/docktutor/internal/lesson"
)

type doctorOptions struct {
	*globalOptions
	json bool
	// diagnose checks the daemon; tests replace it to play a machine they do not have.
	diagnose func(context.Context, engine.DoctorOptions) engine.Diagnosis
}

func newDoctorCmd(g *globalOptions) *cobra.Command {
	o := &doctorOptions{globalOptions: g, diagnose: engine.Diagnose}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check that this machine can run the lessons, and say how to fix what it cannot",
		Long: `Check everything a lesson needs, without changing anything: which Docker endpoint and
context are in use (DOCKER_HOST, DOCKER_CONTEXT or 'docker context use', as the docker CLI
decides), whether you may open its socket, the daemon and its API version, the builders it
offers (legacy, BuildKit), its storage driver, its free disk, and which of the lessons' base
images it already has ('docktutor kit pull' or 'docktutor kit load FILE' gets the missing ones).

Each check is marked PASS, WARN (lessons run, but something will surprise you), FAIL
(lessons cannot build until it is fixed) or SKIP (not checked: an earlier check failed),
with one line saying what to do. Exits 0 when the lessons can run, 1 otherwise.

--json prints {"checks":[{"name","status","detail","fix"}],"ok":true|false}.`,
		Example: `  docktutor doctor
  docktutor doctor --json | jq '.checks[] | select(.status != "pass")'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.run(cmd.Context())
		},
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print JSON instead of a report")
	return cmd
}

func (o *doctorOptions) run(ctx context.Context) error {
	var images []string
	lessonsCheck := engine.Check{Name: "lessons", Status: engine.CheckPass}
	c, err := o.loadCourse()
	if err != nil {
		lessonsCheck.Status, lessonsCheck.Detail = engine.CheckFail, err.Error()
		lessonsCheck.Fix = "fix the lessons folder given with --lessons, or leave --lessons out for the built-in lessons"
	} else {
		images = baseImages(c)
		lessonsCheck.Detail = fmt.Sprintf("%d lessons, %d base images", len(c.Lessons), len(images))
	}

	d := o.diagnose(ctx, engine.DoctorOptions{BaseImages: images})
	d.Checks = append([]engine.Check{lessonsCheck}, d.Checks...)
	d.OK = d.OK && lessonsCheck.Status != engine.CheckFail

	if o.json {
		if err := writeJSON(o.streams.Out, d); err != nil {
			return err
		}
	} else {
		printDiagnosis(o.streams.Out, d)
	}
	if !d.OK {
		return &ExitError{Code: 1, Err: errors.New("the lessons cannot run until the checks marked FAIL are fixed")}
	}
	return nil
}

// baseImages lists the images the course's Dockerfiles start FROM or copy --from, each once in
// course order: every FROM that is neither an earlier stage nor scratch. All stages count, not
// only those the target needs: the legacy builder builds every stage before the target. It
// reads each strategy's graph, parsed once by the lesson loader.
func baseImages(c *lesson.Course) []string {
	var images []string
	seen := map[string]bool{}
	add := func(ref string) {
		if ref != "" && !strings.EqualFold(ref, "scratch") && !seen[ref] {
			seen[ref] = true
			images = append(images, ref)
		}
	}
	addGraph := func(g *dockerfile.Graph) {
		if g == nil {
			return
		}
		for _, st := range g.Stages {
			if st.BaseStage < 0 {
				add(st.Base)
			}
		}
		for _, ext := range g.External {
			add(ext)
		}
	}
	for _, l := range c.Lessons {
		for _, s := range l.Strategies {
			addGraph(s.Graph)
		}
	}
	// The exercises build from images too: a solution's, and the starter the learner begins
	// with (a prediction exercise has neither).
	for _, ex := range c.Exercises() {
		if ex.Predict() != nil {
			continue
		}
		addGraph(ex.SolutionGraph)
		if g, err := dockerfile.Parse(ex.Starter, dockerfile.Options{}); err == nil {
			addGraph(g)
		}
	}
	return images
}

// printDiagnosis writes the report: one line per check, its fix on the next, and the verdict.
// The image checks ("image python:3.13") show as "image" with the reference leading the
// detail, which keeps the name column narrow.
func printDiagnosis(w io.Writer, d engine.Diagnosis) {
	split := func(c engine.Check) (name, detail string) {
		if ref, ok := strings.CutPrefix(c.Name, "image "); ok {
			return "image", ref + ": " + c.Detail
		}
		return c.Name, c.Detail
	}
	width := 0
	for _, c := range d.Checks {
		name, _ := split(c)
		width = max(width, len(name))
	}
	warnings := 0
	for _, c := range d.Checks {
		name, detail := split(c)
		fmt.Fprintf(w, "%-4s  %-*s  %s\n", strings.ToUpper(string(c.Status)), width, dockerfile.Printable(name), dockerfile.Printable(detail))
		if c.Fix != "" {
			fmt.Fprintf(w, "%-4s  %-*s  fix: %s\n", "", width, "", dockerfile.Printable(c.Fix))
		}
		if c.Status == engine.CheckWarn {
			warnings++
		}
	}
	fmt.Fprintln(w)
	switch {
	case !d.OK:
		fmt.Fprintln(w, "The lessons cannot run here yet: fix the checks marked FAIL, then run docktutor doctor again.")
	case warnings > 0:
		fmt.Fprintf(w, "The lessons can run (%s above).\n", human.Plural(warnings, "warning", ""))
	default:
		fmt.Fprintln(w, "The lessons can run.")
	}
}
