package cli

import (
	"context"
	"errors"
	"os"

	"github.com/charmbracelet/x/term"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/progress"
	"github.com/docktutor/docktutor/internal/ui"
	"github.com/spf13/cobra"
)

type lessonOptions struct {
	*globalOptions
	builder string
}

func newLessonCmd(g *globalOptions) *cobra.Command {
	o := &lessonOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "lesson <lesson>",
		Short: "Open one lesson in the interactive tutorial",
		Long: `Open a lesson: its text and Dockerfiles beside a live build pane. Press b to build the
strategy shown on your Docker daemon, B to build them all, ? for every key.

See the lessons with 'docktutor list'.`,
		Example:           "  docktutor lesson multistage",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: g.completeLessons,
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd.Context(), args[0])
		},
	}
	cmd.Flags().StringVar(&o.builder, "builder", "auto", "builder: auto, buildkit or legacy")
	return cmd
}

func (o *lessonOptions) run(ctx context.Context, id string) error {
	c, err := o.loadCourse()
	if err != nil {
		return err
	}
	if _, err := findLesson(c, id); err != nil {
		return err
	}
	return runTUI(ctx, o.globalOptions, c, id, o.builder)
}

func runMenu(ctx context.Context, g *globalOptions) error {
	c, err := g.loadCourse()
	if err != nil {
		return err
	}
	return runTUI(ctx, g, c, "", "auto")
}

// runTUI starts the interactive program on the command's streams.
func runTUI(ctx context.Context, g *globalOptions, c *lesson.Course, lessonID, builderFlag string) error {
	builder, err := engine.ParseBuilder(builderFlag)
	if err != nil {
		return &ExitError{Code: 2, Err: err}
	}
	if f, ok := g.streams.Out.(*os.File); !ok || !term.IsTerminal(f.Fd()) {
		return exitf(2, "the tutorial needs a terminal; for scripts use 'docktutor build %s' or 'docktutor list'", orDefault(lessonID, "<lesson>"))
	}
	// Warnings go on the TUI's first screen: printed here, the alternate screen would hide them.
	var warnings []string
	collect := func(w string) { warnings = append(warnings, w) }
	store, err := g.openProgressWarning(collect)
	if err != nil {
		return err
	}
	results := g.openResultsWarning(collect)
	err = ui.Run(ctx, ui.Options{
		Progress:  store,
		Results:   results,
		Warnings:  warnings,
		Course:    c,
		Lesson:    lessonID,
		Connect:   g.connect,
		Builder:   builder,
		Namespace: os.Getenv(envNamespace),
		Input:     g.streams.In,
		Output:    g.streams.Out,
		Plain:     os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb",
		Dark:      true,
	})
	if errors.Is(err, context.Canceled) {
		return &ExitError{Code: 130, Err: errors.New("interrupted; builds were cancelled and their containers removed")}
	}
	return err
}

// connectEngine opens the daemon for the TUI.
func connectEngine(ctx context.Context) (engine.Engine, engine.DaemonInfo, error) {
	eng, err := engine.New(ctx)
	if err != nil {
		return nil, engine.DaemonInfo{}, err
	}
	info, err := eng.Info(ctx)
	if err != nil {
		eng.Close()
		return nil, engine.DaemonInfo{}, err
	}
	return eng, info, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// openResults opens the cache of last measured results. It is a convenience, not a
// requirement: when it cannot be opened, lessons simply start without earlier results, and
// the reason goes to standard error.
func (g *globalOptions) openResults() *progress.ResultsCache { return g.openResultsWarning(g.warn) }

// openResultsWarning is openResults handing its warnings to warn.
func (g *globalOptions) openResultsWarning(warn func(string)) *progress.ResultsCache {
	dir, err := progress.DefaultCacheDir()
	if err != nil {
		warn("results cache: " + err.Error())
		return nil
	}
	rc, warnings, err := progress.OpenResults(dir)
	for _, w := range warnings {
		warn(w.String())
	}
	if err != nil {
		warn("results cache: " + err.Error())
		return nil
	}
	return rc
}
