package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/exercise"
	"github.com/docktutor/docktutor/internal/human"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/termtext"
	"github.com/spf13/cobra"
)

// newExerciseCmd is the parent of the exercise commands; given an id alone, it opens that
// exercise in the tutorial.
func newExerciseCmd(g *globalOptions) *cobra.Command {
	var builder string
	cmd := &cobra.Command{
		Use:   "exercise [<id>]",
		Short: "Write Dockerfiles that docktutor builds and checks, goal by goal",
		Long: `Exercises ask you to write the Dockerfile. docktutor builds it on your daemon and checks
the image against the exercise's goals, saying for each what it measured against what was
wanted.

Your files live in $XDG_DATA_HOME/docktutor/exercises/<id>/ (~/.local/share/docktutor when
XDG_DATA_HOME is unset), created from the exercise's starter the first time.`,
		Example: `  docktutor exercise ship-thin-go
  docktutor exercise list
  docktutor exercise check ship-thin-go
  docktutor exercise check ship-thin-go --file ./Dockerfile --json
  docktutor exercise reset ship-thin-go`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: g.completeExercises,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmd.Help()
			}
			return runExercise(cmd.Context(), g, args[0], builder)
		},
	}
	cmd.Flags().StringVar(&builder, "builder", "auto", "builder: auto, buildkit or legacy")
	cmd.AddCommand(newExerciseListCmd(g), newExerciseCheckCmd(g), newExerciseResetCmd(g))
	return cmd
}

// exerciseJSON is one line of `exercise list --json`.
type exerciseJSON struct {
	ID     string `json:"id"`
	Lesson string `json:"lesson"`
	Title  string `json:"title"`
	Solved bool   `json:"solved"`
}

func newExerciseListCmd(g *globalOptions) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the exercises, lesson by lesson, with what you solved",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			c, err := g.loadCourse()
			if err != nil {
				return err
			}
			s, err := g.openProgress()
			if err != nil {
				return err
			}
			list := []exerciseJSON{}
			tw := tabwriter.NewWriter(g.streams.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tLESSON\tTITLE\tSTATUS")
			for _, ex := range c.Exercises() {
				ep := s.Exercise(ex.ID)
				list = append(list, exerciseJSON{ID: ex.ID, Lesson: ex.LessonID, Title: ex.Title, Solved: ep.Solved})
				status := "-"
				switch {
				case ep.Solved:
					status = "✓ solved"
				case ep.Total > 0:
					status = fmt.Sprintf("%d/%d goals", ep.Passed, ep.Total)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", ex.ID, ex.LessonID, ex.Title, status)
			}
			if asJSON {
				return writeJSON(g.streams.Out, list)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of a table")
	return cmd
}

type exerciseCheckOptions struct {
	*globalOptions
	file               string
	solution, starter  bool
	all, json, noCache bool
	builder            string
}

func newExerciseCheckCmd(g *globalOptions) *cobra.Command {
	o := &exerciseCheckOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "check <id> | --all",
		Short: "Build your Dockerfile for an exercise and check it against the goals",
		Long: `Build your Dockerfile for the exercise (your workspace file, or --file) and check the image
against each goal. Exits 0 when every goal is met, 1 when one is not (a failed build
included), 2 on a usage error. Your best result is recorded in your progress.

--solution and --starter check the exercise's own files instead; with --all, every exercise:
the solutions must meet every goal and the starters must miss one (what CI checks).`,
		Example: `  docktutor exercise check ship-thin-go
  docktutor exercise check ship-thin-go --file ./Dockerfile --json
  docktutor exercise check --all --solution`,
		Args: func(_ *cobra.Command, args []string) error {
			switch {
			case o.all && len(args) > 0:
				return exitf(2, "give an exercise id or --all, not both")
			case !o.all && len(args) != 1:
				return exitf(2, "check takes one exercise id (docktutor exercise list shows them), or --all")
			case btoi(o.file != "")+btoi(o.solution)+btoi(o.starter) > 1:
				return exitf(2, "--file, --solution and --starter choose what to check: give one of them")
			case o.all && o.file != "":
				return exitf(2, "--file names one exercise's Dockerfile; it does not go with --all")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd.Context(), args) },
	}
	f := cmd.Flags()
	f.StringVarP(&o.file, "file", "f", "", "check this `FILE` instead of your workspace file")
	f.BoolVar(&o.solution, "solution", false, "check the exercise's solution")
	f.BoolVar(&o.starter, "starter", false, "check the exercise's starter")
	f.BoolVar(&o.all, "all", false, "check every exercise")
	f.BoolVar(&o.json, "json", false, "print JSON instead of text")
	f.BoolVar(&o.noCache, "no-cache", false, "build without the build cache")
	f.StringVar(&o.builder, "builder", "auto", "builder: auto, buildkit or legacy")
	return cmd
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checkJSON is the JSON of one check, as `exercise check --json` prints it.
type checkJSON struct {
	Exercise string     `json:"exercise"`
	Passed   bool       `json:"passed"`
	Goals    []goalJSON `json:"goals"`
	Error    string     `json:"error"`
	file     string     // what was checked, for the text output
	report   exercise.Report
}

type goalJSON struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Passed   bool   `json:"passed"`
	Measured string `json:"measured"`
	Want     string `json:"want"`
}

func (o *exerciseCheckOptions) run(ctx context.Context, args []string) error {
	builder, err := engine.ParseBuilder(o.builder)
	if err != nil {
		return exitf(2, "%v", err)
	}
	c, err := o.loadCourse()
	if err != nil {
		return err
	}
	exercises := c.Exercises()
	if !o.all {
		ex, ok := c.Exercise(args[0])
		if !ok {
			var ids []string
			for _, e := range exercises {
				ids = append(ids, e.ID)
			}
			return exitf(2, "unknown exercise %q; available: %s", args[0], strings.Join(ids, ", "))
		}
		exercises = []*lesson.Exercise{ex}
	}
	eng, release, err := o.openEngine(ctx)
	if err != nil {
		return err
	}
	defer release()
	opts := exercise.Options{Builder: builder, Namespace: os.Getenv(envNamespace), NoCache: o.noCache, Course: c}

	var results []checkJSON
	ok := true
	for _, ex := range exercises {
		src, file, err := o.source(ex)
		if err != nil {
			return err
		}
		var hooks exercise.Hooks
		if !o.json {
			hooks.Event = o.stepLine
			fmt.Fprintf(o.streams.Err, "Checking %s (%s)…\n", ex.ID, file)
		}
		rep, err := exercise.Check(ctx, eng, ex, src, opts, hooks)
		if err != nil {
			return fmt.Errorf("check %s: %w", ex.ID, err)
		}
		if !o.solution && !o.starter {
			o.record(ex, rep)
		}
		results = append(results, toJSON(rep, file))
		switch {
		case o.starter && o.all:
			ok = ok && !rep.Passed // a starter must miss a goal
		default:
			ok = ok && rep.Passed
		}
		if !o.json {
			o.printReport(rep, file)
		}
	}
	if o.all && !o.json {
		fmt.Fprintf(o.streams.Out, "%s checked\n", human.Plural(len(results), "exercise", ""))
	}
	if o.json {
		var v any = results
		if !o.all {
			v = results[0]
		}
		if err := writeJSON(o.streams.Out, v); err != nil {
			return err
		}
	}
	switch {
	case ok:
		return nil
	case o.starter && o.all:
		return &ExitError{Code: 1, Err: errors.New("a starter meets every goal: its exercise asks nothing")}
	case o.all:
		return &ExitError{Code: 1, Err: errors.New("not every exercise meets its goals")}
	}
	return &ExitError{Code: 1, Err: fmt.Errorf("%s: not every goal is met", exercises[0].ID)}
}

// source reads what to check: --file, the solution, the starter, or the workspace file.
func (o *exerciseCheckOptions) source(ex *lesson.Exercise) ([]byte, string, error) {
	switch {
	case o.solution:
		return ex.Solution, "the solution", nil
	case o.starter:
		return ex.Starter, "the starter", nil
	case o.file != "":
		b, err := os.ReadFile(o.file)
		if err != nil {
			return nil, "", exitf(2, "--file: %v", err)
		}
		return b, o.file, nil
	}
	dir, err := exercise.WorkspaceDir()
	if err != nil {
		return nil, "", err
	}
	p, err := exercise.Workspace(dir, ex)
	if err != nil {
		return nil, "", err
	}
	b, err := os.ReadFile(p)
	return b, p, err
}

// record keeps the check in the learner's progress; a progress file that cannot be written
// is a warning, not a failed check.
func (o *exerciseCheckOptions) record(ex *lesson.Exercise, rep exercise.Report) {
	s, err := o.openProgress()
	if err != nil {
		o.warn(err.Error())
		return
	}
	passed := 0
	for _, v := range rep.Goals {
		if v.Passed {
			passed++
		}
	}
	s.RecordExercise(ex.LessonID, ex.ID, passed, len(rep.Goals))
	if err := s.Save(); err != nil {
		o.warn("progress: " + err.Error())
	}
}

// stepLine prints each build step as it starts, so a long build is not silence.
func (o *exerciseCheckOptions) stepLine(e engine.Event) {
	if e.Kind == engine.EventStepStarted && !e.Internal {
		fmt.Fprintf(o.streams.Err, "  %s\n", termtext.Line(e.Name))
	}
}

func toJSON(rep exercise.Report, file string) checkJSON {
	j := checkJSON{Exercise: rep.Exercise, Passed: rep.Passed, Goals: []goalJSON{}, Error: rep.Error, file: file, report: rep}
	for _, v := range rep.Goals {
		j.Goals = append(j.Goals, goalJSON{ID: v.ID, Title: v.Title, Passed: v.Passed, Measured: v.Measured, Want: v.Want})
	}
	return j
}

// printReport writes one line per goal, ✓ or ✗, and the build's failure when there is one;
// coloured only on a terminal without NO_COLOR.
func (o *exerciseCheckOptions) printReport(rep exercise.Report, file string) {
	out := o.streams.Out
	paint := colours(out)
	for _, v := range rep.Goals {
		mark := paint(green, "✓")
		if !v.Passed {
			mark = paint(red, "✗")
		}
		fmt.Fprintf(out, "%s %s: %s\n", mark, termtext.Line(v.Title), termtext.Line(v.String()))
	}
	if rep.Error != "" {
		fmt.Fprintf(out, "\n%s\n", termtext.PlainLines(rep.Error))
	}
	passed := 0
	for _, v := range rep.Goals {
		if v.Passed {
			passed++
		}
	}
	verdict := paint(green, fmt.Sprintf("%s: solved, %d/%d goals", rep.Exercise, passed, len(rep.Goals)))
	if !rep.Passed {
		verdict = paint(red, fmt.Sprintf("%s: %d/%d goals met", rep.Exercise, passed, len(rep.Goals)))
	}
	fmt.Fprintf(out, "%s (%s)\n\n", verdict, file)
}

const (
	green = "32"
	red   = "31"
)

// colours returns a painter that wraps text in an SGR colour when w is a terminal and
// NO_COLOR is unset, and leaves it alone otherwise.
func colours(w io.Writer) func(code, s string) string {
	if _, ok := terminalFile(w); !ok || noColour() {
		return func(_, s string) string { return s }
	}
	return func(code, s string) string { return "\x1b[" + code + "m" + s + "\x1b[0m" }
}

func newExerciseResetCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "reset <id>",
		Short: "Put the exercise's starter back in your workspace file",
		Long:  `Replace your workspace file for the exercise with its starter. Your version is gone.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return exitf(2, "reset takes one exercise id")
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			c, err := g.loadCourse()
			if err != nil {
				return err
			}
			ex, ok := c.Exercise(args[0])
			if !ok {
				return exitf(2, "unknown exercise %q; docktutor exercise list shows them", args[0])
			}
			dir, err := exercise.WorkspaceDir()
			if err != nil {
				return err
			}
			if err := exercise.Reset(dir, ex); err != nil {
				return fmt.Errorf("reset %s: %w", ex.ID, err)
			}
			p, _ := exercise.Workspace(dir, ex)
			fmt.Fprintf(g.streams.Out, "Reset %s to its starter: %s\n", ex.ID, p)
			return nil
		},
	}
}
