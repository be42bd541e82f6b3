package cli

import (
	"os"
	"strings"

	"github.com/docktutor/docktutor/internal/course"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/spf13/cobra"
)

// loadCourse loads the built-in lessons, or the folder given with --lessons.
func (g *globalOptions) loadCourse() (*lesson.Course, error) {
	if g.lessonsDir == "" {
		return course.Builtin()
	}
	st, err := os.Stat(g.lessonsDir)
	if err != nil {
		return nil, exitf(2, "--lessons: %v", err)
	}
	if !st.IsDir() {
		return nil, exitf(2, "--lessons: %s is not a folder", g.lessonsDir)
	}
	c, err := lesson.Load(os.DirFS(g.lessonsDir))
	if err != nil {
		return nil, exitf(2, "%s: %v", g.lessonsDir, err)
	}
	return c, nil
}

// findLesson looks a lesson up by id; an unknown id is a usage error listing the ones there are.
func findLesson(c *lesson.Course, id string) (*lesson.Lesson, error) {
	l, ok := c.Find(id)
	if !ok {
		return nil, exitf(2, "unknown lesson %q; available: %s", id, strings.Join(c.IDs(), ", "))
	}
	return l, nil
}

// completeLessons offers lesson ids for shell completion.
func (g *globalOptions) completeLessons(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	c, err := g.loadCourse()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	out := make([]string, 0, len(c.Lessons))
	for _, l := range c.Lessons {
		out = append(out, l.ID+"\t"+l.Title)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeExercises offers exercise ids for shell completion.
func (g *globalOptions) completeExercises(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	c, err := g.loadCourse()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, ex := range c.Exercises() {
		out = append(out, ex.ID+"\t"+ex.Title)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
