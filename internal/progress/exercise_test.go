package progress

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/docktutor/docktutor/internal/lesson"
)

func TestRecordExerciseKeepsTheBest(t *testing.T) {
	dir := t.TempDir()
	s, _, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		passed, total int
		want          ExerciseProgress
	}{
		{1, 3, ExerciseProgress{Passed: 1, Total: 3}},
		{0, 3, ExerciseProgress{Passed: 1, Total: 3}}, // worse: the best stays
		{2, 3, ExerciseProgress{Passed: 2, Total: 3}},
		{3, 3, ExerciseProgress{Passed: 3, Total: 3, Solved: true}},
		{1, 3, ExerciseProgress{Passed: 3, Total: 3, Solved: true}}, // solved stays solved
		{1, 4, ExerciseProgress{Passed: 1, Total: 4, Solved: true}}, // a new goal: the count restarts
	}
	for i, st := range steps {
		s.RecordExercise("multistage", "ship-thin-go", st.passed, st.total)
		got := s.Exercise("ship-thin-go")
		got.At = got.At.UTC()
		if got.Passed != st.want.Passed || got.Total != st.want.Total || got.Solved != st.want.Solved || got.At.IsZero() {
			t.Errorf("step %d: %+v, want %+v", i, got, st.want)
		}
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	again, _, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := again.Exercise("ship-thin-go"); !got.Solved || got.Passed != 1 || got.Total != 4 {
		t.Errorf("after reload: %+v", got)
	}
	if got := again.Exercise("nope"); got != (ExerciseProgress{}) {
		t.Errorf("unknown exercise: %+v", got)
	}
}

// TestOldFileWithoutExercisesLoads: a progress file written before exercises loads as it did,
// with no exercise recorded.
func TestOldFileWithoutExercisesLoads(t *testing.T) {
	dir := t.TempDir()
	old := `{"version":1,"lessons":{"multistage":{"built":{"go-single":{"at":"2026-11-01T10:00:00Z"}}}}}`
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	s, warnings, err := Open(dir)
	if err != nil || len(warnings) > 0 {
		t.Fatalf("open: %v %v", err, warnings)
	}
	if lp := s.Lesson("multistage"); len(lp.Built) != 1 || len(lp.Exercises) != 0 {
		t.Errorf("lesson: %+v", lp)
	}
}

func TestStatusCountsExercises(t *testing.T) {
	s, _, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	l := &lesson.Lesson{ID: "one", Strategies: []*lesson.Strategy{{ID: "a"}}, Exercises: []*lesson.Exercise{{ID: "ex"}}}
	s.MarkBuilt("one", "a")
	if st := s.Status(l); st.Done() || st.Exercises != 1 || st.Solved != 0 {
		t.Errorf("built, exercise unsolved: %+v done=%v", st, st.Done())
	}
	s.RecordExercise("one", "ex", 2, 2)
	if st := s.Status(l); !st.Done() || st.Solved != 1 || st.Completed.IsZero() {
		t.Errorf("built and solved: %+v done=%v", st, st.Done())
	}
}
