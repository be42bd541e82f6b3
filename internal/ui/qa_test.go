package ui

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/enginefake"
	"github.com/docktutor/docktutor/internal/inside"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/progress"
)

// TestQASideBySide: the qa lesson shows the questions beside the answer; answering reveals the
// explanation and evidence computed from the builds, and different builds show different evidence.
func TestQASideBySide(t *testing.T) {
	fe := enginefake.New(map[string]int64{
		"docktutor/qa:shipped": 8_500_000,
		"docktutor/qa:builder": 750_000_000,
	})
	fe.DefaultOutput = "GET / -> 200 OK"
	fe.Inside = map[string]inside.Report{
		"docktutor/qa:builder": inside.FromEntries([]inside.Entry{
			{Path: "/usr/local/go/bin/go", Kind: inside.KindFile, Size: 700_000_000, Mode: 0o755},
			{Path: "/bin/sh", Kind: inside.KindFile, Size: 100_000, Mode: 0o755},
		}),
	}
	c := loadCourse(t)
	l, ok := c.Find("qa")
	if !ok {
		t.Fatal("no qa lesson")
	}
	d := newDriver(t, Options{Course: c, Lesson: "qa", Connect: fakeConnect(fe)}, 120, 40)
	s := d.screen()
	if !strings.Contains(s, "Questions") || !strings.Contains(s, "About this lesson") {
		t.Fatalf("no question list:\n%s", s)
	}
	// The question about what the second stage contains compares builder and shipped files.
	idx := -1
	for i, q := range l.Questions {
		if q.ID == "second-stage-contents" {
			idx = i
		}
	}
	if idx < 0 {
		t.Fatal("qa lesson lacks second-stage-contents")
	}
	for i := 0; i <= idx; i++ {
		d.key("down")
	}
	q := l.Questions[idx]
	if s := d.screen(); !strings.Contains(s, "Press 1–") || strings.Contains(s, "Evidence") {
		t.Fatalf("evidence shown before answering:\n%s", s)
	}
	wrong := 1
	if q.Answer == 1 {
		wrong = 2
	}
	d.key(string(rune('0' + wrong)))
	s = d.screen()
	if !strings.Contains(s, "Not quite") || !strings.Contains(s, "Evidence") || !strings.Contains(s, "Not measured yet") {
		t.Fatalf("wrong answer not marked, or evidence missing before any build:\n%s", s)
	}
	d.key("B") // build both strategies; the evidence follows
	s = d.screen()
	if !strings.Contains(s, "Compilers: go") || !strings.Contains(s, "Compilers: none") {
		t.Errorf("evidence does not compare the builder (go) with the shipped image (none):\n%s", s)
	}
	if !strings.Contains(s, fmt.Sprintf("✗ %d. ", idx+1)) || !strings.Contains(s, fmt.Sprintf("you chose %d", wrong)) {
		t.Errorf("the list does not mark the wrong answer, or the verdict does not say which it was:\n%s", s)
	}
}

// TestQAListScrolls: on a laptop-sized terminal the selected question stays in view.
func TestQAListScrolls(t *testing.T) {
	c := loadCourse(t)
	l, _ := c.Find("qa")
	d := newDriver(t, Options{Course: c, Lesson: "qa"}, 80, 24)
	for range l.Questions {
		d.key("down")
	}
	last := l.Questions[len(l.Questions)-1]
	want := firstWords(stripMarkdown(last.Question), 3)
	if s := d.screen(); !strings.Contains(s, "▸") || !strings.Contains(s, want) {
		t.Errorf("last question (%q) not in view after moving to it:\n%s", want, s)
	}
}

func firstWords(s string, n int) string {
	f := strings.Fields(s)
	return strings.Join(f[:min(n, len(f))], " ")
}

// TestQAAnswerPaneScrolls: with the focus on the answer pane (f), the arrows scroll the answer
// and its evidence, not a pane that qa does not show.
func TestQAAnswerPaneScrolls(t *testing.T) {
	c := loadCourse(t)
	d := newDriver(t, Options{Course: c, Lesson: "qa"}, 80, 24)
	d.key("down", "e") // the first question, its explanation and evidence revealed
	before := d.screen()
	answer := d.m.lesson.panes[1].(*answerPane)
	if answer.scroll.vp.YOffset() == 0 {
		t.Errorf("revealing did not scroll the answer pane to its verdict:\n%s", before)
	}
	answer.scroll.top()
	d.key("f", "down", "down")
	if off := answer.scroll.vp.YOffset(); off != 2 {
		t.Fatalf("answer pane scroll = %d after two downs, want 2", off)
	}
	if d.screen() == before {
		t.Errorf("the screen did not change when scrolling the answer pane")
	}
}

// qaEngine is the fake engine answering the qa lesson's checks as the real images do: the
// shipped image has no go, the builder has one.
type qaEngine struct{ *enginefake.Engine }

func (e qaEngine) Run(ctx context.Context, req engine.RunRequest) (engine.RunResult, error) {
	if len(req.Entrypoint) > 0 && req.Entrypoint[0] == "go" {
		if strings.Contains(req.Image, "shipped") || req.Image == qaShippedID(e.Engine) {
			return engine.RunResult{}, &engine.StartError{Image: req.Image, Reason: `exec: "go": executable file not found in $PATH`}
		}
		return engine.RunResult{Output: "go version go1.25.4 linux/amd64"}, nil
	}
	return e.Engine.Run(ctx, req)
}

// qaShippedID is the ID the fake gives the shipped image, which lab runs its checks by.
func qaShippedID(fe *enginefake.Engine) string {
	info, _ := fe.Inspect(context.Background(), "docktutor/qa:shipped")
	return info.ID
}

// qaDriver opens the qa lesson on fe, with every question's evidence one key away.
func qaDriver(t *testing.T, fe *enginefake.Engine, w, h int) (*driver, *lesson.Lesson) {
	t.Helper()
	return qaDriverIn(t, fe, w, h, "")
}

// qaDriverIn is qaDriver for a learner whose images are in namespace.
func qaDriverIn(t *testing.T, fe *enginefake.Engine, w, h int, namespace string) (*driver, *lesson.Lesson) {
	t.Helper()
	c := loadCourse(t)
	l, ok := c.Find("qa")
	if !ok {
		t.Fatal("no qa lesson")
	}
	connect := func(context.Context) (engine.Engine, engine.DaemonInfo, error) {
		return qaEngine{fe}, fe.DaemonInfo, nil
	}
	return newDriver(t, Options{Course: c, Lesson: "qa", Connect: connect, Namespace: namespace}, w, h), l
}

// toQuestion moves the qa list's cursor to the question with the given evidence kind.
func toQuestion(t *testing.T, d *driver, l *lesson.Lesson, kind lesson.Evidence) *lesson.Question {
	t.Helper()
	for i, q := range l.Questions {
		if q.Evidence == kind {
			for range i + 1 {
				d.key("down")
			}
			return q
		}
	}
	t.Fatalf("qa has no %s question", kind)
	return nil
}

// TestQAImageCount: the images evidence counts what the command it shows lists. It once
// counted the image by its ID's "repository" (sha256) and said "0 image tagged".
func TestQAImageCount(t *testing.T) {
	fe := enginefake.New(nil)
	fe.DefaultOutput = "GET / -> 200 OK"
	d, l := qaDriver(t, fe, 120, 40)
	d.key("B")
	toQuestion(t, d, l, lesson.EvidenceImages)
	d.key("e")
	s := d.screen()
	if !strings.Contains(s, "docker images --filter label=io.docktutor.strategy=shipped") {
		t.Fatalf("no image listing in the evidence:\n%s", s)
	}
	if strings.Contains(s, "0 image") || !regexp.MustCompile(`\b1 image\b`).MatchString(s) {
		t.Errorf("the evidence does not count the one shipped image:\n%s", s)
	}
}

// TestQAImageCountFits: on an 80-column terminal a learner's long image name goes on a line of
// its own rather than being cut off by the pane's edge.
func TestQAImageCountFits(t *testing.T) {
	fe := enginefake.New(nil)
	fe.DefaultOutput = "GET / -> 200 OK"
	d, l := qaDriverIn(t, fe, 80, 24, "qashot")
	d.key("B")
	toQuestion(t, d, l, lesson.EvidenceImages)
	d.key("e", "f")
	for range 10 { // to the end of the answer
		d.key("pgdown")
	}
	s := d.screen()
	if !strings.Contains(s, "docktutor/qashot/qa:shipped") {
		t.Errorf("the counted image's name is cut:\n%s", s)
	}
}

// TestQAEvidenceErrors: a failed image listing or inside analysis is shown with a way to retry,
// never left as "Counting images…" or "Looking inside…".
func TestQAEvidenceErrors(t *testing.T) {
	fe := enginefake.New(nil)
	fe.DefaultOutput = "GET / -> 200 OK"
	fe.SetFailures(errors.New("contents: the daemon hung up"), errors.New("list images: the daemon hung up"))
	d, l := qaDriver(t, fe, 120, 40)
	d.key("B")
	for _, kind := range []lesson.Evidence{lesson.EvidenceImages, lesson.EvidenceInside} {
		t.Run(string(kind), func(t *testing.T) {
			toQuestion(t, d, l, kind)
			d.key("e")
			s := d.screen()
			if strings.Contains(s, "Counting images…") || strings.Contains(s, "Looking inside") {
				t.Errorf("the evidence waits forever on an error:\n%s", s)
			}
			if !strings.Contains(s, "the daemon hung up") || !strings.Contains(s, "r retries") {
				t.Errorf("the error and the way to retry are not shown:\n%s", s)
			}
			for range l.Questions {
				d.key("up")
			}
		})
	}
	fe.SetFailures(nil, nil)
	toQuestion(t, d, l, lesson.EvidenceInside)
	d.key("r")
	if s := d.screen(); strings.Contains(s, "the daemon hung up") || !strings.Contains(s, "Compilers: none") {
		t.Errorf("r did not gather the evidence again:\n%s", s)
	}
}

// TestQAVerdictAfterQuickKeys: ↓ then an answer typed before the program ran ↓'s commands
// still shows the verdict; moving the selection once told the other panes through a command
// that arrived after the answer and scrolled the answer pane back to the top.
func TestQAVerdictAfterQuickKeys(t *testing.T) {
	d, _ := qaDriver(t, enginefake.New(nil), 80, 24)
	_, down := d.m.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	d.m.Update(tea.KeyPressMsg{Code: '1', Text: "1"})
	d.screen() // the program draws after every message
	d.run(down)
	d.screen()
	if off := d.m.lesson.panes[1].(*answerPane).scroll.vp.YOffset(); off == 0 {
		t.Errorf("the answer pane is at its top, not at the verdict:\n%s", d.screen())
	}
}

// TestQACachedEvidence: a result carried over from an earlier session has its evidence
// gathered when a question shows it, not an empty listing of "0 images".
func TestQACachedEvidence(t *testing.T) {
	cacheDir := t.TempDir()
	open := func() *progress.ResultsCache { return openResults(t, cacheDir) }
	fe := enginefake.New(nil)
	fe.DefaultOutput = "GET / -> 200 OK"
	connect := func(context.Context) (engine.Engine, engine.DaemonInfo, error) {
		return qaEngine{fe}, fe.DaemonInfo, nil
	}
	c := loadCourse(t)
	l, _ := c.Find("qa")
	d := newDriver(t, Options{Course: c, Lesson: "qa", Connect: connect, Results: open()}, 120, 40)
	d.key("B")

	d = newDriver(t, Options{Course: c, Lesson: "qa", Connect: connect, Results: open()}, 120, 40) // a new session
	toQuestion(t, d, l, lesson.EvidenceImages)
	d.key("e")
	if s := d.screen(); !strings.Contains(s, "reference=docktutor/qa") || !regexp.MustCompile(`\b1 image\b`).MatchString(s) {
		t.Errorf("the carried-over result's image count is not gathered:\n%s", s)
	}
	for range l.Questions {
		d.key("up")
	}
	toQuestion(t, d, l, lesson.EvidenceHistory)
	d.key("e")
	if s := d.screen(); !strings.Contains(s, "FROM base") {
		t.Errorf("the carried-over result's history is not read:\n%s", s)
	}
}
