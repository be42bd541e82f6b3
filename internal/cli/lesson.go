package cli

import (
	"context"
	"errors"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/docktutor/docktutor/internal/course"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/exercise"
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
	if o.lessonsDir == "" {
		// The built-in course, validated whole by its tests: the screen opens with the lesson
		// and the rest follows after the first frame. A lesson it does not have gets the usual
		// answer from the whole course below.
		if part, err := course.Lesson(id); err == nil {
			return runTUI(ctx, o.globalOptions, part, tuiStart{lesson: id, fullCourse: course.Builtin}, o.builder)
		}
	}
	c, err := o.loadCourse()
	if err != nil {
		return err
	}
	if _, err := findLesson(c, id); err != nil {
		return err
	}
	return runTUI(ctx, o.globalOptions, c, tuiStart{lesson: id}, o.builder)
}

func runMenu(ctx context.Context, g *globalOptions) error {
	c, err := g.loadCourse()
	if err != nil {
		return err
	}
	return runTUI(ctx, g, c, tuiStart{}, "auto")
}

// runExercise opens one exercise in the interactive tutorial.
func runExercise(ctx context.Context, g *globalOptions, id, builderFlag string) error {
	c, err := g.loadCourse()
	if err != nil {
		return err
	}
	if _, ok := c.Exercise(id); !ok {
		var ids []string
		for _, ex := range c.Exercises() {
			ids = append(ids, ex.ID)
		}
		return exitf(2, "unknown exercise %q; available: %s", id, strings.Join(ids, ", "))
	}
	return runTUI(ctx, g, c, tuiStart{exercise: id}, builderFlag)
}

// tuiStart is where the program opens: a lesson, an exercise, or (neither) the menu.
// fullCourse, when set, loads the whole course of which the one given to runTUI is a part.
type tuiStart struct {
	lesson, exercise string
	fullCourse       func() (*lesson.Course, error)
}

// runTUI starts the interactive program on the command's streams.
func runTUI(ctx context.Context, g *globalOptions, c *lesson.Course, start tuiStart, builderFlag string) error {
	builder, err := engine.ParseBuilder(builderFlag)
	if err != nil {
		return &ExitError{Code: 2, Err: err}
	}
	if f, ok := g.streams.Out.(*os.File); !ok || !term.IsTerminal(f.Fd()) {
		if start.exercise != "" {
			return exitf(2, "the tutorial needs a terminal; for scripts use 'docktutor exercise check %s'", start.exercise)
		}
		return exitf(2, "the tutorial needs a terminal; for scripts use 'docktutor build %s' or 'docktutor list'", orDefault(start.lesson, "<lesson>"))
	}
	// Warnings go on the TUI's first screen: printed here, the alternate screen would hide them.
	var warnings []string
	collect := func(w string) { warnings = append(warnings, w) }
	store, err := g.openProgressWarning(collect)
	if err != nil {
		return err
	}
	results := g.openResultsWarning(collect)
	exerciseDir, err := exercise.WorkspaceDir()
	if err != nil {
		collect("exercises: " + err.Error() + "; exercises cannot keep your files")
	}
	err = ui.Run(ctx, ui.Options{
		Progress:    store,
		Results:     results,
		Warnings:    warnings,
		Course:      c,
		FullCourse:  start.fullCourse,
		Lesson:      start.lesson,
		Exercise:    start.exercise,
		ExerciseDir: exerciseDir,
		Editor:      editorCommand(),
		WatchFiles:  true,
		Connect:     g.connect,
		Builder:     builder,
		Namespace:   os.Getenv(envNamespace),
		Input:       g.streams.In,
		Output:      g.streams.Out,
		Plain:       noColour(),
		Dark:        true,
	})
	if errors.Is(err, context.Canceled) {
		return &ExitError{Code: 130, Err: errors.New("interrupted; builds were cancelled and their containers removed")}
	}
	return err
}

// editorCommand is the learner's editor, as git finds it: $VISUAL, else $EDITOR. Empty means
// the tutorial's built-in editor.
func editorCommand() string {
	for _, v := range []string{"VISUAL", "EDITOR"} {
		if e := strings.TrimSpace(os.Getenv(v)); e != "" {
			return e
		}
	}
	return ""
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
