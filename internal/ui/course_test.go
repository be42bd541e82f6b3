package ui

import (
	"errors"
	"strings"
	"testing"

	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/lessons"
)

// A lesson opened with a part of the course gets the whole course once: the menu, the next
// lesson and the glossary then see every lesson, and the open lesson stays one value.
func TestFullCourseReplacesPart(t *testing.T) {
	part, err := lesson.LoadLesson(lessons.FS, "multistage")
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	full := func() (*lesson.Course, error) {
		calls++
		return lesson.Load(lessons.FS)
	}
	d := newDriver(t, Options{Course: part, FullCourse: full, Lesson: "multistage"}, 120, 40)
	if calls != 1 {
		t.Fatalf("FullCourse called %d times, want once", calls)
	}
	c := d.m.opts.Course
	if len(c.Lessons) < 2 || d.m.c.course != c {
		t.Fatalf("the whole course is not in place: %d lessons", len(c.Lessons))
	}
	if l, _ := c.Find("multistage"); l != d.m.lesson.lesson() {
		t.Error("the course holds another value of the open lesson")
	}
	if next := d.m.nextLesson(); next == nil {
		t.Error("no next lesson after multistage")
	}
	d.key("esc")
	s := d.screen()
	for _, l := range c.Lessons {
		if !strings.Contains(s, l.ID) {
			t.Errorf("menu lacks lesson %s:\n%s", l.ID, s)
		}
	}
}

// Should the rest of the course fail to load, the lesson stays and the learner is told.
func TestFullCourseErrorShown(t *testing.T) {
	part, err := lesson.LoadLesson(lessons.FS, "multistage")
	if err != nil {
		t.Fatal(err)
	}
	full := func() (*lesson.Course, error) { return nil, errors.New("glossary.yaml: broken") }
	d := newDriver(t, Options{Course: part, FullCourse: full, Lesson: "multistage"}, 120, 40)
	if s := d.screen(); !strings.Contains(s, "glossary.yaml: broken") {
		t.Errorf("the error is not shown:\n%s", s)
	}
	if d.m.opts.Course != part || d.m.lesson == nil {
		t.Error("the part of the course or the lesson was lost")
	}
}
