package cli

import (
	"bytes"
	"fmt"
	"os"
	"time"

	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/progress"
	learnerreport "github.com/docktutor/docktutor/internal/report"
	"github.com/spf13/cobra"
)

type reportOptions struct {
	*globalOptions
	format string
	output string
	now    func() time.Time // the report's date; tests fix it
}

func newReportCmd(g *globalOptions) *cobra.Command {
	o := &reportOptions{globalOptions: g, now: time.Now}
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write what you did: lessons, exercises, measured sizes, answers",
		Long: `Write a report of what you did in the course: each lesson and exercise, done or not; the
image sizes you measured, with the base image and builder of each; your answers; the date.
Keep it, or share it: the Markdown reads well in a terminal (glow, or any Markdown viewer) and
on a code-hosting site. It is made from your progress ($XDG_STATE_HOME/docktutor) and your
last measured results ($XDG_CACHE_HOME/docktutor); it needs no Docker daemon.`,
		Example: `  docktutor report
  docktutor report -o my-docktutor.md
  docktutor report --format json | jq '.lessons[] | {id, status}'`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return o.run() },
	}
	cmd.Flags().StringVar(&o.format, "format", "markdown", "markdown or json")
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "write the report to `FILE` instead of standard output")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"markdown", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func (o *reportOptions) run() error {
	if o.format != "markdown" && o.format != "json" {
		return exitf(2, "unknown report format %q; use markdown or json", o.format)
	}
	c, err := o.loadCourse()
	if err != nil {
		return err
	}
	s, err := o.openProgress()
	if err != nil {
		return err
	}
	r := learnerreport.Build(learnerreport.Inputs{Course: c, Progress: s, Results: o.openResults(), Now: o.now(),
		Exercises: reportExercises(c, s)})

	var b bytes.Buffer
	if o.format == "json" {
		if err := learnerreport.WriteJSON(&b, r); err != nil {
			return err
		}
	} else {
		b.WriteString(learnerreport.Markdown(r))
	}
	if o.output == "" {
		_, err := o.streams.Out.Write(b.Bytes())
		return err
	}
	if err := os.WriteFile(o.output, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	fmt.Fprintf(o.streams.Err, "Report written to %s\n", o.output)
	return nil
}

// reportExercises lists the course's exercises with how far the learner got in each.
func reportExercises(c *lesson.Course, s *progress.Store) []learnerreport.Exercise {
	var out []learnerreport.Exercise
	for _, ex := range c.Exercises() {
		p := s.Exercise(ex.ID)
		e := learnerreport.Exercise{Lesson: ex.LessonID, ID: ex.ID, Title: ex.Title, Done: p.Solved, At: p.At}
		if p.Total > 0 && !p.Solved {
			e.Detail = fmt.Sprintf("%d of %d goals", p.Passed, p.Total)
		}
		out = append(out, e)
	}
	return out
}
