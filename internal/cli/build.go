package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/human"
	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/termtext"
	"github.com/spf13/cobra"
)

type buildOptions struct {
	*globalOptions
	strategy string
	builder  string
	noCache  bool
	json     bool
	quiet    bool
}

func newBuildCmd(g *globalOptions) *cobra.Command {
	o := &buildOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "build <lesson>",
		Short: "Build a lesson's strategies without the TUI and report what they produced",
		Long: `Build one or all of a lesson's strategies on your Docker daemon, run each image once and
print a table: base image, image size, layers, build time, cached steps and what the container
printed. Exits non-zero if any build or run fails, or a container does not print what the
lesson expects.

Every image is tagged docktutor/<lesson>:<strategy> and labelled io.docktutor.*, so
'docktutor clean' can remove them later without touching anything else.`,
		Example: `  docktutor build multistage
  docktutor build multistage --strategy go-multistage --builder legacy
  docktutor build multistage --no-cache --json`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: g.completeLessons,
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd.Context(), args[0])
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.strategy, "strategy", "s", "all", "strategy `id` to build, or all")
	f.StringVar(&o.builder, "builder", "auto", "builder: auto, buildkit or legacy")
	f.BoolVar(&o.noCache, "no-cache", false, "do not use the build cache")
	f.BoolVar(&o.json, "json", false, "print JSON instead of a table")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "do not print build steps while building")
	return cmd
}

// buildReport is the JSON shape of `docktutor build --json`.
type buildReport struct {
	Lesson  string       `json:"lesson"`
	Results []lab.Result `json:"results"`
}

func (o *buildOptions) run(ctx context.Context, lessonID string) error {
	c, err := o.loadCourse()
	if err != nil {
		return err
	}
	l, err := findLesson(c, lessonID)
	if err != nil {
		return err
	}
	strategies, err := pickStrategies(l, o.strategy)
	if err != nil {
		return err
	}
	builder, err := engine.ParseBuilder(o.builder)
	if err != nil {
		return &ExitError{Code: 2, Err: err}
	}
	eng, closeEngine, err := o.openEngine(ctx)
	if err != nil {
		return err
	}
	defer closeEngine()

	store, err := o.openProgress()
	if err != nil {
		return err
	}
	cache := o.openResults()
	report := buildReport{Lesson: l.ID, Results: []lab.Result{}}
	var failed []string
	for _, s := range strategies {
		progress := lab.Hooks{}
		if !o.quiet {
			progress = stepPrinter(o.streams.Err, s.ID)
		}
		res, err := lab.Run(ctx, eng, s, lab.Options{Builder: builder, NoCache: o.noCache, Namespace: os.Getenv(envNamespace)}, progress)
		report.Results = append(report.Results, res)
		if cache != nil {
			cache.AddStageImages(res.StageImages...) // failed builds leave them too; clean removes them
		}
		if err == nil {
			// A build from the command line counts as much as one in the TUI.
			store.MarkBuilt(l.ID, s.ID)
			if cache != nil {
				cache.Put(res)
			}
		}
		if err != nil {
			failed = append(failed, err.Error()) // lab's errors name the strategy or its image
			if ctx.Err() != nil {
				break // interrupted: do not start the next build
			}
		}
	}

	if err := store.Save(); err != nil {
		fmt.Fprintf(o.streams.Err, "docktutor: warning: %v\n", err)
	}
	if cache != nil {
		if err := cache.Save(); err != nil {
			fmt.Fprintf(o.streams.Err, "docktutor: warning: %v\n", err)
		}
	}
	if o.json {
		if err := writeJSON(o.streams.Out, report); err != nil {
			return err
		}
	} else {
		printResults(o.streams.Out, report.Results)
	}
	if ctx.Err() != nil {
		return &ExitError{Code: 130, Err: errors.New("interrupted; the build was cancelled and its containers removed")}
	}
	if len(failed) > 0 {
		return exitf(1, "%d of %d strategies failed:\n  %s", len(failed), len(strategies), strings.Join(failed, "\n  "))
	}
	return nil
}

func pickStrategies(l *lesson.Lesson, id string) ([]*lesson.Strategy, error) {
	if id == "" || id == "all" {
		return l.Strategies, nil
	}
	if s, ok := l.Strategy(id); ok {
		return []*lesson.Strategy{s}, nil
	}
	ids := make([]string, len(l.Strategies))
	for i, s := range l.Strategies {
		ids[i] = s.ID
	}
	return nil, exitf(2, "lesson %s has no strategy %q; available: %s, all", l.ID, id, strings.Join(ids, ", "))
}

// stepPrinter reports build steps on w (standard error) as they start, so a long build shows it
// is alive.
func stepPrinter(w io.Writer, strategy string) lab.Hooks {
	return lab.Hooks{
		Phase: func(st lab.Phase) {
			if st != lab.PhaseBuild {
				fmt.Fprintf(w, "%s: %s\n", strategy, st)
			}
		},
		Event: func(ev engine.Event) {
			switch ev.Kind {
			case engine.EventStepStarted:
				fmt.Fprintf(w, "%s: %s\n", strategy, dockerfile.Printable(ev.Title()))
			case engine.EventCacheHit:
				fmt.Fprintf(w, "%s: %s (cached)\n", strategy, dockerfile.Printable(ev.Title()))
			case engine.EventError:
				fmt.Fprintf(w, "%s: error: %s\n", strategy, dockerfile.Printable(termtext.Plain(ev.Text)))
			}
		},
	}
}

func printResults(w io.Writer, results []lab.Result) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STRATEGY\tBASE IMAGE\tSIZE\tLAYERS\tCONTEXT\tBUILD\tCACHED\tBUILDER\tRUN OUTPUT")
	for _, r := range results {
		out := firstLine(r.RunOutput)
		if r.ExitCode != 0 {
			// A recipe that is meant to fail: its last line says why (the first is "Traceback").
			out = fmt.Sprintf("exit %d: %s", r.ExitCode, firstLine(termtext.LastLine(r.RunOutput)))
		}
		if r.Error != "" {
			out = "FAILED: " + firstLine(r.Error)
		}
		base := r.BaseImage
		if r.StandIn {
			base += " (test stand-in)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%d/%d\t%s\t%s\n", r.Strategy, base, human.Size(r.SizeBytes),
			r.Layers, human.Size(r.ContextBytes), (time.Duration(r.BuildSeconds*10) * time.Second / 10).String(), r.CachedSteps, r.Steps, r.Builder, out)
	}
	tw.Flush()
	for _, r := range results {
		if r.Diagnosis != nil {
			fmt.Fprintf(w, "why %s: %s\n", r.Strategy, dockerfile.Printable(r.Diagnosis.Message))
		}
		for _, c := range r.Checks {
			mark := "ok  "
			if !c.Passed {
				mark = "FAIL"
			}
			fmt.Fprintf(w, "%s check %s: %s — %s\n", mark, r.Strategy, c.Title, firstLine(termtext.LastLine(c.Output)))
			if c.Diagnosis != nil {
				fmt.Fprintf(w, "     why: %s\n", dockerfile.Printable(c.Diagnosis.Message))
			}
		}
		if rb := r.Rebuild; rb != nil {
			fmt.Fprintf(w, "rebuild %s after the edit: %d of %d steps reused from the cache, %.1fs\n", r.Strategy, rb.CachedSteps, rb.Steps, rb.BuildSeconds)
			for _, st := range rb.StepResults {
				word := "re-ran"
				switch {
				case st.Cached:
					word = "reused"
				case engine.IsFrom(st.Name):
					word = "base" // builders never report FROM as cached: it is the starting point
				}
				fmt.Fprintf(w, "    %-6s %s\n", word, st.Name)
			}
		}
	}
}

// firstLine is the first line of s, cut short, with colours dropped and control characters
// escaped: container output and builder errors are untrusted and must not drive the terminal.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	s = dockerfile.Printable(termtext.Plain(s))
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "..."
	}
	return s
}
