package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/docktutor/docktutor/internal/enginefake"
	"github.com/docktutor/docktutor/internal/exercise"
	"github.com/docktutor/docktutor/internal/progress"
)

// exerciseDriver opens ship-thin-go on a fake daemon whose exercise image weighs size, with its
// files and progress in temporary folders.
func exerciseDriver(t *testing.T, fe *enginefake.Engine, w, h int) (*driver, *progress.Store, string) {
	t.Helper()
	dir := t.TempDir()
	store, _, err := progress.Open(filepath.Join(dir, "state"))
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, Options{Course: loadCourse(t), Exercise: "ship-thin-go", Connect: fakeConnect(fe),
		Progress: store, ExerciseDir: filepath.Join(dir, "exercises")}, w, h)
	return d, store, filepath.Join(dir, "exercises", "ship-thin-go", "Dockerfile")
}

// TestExerciseStarterThenSolved: the starter is put in the learner's folder and shown with
// its line numbers; c checks it and each goal says what was measured; after the learner saves
// a thin Dockerfile, the save is checked, every goal is met, the exercise is recorded solved
// and a solution shows beside the learner's file.
func TestExerciseStarterThenSolved(t *testing.T) {
	tag := exercise.Tag("", "ship-thin-go")
	fe := enginefake.New(map[string]int64{tag: 910_400_000})
	fe.DefaultOutput = "GET / -> 200 OK\n"
	d, store, path := exerciseDriver(t, fe, 120, 40)

	starter, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the workspace file was not made from the starter: %v", err)
	}
	screen := d.screen()
	for _, want := range []string{"Exercise · Ship a thin Go image", "Your Dockerfile", "2 FROM golang:1.27", "Not checked yet", "· The image is at most 25 MB"} {
		if !strings.Contains(screen, want) {
			t.Errorf("before a check, no %q on\n%s", want, screen)
		}
	}

	d.key("c")
	screen = d.screen()
	for _, want := range []string{"✗ The image is at most 25 MB", "910.4", "≤ 25", "Goals · 2/3 met"} {
		if !strings.Contains(screen, want) {
			t.Errorf("after checking the starter, no %q on\n%s", want, screen)
		}
	}
	if p := store.Exercise("ship-thin-go"); p.Solved || p.Total != 3 {
		t.Errorf("progress after the starter: %+v", p)
	}

	// The learner saves a two-stage Dockerfile in another window.
	solution := strings.Replace(string(starter), "FROM golang:1.27\n", "FROM golang:1.27 AS build\n", 1) +
		"FROM gcr.io/distroless/static-debian13\nCOPY --from=build /usr/local/bin/webapp /webapp\nENTRYPOINT [\"/webapp\"]\n"
	if err := os.WriteFile(path, []byte(solution), 0o644); err != nil {
		t.Fatal(err)
	}
	fe.Sizes[tag] = 9_800_000
	d.send(fileChangedMsg{})
	screen = d.screen()
	for _, want := range []string{"✓ The image is at most 25 MB", "✓ No Go toolchain", "Goals · ✓ all met", "A solution", "Yours"} {
		if !strings.Contains(screen, want) {
			t.Errorf("after saving a solution, no %q on\n%s", want, screen)
		}
	}
	if p := store.Exercise("ship-thin-go"); !p.Solved {
		t.Errorf("not recorded solved: %+v", p)
	}
}

// TestExerciseBrokenDockerfile: a Dockerfile that does not parse says where, before any build.
func TestExerciseBrokenDockerfile(t *testing.T) {
	fe := enginefake.New(nil)
	d, _, path := exerciseDriver(t, fe, 120, 40)
	if err := os.WriteFile(path, []byte("FROM golang:1.27\nCOPPY main.go .\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d.key("c")
	screen := d.screen()
	if !strings.Contains(screen, "line 2") && !strings.Contains(screen, ":2") {
		t.Errorf("no line number for the broken instruction on\n%s", screen)
	}
	if n := len(fe.Builds()); n != 0 {
		t.Errorf("%d builds started for a Dockerfile that does not parse", n)
	}
}

// TestExerciseHintsResetSolution: h reveals the hints one at a time; r and s ask first, and
// only y does it.
func TestExerciseHintsResetSolution(t *testing.T) {
	fe := enginefake.New(nil)
	d, _, path := exerciseDriver(t, fe, 120, 40)
	d.key("f", "f") // the goals pane, out of the way of the prompt's scrolling
	d.key("h")
	if s := d.screen(); !strings.Contains(s, "Hints") || !strings.Contains(s, "2 hints left") {
		t.Errorf("after one h:\n%s", s)
	}
	if err := os.WriteFile(path, []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d.key("r")
	if s := d.screen(); !strings.Contains(s, "y resets") {
		t.Errorf("r did not ask:\n%s", s)
	}
	d.key("n")
	if data, _ := os.ReadFile(path); string(data) != "FROM scratch\n" {
		t.Errorf("n reset the file anyway: %q", data)
	}
	d.key("r", "y")
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), "FROM golang:1.27") {
		t.Errorf("r y did not put the starter back: %q", data)
	}
	d.key("s")
	if s := d.screen(); strings.Contains(s, "A solution") || !strings.Contains(s, "y shows it") {
		t.Errorf("s did not ask first:\n%s", s)
	}
	d.key("y")
	if s := d.screen(); !strings.Contains(s, "A solution") {
		t.Errorf("s y did not show the solution:\n%s", s)
	}
}

// TestExerciseBuiltInEditor: with no editor set, e opens the built-in one; what is typed is
// saved with ctrl+s and checked; esc with unsaved changes asks, a second esc discards them.
func TestExerciseBuiltInEditor(t *testing.T) {
	fe := enginefake.New(nil)
	d, _, path := exerciseDriver(t, fe, 100, 30)
	d.key("e")
	if s := d.screen(); !strings.Contains(s, "Editing Dockerfile") {
		t.Fatalf("e did not open the editor:\n%s", s)
	}
	d.key("#", "q") // typed, not quitting (a comment, so the file still parses)
	if s := d.screen(); !strings.Contains(s, "#q") || !strings.Contains(s, "•") {
		t.Errorf("typing did not reach the editor:\n%s", s)
	}
	d.send(ctrlS())
	data, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(data), "#q") {
		t.Errorf("ctrl+s saved %q", data)
	}
	if len(fe.Builds()) == 0 {
		t.Error("the save was not checked")
	}
	d.key("z", "esc")
	if s := d.screen(); !strings.Contains(s, "esc again discards") {
		t.Errorf("esc with unsaved changes did not ask:\n%s", s)
	}
	d.key("esc")
	if s := d.screen(); strings.Contains(s, "Editing Dockerfile") {
		t.Errorf("the second esc did not close:\n%s", s)
	}
	if data2, _ := os.ReadFile(path); string(data2) != string(data) {
		t.Errorf("discarded changes were saved: %q", data2)
	}
}

// TestMenuListsExercises: the menu lists each lesson's exercises under it, with the goals met.
func TestMenuListsExercises(t *testing.T) {
	dir := t.TempDir()
	store, _, err := progress.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	store.RecordExercise("multistage", "ship-thin-go", 2, 3)
	store.RecordExercise("multistage", "predict-sizes", 1, 1)
	d := newDriver(t, Options{Course: loadCourse(t), Progress: store}, 120, 60)
	s := d.screen()
	for _, want := range []string{"✎ ship-thin-go", "2/3 goals", "✓ solved"} {
		if !strings.Contains(s, want) {
			t.Errorf("no %q in the menu:\n%s", want, s)
		}
	}
	if strings.Index(s, "multistage") > strings.Index(s, "ship-thin-go") {
		t.Errorf("the exercise is listed before its lesson:\n%s", s)
	}
}

func ctrlS() tea.KeyPressMsg { return tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl} }

// TestPredictReorder: ↓ chooses a strategy, K moves it up the order, and the order is saved.
func TestPredictReorder(t *testing.T) {
	dir := t.TempDir()
	d := newDriver(t, Options{Course: loadCourse(t), Exercise: "predict-sizes", ExerciseDir: dir}, 120, 40)
	d.key("down", "down", "down", "K", "K", "K")
	data, err := os.ReadFile(filepath.Join(dir, "predict-sizes", "prediction.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if first := strings.SplitN(string(data), "\n", 2)[0]; first != "go-single" {
		t.Errorf("after ↓↓↓ KKK the order is\n%s", data)
	}
	if s := d.screen(); !strings.Contains(s, "› 1. go-single") {
		t.Errorf("the cursor did not follow the moved strategy:\n%s", s)
	}
}
