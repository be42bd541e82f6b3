package ui

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/charmbracelet/x/ansi"

	"github.com/docktutor/docktutor/internal/lesson"
)

func TestRenderPublished(t *testing.T) {
	c := loadCourse(t)
	l, _ := c.Find("multistage")
	for _, width := range []int{26, 28, 36, 56, 90} { // 26: the pane at the smallest terminal
		out := RenderPublished(l, c, NewStyles(true, true), width)
		plain := ansi.Strip(out)
		wants := []string{
			"Base images, as published", "not measured here", // never mistaken for a measurement
			"python:3.13", "412.8MB", "43.0MB", "3.8MB", "316.2MB", // the publishers' figures
			"≈2.1MB", "a round figure from its publisher", // distroless static: "around 2 MiB"
			"states no size",                                  // distroless python: its publisher states none
			"compressed downloads",                            // what kind of size
			"docker-library/repo-info", "https://github.com/", // where they come from
		}
		if width < 36 {
			wants = []string{"python:3.13", "412.8MB", "3.8MB", "316.2MB", "≈2.1MB"} // the rows; the notes wrap their words apart
		}
		words := strings.Join(strings.Fields(plain), " ") // the notes wrap differently at each width
		for _, want := range wants {
			if !strings.Contains(words, want) {
				t.Errorf("width %d: no %q in\n%s", width, want, plain)
			}
		}
		for i, line := range strings.Split(plain, "\n") {
			if w := ansi.StringWidth(line); w > width {
				t.Errorf("width %d: line %d is %d wide: %q", width, i, w, line)
			}
		}
	}
}

// TestRenderPublishedNothingKnown: a course (a --lessons folder) that states no figures shows
// nothing rather than an empty table.
func TestRenderPublishedNothingKnown(t *testing.T) {
	c, err := lesson.Load(fstest.MapFS{
		"course.yaml":      {Data: []byte("lessons: [one]\n")},
		"one/lesson.yaml":  {Data: []byte("title: One\ntext: one.md\nstrategies:\n  - id: a\n    title: A\n    app: py\n    dockerfile: a.Dockerfile\n    explain: x\n    expect: hi\n")},
		"one/one.md":       {Data: []byte("# One\n")},
		"one/a.Dockerfile": {Data: []byte("FROM python:3.13\nCOPY x /x\n")},
		"apps/py/hello.py": {Data: []byte("print('hi')\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if out := RenderPublished(c.Lessons[0], c, NewStyles(true, true), 60); out != "" {
		t.Errorf("a course without published sizes renders %q", out)
	}
}
