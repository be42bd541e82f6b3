package cli

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/docktutor/docktutor/internal/human"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/progress"
	"github.com/spf13/cobra"
)

type progressOptions struct {
	*globalOptions
	json bool
}

func newProgressCmd(g *globalOptions) *cobra.Command {
	o := &progressOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "progress",
		Short: "Show what you have built and answered, lesson by lesson",
		Long: `Show your progress through the lessons: which strategies you have built, which questions
you have answered, and where you left off. The tutorial's menu resumes there.

Progress is kept in $XDG_STATE_HOME/docktutor/progress.json (~/.local/state/docktutor when
XDG_STATE_HOME is unset); set DOCKTUTOR_STATE_DIR to keep it elsewhere.`,
		Example: `  docktutor progress
  docktutor progress --json | jq '.lessons[] | select(.status != "done") | .id'
  docktutor progress reset multistage`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return o.run() },
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print JSON instead of a table")
	cmd.AddCommand(newProgressResetCmd(g))
	return cmd
}

func newProgressResetCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "reset [lesson]",
		Short: "Forget your progress in one lesson, or in all of them",
		Long: `Forget what you built and answered in one lesson, or in every lesson when none is named,
so you can go through it again. Measured results and images are left alone
('docktutor clean' removes the images).`,
		Example: `  docktutor progress reset multistage
  docktutor progress reset`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 1 {
				return exitf(2, "reset takes at most one lesson, got %d: %s", len(args), strings.Join(args, " "))
			}
			return nil
		},
		ValidArgsFunction: g.completeLessons,
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return resetAll(g)
			}
			return resetLesson(g, args[0])
		},
	}
}

// openProgress opens the learner's progress store, telling them on stderr about any file that
// had to be moved aside.
func (g *globalOptions) openProgress() (*progress.Store, error) { return g.openProgressWarning(g.warn) }

// openProgressWarning opens the learner's progress store and hands warn what it had to warn
// about: the TUI shows it on screen, where stderr would be hidden by the alternate screen.
func (g *globalOptions) openProgressWarning(warn func(string)) (*progress.Store, error) {
	dir, err := progress.DefaultDir()
	if err != nil {
		return nil, err
	}
	s, warnings, err := progress.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("progress: %w", err)
	}
	for _, w := range warnings {
		warn(w.String())
	}
	return s, nil
}

// warn tells the learner on stderr about something docktutor worked around.
func (g *globalOptions) warn(msg string) { fmt.Fprintf(g.streams.Err, "docktutor: warning: %s\n", msg) }

// Lesson statuses as `progress --json` reports them.
const (
	statusDone       = "done"
	statusPartial    = "partial"
	statusNotStarted = "not-started"
)

type progressLast struct {
	Lesson   string `json:"lesson"`
	Strategy string `json:"strategy,omitempty"`
}

type lessonReport struct {
	ID                string    `json:"id"`
	Title             string    `json:"title"`
	Status            string    `json:"status"`
	StrategiesBuilt   int       `json:"strategies_built"`
	StrategiesTotal   int       `json:"strategies_total"`
	Built             []string  `json:"built"` // in course order
	QuestionsAnswered int       `json:"questions_answered"`
	QuestionsCorrect  int       `json:"questions_correct"`
	QuestionsTotal    int       `json:"questions_total"`
	ExercisesSolved   int       `json:"exercises_solved"`
	ExercisesTotal    int       `json:"exercises_total"`
	LastOpened        time.Time `json:"last_opened,omitzero"`
	Completed         time.Time `json:"completed,omitzero"`
}

type progressReport struct {
	Path    string         `json:"path"`
	Last    *progressLast  `json:"last,omitempty"`
	Lessons []lessonReport `json:"lessons"`
	// Other lists lessons with recorded progress that this course does not have (an older
	// course, or another --lessons folder); reset clears them too.
	Other []string `json:"other_recorded,omitempty"`
}

// report puts the store's records beside the course, in course order.
func report(c *lesson.Course, s *progress.Store) progressReport {
	rep := progressReport{Path: s.Path(), Lessons: []lessonReport{}}
	if l, st := s.Last(); l != "" {
		rep.Last = &progressLast{Lesson: l, Strategy: st}
	}
	for _, l := range c.Lessons {
		lp, st := s.Lesson(l.ID), s.Status(l)
		lr := lessonReport{
			ID: l.ID, Title: l.Title, Status: statusNotStarted,
			StrategiesBuilt: st.Built, StrategiesTotal: st.Strategies, Built: []string{},
			QuestionsAnswered: st.Answered, QuestionsCorrect: st.Correct, QuestionsTotal: st.Questions,
			ExercisesSolved: st.Solved, ExercisesTotal: st.Exercises,
			LastOpened: lp.Opened, Completed: st.Completed,
		}
		for _, strategy := range l.Strategies {
			if _, ok := lp.Built[strategy.ID]; ok {
				lr.Built = append(lr.Built, strategy.ID)
			}
		}
		switch {
		case st.Done():
			lr.Status = statusDone
		case st.Started():
			lr.Status = statusPartial
		}
		rep.Lessons = append(rep.Lessons, lr)
	}
	for _, id := range s.Recorded() {
		if _, ok := c.Find(id); !ok {
			rep.Other = append(rep.Other, id)
		}
	}
	return rep
}

func (o *progressOptions) run() error {
	c, err := o.loadCourse()
	if err != nil {
		return err
	}
	s, err := o.openProgress()
	if err != nil {
		return err
	}
	rep := report(c, s)
	out := o.streams.Out
	if o.json {
		return writeJSON(out, rep)
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tLESSON\tSTATUS\tBUILT\tQUESTIONS\tEXERCISES\tLAST OPENED")
	for i, l := range rep.Lessons {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d/%d\t%s\t%s\t%s\n", i+1, l.ID, statusText(l.Status),
			l.StrategiesBuilt, l.StrategiesTotal, questionsText(l), exercisesText(l), whenText(l.LastOpened))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rep.Other) > 0 {
		fmt.Fprintf(out, "\nAlso recorded, for lessons not in this course: %s\n", strings.Join(rep.Other, ", "))
	}
	switch {
	case rep.Last != nil && slices.ContainsFunc(rep.Lessons, func(l lessonReport) bool { return l.ID == rep.Last.Lesson }):
		fmt.Fprintf(out, "\nPick up where you left off: docktutor lesson %s\n", rep.Last.Lesson)
	case len(rep.Lessons) > 0:
		fmt.Fprintf(out, "\nStart with: docktutor lesson %s\n", rep.Lessons[0].ID)
	}
	fmt.Fprintf(out, "Progress is kept in %s\n", rep.Path)
	return nil
}

func statusText(status string) string {
	switch status {
	case statusDone:
		return "✓ done"
	case statusPartial:
		return "partial"
	default:
		return "not started"
	}
}

// questionsText shows answered/total and how many were right, "-" for a lesson without
// questions.
func questionsText(l lessonReport) string {
	if l.QuestionsTotal == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d (%d correct)", l.QuestionsAnswered, l.QuestionsTotal, l.QuestionsCorrect)
}

// exercisesText shows solved/total, "-" for a lesson without exercises.
func exercisesText(l lessonReport) string {
	if l.ExercisesTotal == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d solved", l.ExercisesSolved, l.ExercisesTotal)
}

func whenText(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.Local().Format("2006-01-02 15:04")
}

// resetLesson clears one lesson of the course and says what was cleared.
func resetLesson(g *globalOptions, id string) error {
	c, err := g.loadCourse()
	if err != nil {
		return err
	}
	if _, err := findLesson(c, id); err != nil {
		return err
	}
	s, err := g.openProgress()
	if err != nil {
		return err
	}
	lp := s.Lesson(id)
	s.Reset(id)
	if err := s.Save(); err != nil {
		return fmt.Errorf("progress: %w", err)
	}
	out := g.streams.Out
	if !lp.Started() && lp.Opened.IsZero() {
		fmt.Fprintf(out, "Nothing was recorded for lesson %s; nothing to clear.\n", id)
		return nil
	}
	fmt.Fprintf(out, "Cleared lesson %s: %s built, %s answered.\n", id,
		human.Plural(len(lp.Built), "strategy", "strategies"), human.Plural(len(lp.Answers), "question", "questions"))
	return nil
}

// resetAll clears every lesson, including ones the current course does not have, and says which.
func resetAll(g *globalOptions) error {
	s, err := g.openProgress()
	if err != nil {
		return err
	}
	ids := s.Recorded()
	s.Reset("")
	if err := s.Save(); err != nil {
		return fmt.Errorf("progress: %w", err)
	}
	out := g.streams.Out
	if len(ids) == 0 {
		fmt.Fprintln(out, "No progress was recorded; nothing to clear.")
		return nil
	}
	fmt.Fprintf(out, "Cleared all progress (%s: %s).\n", human.Plural(len(ids), "lesson", "lessons"), strings.Join(ids, ", "))
	return nil
}
