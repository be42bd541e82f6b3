package ui

import (
	"strings"
	"testing"

	"github.com/docktutor/docktutor/internal/enginefake"
	"github.com/docktutor/docktutor/internal/inside"
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
	if !strings.Contains(s, "✗ "+string(rune('0'+wrong))) {
		t.Errorf("the list does not mark the wrong answer:\n%s", s)
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
	d.key("f", "down", "down")
	if d.m.lesson.qa.scroll != 2 {
		t.Fatalf("answer pane scroll = %d after two downs, want 2", d.m.lesson.qa.scroll)
	}
	if d.screen() == before {
		t.Errorf("the screen did not change when scrolling the answer pane")
	}
}
