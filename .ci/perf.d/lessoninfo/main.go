// Command lessoninfo tells .ci/perf what it needs to know about a lesson, from the lesson loader
// itself rather than by reading YAML in bash: the text both first-frame programs show, the last
// strategy of "build all", and, for one strategy, the `docker build` that docktutor's build
// amounts to (context, Dockerfile, target, labels, run arguments).
//
// Usage: lessoninfo LESSON [STRATEGY]
//
// Output: key=value lines; keys that hold a list (label, arg) repeat.
//
//	h1=Multi-stage builds: build fat, ship thin    the lesson's title line, in any rendering
//	rendered=To build an app you need a lot        text only the Glamour rendering shows
//	last=go-distroless
//	app=python                                     with STRATEGY: folder under lessons/apps
//	dockerfile=multistage/python-normal.Dockerfile path under lessons/
//	target=
//	label=io.docktutor.lesson=multistage
//	arg=-selftest
package main

import (
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/lessons"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: lessoninfo LESSON [STRATEGY]")
		os.Exit(2)
	}
	c, err := lesson.Load(lessons.FS)
	if err != nil {
		fail(err)
	}
	l, ok := c.Find(os.Args[1])
	if !ok {
		fail(fmt.Errorf("no lesson %q", os.Args[1]))
	}
	h1, rendered := markers(l.Text)
	fmt.Printf("h1=%s\nrendered=%s\nlast=%s\n", h1, rendered, l.Strategies[len(l.Strategies)-1].ID)
	if len(os.Args) < 3 {
		return
	}
	s, ok := l.Strategy(os.Args[2])
	if !ok {
		fail(fmt.Errorf("lesson %s has no strategy %q", l.ID, os.Args[2]))
	}
	fmt.Printf("app=%s\ndockerfile=%s\ntarget=%s\ntag=%s\n", s.App, s.DockerfilePath, s.Target, lab.Tag("", l.ID, s.ID))
	labels := lab.Labels(s)
	labels[engine.LabelManaged] = "true" // engine.Client.Build adds it to every build
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		fmt.Printf("label=%s=%s\n", k, labels[k])
	}
	for _, a := range s.Args {
		fmt.Printf("arg=%s\n", a)
	}
}

var emphasis = regexp.MustCompile("[*_`]")

// markers finds the lesson's H1 text, and the start of the first paragraph whose first line
// carries markdown emphasis, without it: Glamour's output shows that text, the raw markdown
// does not. Both are cut at a word to at most 30 characters, so no wrapping splits them.
func markers(text string) (h1, rendered string) {
	prevBlank := true
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case h1 == "" && strings.HasPrefix(t, "# "):
			h1 = cut(strings.TrimPrefix(t, "# "))
		case rendered == "" && prevBlank && t != "" && !strings.HasPrefix(t, "#"):
			head := cut(t)
			if plain := emphasis.ReplaceAllString(head, ""); plain != head {
				rendered = cut(emphasis.ReplaceAllString(t, ""))
			}
		}
		prevBlank = t == ""
	}
	return h1, rendered
}

func cut(s string) string {
	if len(s) <= 30 {
		return s
	}
	if i := strings.LastIndexByte(s[:31], ' '); i > 0 {
		return s[:i]
	}
	return s[:30]
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "lessoninfo:", err)
	os.Exit(1)
}
