package course

import (
	"testing"

	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/lessons"
)

// TestBuiltinFirstAndFresh: the first caller gets the course loaded at start, every later
// caller a course of its own, and both are the embedded course.
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
