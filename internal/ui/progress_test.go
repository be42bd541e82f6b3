package ui

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/enginefake"
	"github.com/docktutor/docktutor/internal/inside"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/progress"
)

// TestProgressAndResultsSurviveRestart builds in one session, then opens a second session with no
// daemon: the menu marks the lesson, resumes on it, and the lesson shows the earlier measurement,
// dated, instead of an empty chart.
func TestProgressAndResultsSurviveRestart(t *testing.T) {
	stateDir, cacheDir := t.TempDir(), t.TempDir()
	open := func() (*progress.Store, *progress.ResultsCache) {
		s, _, err := progress.Open(stateDir)
		if err != nil {
			t.Fatal(err)
		}
		return s, openResults(t, cacheDir)
	}
	store, results := open()
	fe := enginefake.New(map[string]int64{"docktutor/multistage:go-single": 828_600_000})
	fe.DefaultOutput = "GET / -> 200 OK"
	d := newDriver(t, Options{Course: loadCourse(t), Lesson: "multistage", Connect: fakeConnect(fe), Progress: store, Results: results}, 120, 40)
	d.key("tab", "tab", "tab", "b") // go-single
	if !strings.Contains(d.screen(), "828.6MB") {
		t.Fatalf("build did not show its size:\n%s", d.screen())
	}

	store, results = open() // a new process
	down := func(context.Context) (engine.Engine, engine.DaemonInfo, error) {
		return nil, engine.DaemonInfo{}, &testErr{"Docker is not running"}
	}
	d = newDriver(t, Options{Course: loadCourse(t), Connect: down, Progress: store, Results: results}, 120, 40)
	if !strings.Contains(d.screen(), "1/6 built") {
		t.Errorf("menu does not show progress:\n%s", d.screen())
	}
	d.key("enter")
	s := d.screen()
	if !strings.Contains(s, "Strategy 4/6 · go-single") {
		t.Errorf("lesson did not resume on the last strategy:\n%s", s)
	}
	if !strings.Contains(s, "828.6MB") || !strings.Contains(s, "earlier session") {
		t.Errorf("earlier measurement not shown with its date:\n%s", s)
	}
}

// TestMenuDoneNeedsAnswers: a lesson with questions is done when its strategies are built and
// its questions answered, not before: the menu once said "✓ done" for qa after two builds.
func TestMenuDoneNeedsAnswers(t *testing.T) {
	c := loadCourse(t)
	qa, _ := c.Find("qa")
	left := fmt.Sprintf("2/2 built · 0/%d answered", len(qa.Questions))
	d := qaProgressDriver(t, c)
	d.key("B")
	if s := d.screen(); !strings.Contains(s, "qa · "+left) {
		t.Errorf("the lesson screen does not say what is left:\n%s", s)
	}
	d.key("esc")
	s := d.screen()
	if !strings.Contains(s, "qa") || strings.Contains(s, "✓ done") {
		t.Errorf("qa is done in the menu with no question answered:\n%s", s)
	}
	if !strings.Contains(s, left) {
		t.Errorf("the menu does not say what is left in qa:\n%s", s)
	}
}

// TestLessonDoneOnceAnswered: answering every question after building both strategies makes
// qa done, in the lesson screen and in the menu alike.
func TestLessonDoneOnceAnswered(t *testing.T) {
	c := loadCourse(t)
	qa, _ := c.Find("qa")
	d := qaProgressDriver(t, c)
	d.key("B")
	for range qa.Questions {
		d.key("down", "1")
	}
	if s := d.screen(); !strings.Contains(s, "qa · ✓ done") {
		t.Errorf("qa is not done in the lesson screen after every answer:\n%s", s)
	}
	d.key("esc")
	if s := d.screen(); !regexp.MustCompile(`qa .*✓ done`).MatchString(s) {
		t.Errorf("qa is not done in the menu:\n%s", s)
	}
}

// qaProgressDriver opens the qa lesson of c on the qa fake, keeping progress in a store of its
// own.
func qaProgressDriver(t *testing.T, c *lesson.Course) *driver {
	t.Helper()
	store, _, err := progress.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	fe := enginefake.New(nil)
	fe.DefaultOutput = "GET / -> 200 OK"
	connect := func(context.Context) (engine.Engine, engine.DaemonInfo, error) {
		return qaEngine{fe}, fe.DaemonInfo, nil
	}
	return newDriver(t, Options{Course: c, Lesson: "qa", Connect: connect, Progress: store}, 120, 40)
}

// TestStageImagesRecorded: the stage images a build leaves, failed or not, are recorded for
// docktutor clean, as docktutor build records them.
func TestStageImagesRecorded(t *testing.T) {
	cacheDir := t.TempDir()
	results := openResults(t, cacheDir)
	fe := enginefake.New(nil)
	fe.DefaultOutput = "GET / -> 200 OK"
	fe.StageImages = map[string][]string{
		"docktutor/multistage:python-multistage": {"sha256:aaa"},
		"docktutor/multistage:go-multistage":     {"sha256:bbb"},
	}
	fe.Fail = map[string]string{"docktutor/multistage:go-multistage": "RUN go build: exit code 1"}
	d := newDriver(t, Options{Course: loadCourse(t), Lesson: "multistage", Connect: fakeConnect(fe), Results: results}, 120, 40)
	d.key("B")
	again := openResults(t, cacheDir) // what clean, another process, reads
	if got := again.StageImages(); !slices.Equal(got, []string{"sha256:aaa", "sha256:bbb"}) {
		t.Errorf("stage images recorded: %v, want both builds' (the failed one's too)", got)
	}
}

// countingEngine counts the images the TUI looks inside.
type countingEngine struct {
	*enginefake.Engine
	contents int
}

func (e *countingEngine) Contents(ctx context.Context, ref string) (inside.Report, error) {
	e.contents++
	return e.Engine.Contents(ctx, ref)
}

// TestCarriedOverResultsNotExportedUnasked: opening a lesson with results from an earlier
// session looks inside no image by itself (an export of a toolchain image takes seconds); r
// does.
func TestCarriedOverResultsNotExportedUnasked(t *testing.T) {
	cacheDir := t.TempDir()
	open := func() *progress.ResultsCache { return openResults(t, cacheDir) }
	fe := enginefake.New(nil)
	fe.DefaultOutput = "Hello from hello.py, docktutor!\nGET / -> 200 OK"
	d := newDriver(t, Options{Course: loadCourse(t), Lesson: "multistage", Connect: fakeConnect(fe), Results: open()}, 120, 40)
	d.key("b")

	ce := &countingEngine{Engine: fe}
	connect := func(context.Context) (engine.Engine, engine.DaemonInfo, error) { return ce, fe.DaemonInfo, nil }
	d = newDriver(t, Options{Course: loadCourse(t), Lesson: "multistage", Connect: connect, Results: open()}, 120, 40)
	d.key("f") // any key: the connection is made
	if s := d.screen(); ce.contents != 0 || !strings.Contains(s, "Not looked at in this session") || !strings.Contains(s, "r look inside") {
		t.Fatalf("%d images looked inside unasked, or the way to look is not offered:\n%s", ce.contents, s)
	}
	d.key("r")
	if s := d.screen(); ce.contents != 1 || !strings.Contains(s, "Inside python-normal — ") {
		t.Errorf("r did not look inside (%d looks):\n%s", ce.contents, s)
	}
}

// openResults opens the results cache in dir, as another docktutor process would.
func openResults(t *testing.T, dir string) *progress.ResultsCache {
	t.Helper()
	r, _, err := progress.OpenResults(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
