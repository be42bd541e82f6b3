package course

import (
	"testing"

	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/lessons"
)

// TestBuiltinFirstAndFresh: every caller gets a course of its own, and each is the embedded
// course.
func TestBuiltinFirstAndFresh(t *testing.T) {
	want, err := lesson.Load(lessons.FS)
	if err != nil {
		t.Fatal(err)
	}
	first, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	second, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if first == second {
		t.Fatal("two callers share one course")
	}
	for _, c := range []*lesson.Course{first, second} {
		if got, w := c.IDs(), want.IDs(); len(got) != len(w) || got[0] != w[0] || got[len(got)-1] != w[len(w)-1] {
			t.Errorf("lessons %v, want %v", got, w)
		}
	}
}

// TestLessonIsOneLesson: Lesson is the one lesson asked for; an unknown one is an error.
func TestLessonIsOneLesson(t *testing.T) {
	c, err := Lesson("multistage")
	if err != nil {
		t.Fatal(err)
	}
	if ids := c.IDs(); len(ids) != 1 || ids[0] != "multistage" {
		t.Errorf("lessons %v, want [multistage]", ids)
	}
	if _, err := Lesson("nosuch"); err == nil {
		t.Error("an unknown lesson loads")
	}
}
