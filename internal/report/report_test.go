package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"charm.land/glamour/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/progress"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// now is the report's fixed date.
var now = time.Date(2026, 12, 2, 21, 50, 0, 0, time.UTC)

// course is a small course of its own, so that the golden files follow this package's code and
// not the built-in lessons' wording: one lesson done, one started with a | in its title, one
// with questions.
func course() *lesson.Course {
	return &lesson.Course{Lessons: []*lesson.Lesson{
		{ID: "normal", Title: "One stage", Strategies: []*lesson.Strategy{{ID: "python", Title: "Python"}, {ID: "go", Title: "Go"}}},
		{ID: "multistage", Title: "Build fat | ship thin", Strategies: []*lesson.Strategy{
			{ID: "go-multistage", Title: "Go, two stages"}, {ID: "go-distroless", Title: "Go on distroless"}}},
		{ID: "qa", Title: "Questions", Strategies: []*lesson.Strategy{{ID: "python-multistage", Title: "Python"}},
			Questions: []*lesson.Question{
				{ID: "ship", Question: "Which stage\nships?", Choices: []string{"every stage", "the last stage"}, Answer: 2},
				{ID: "shell", Question: "Has distroless a `sh`?", Choices: []string{"yes", "no"}, Answer: 2},
				{ID: "cache", Question: "What busts the cache?", Choices: []string{"a changed file", "the date"}, Answer: 1},
			}},
	}}
}

// stores writes a progress file and a results cache with fixed dates, and opens them.
func stores(t *testing.T) (*progress.Store, *progress.ResultsCache) {
	t.Helper()
	dir := t.TempDir()
	at := func(h int) string { return now.Add(-time.Duration(h) * time.Hour).Format(time.RFC3339) }
	file := fmt.Sprintf(`{"version": %d, "lessons": {
		"normal": {"built": {"python": {"at": %q}, "go": {"at": %q}}},
		"multistage": {"built": {"go-multistage": {"at": %q}}},
		"qa": {"answers": {"ship": {"choice": 1, "correct": true, "at": %q}, "shell": {"choice": 0, "correct": false, "at": %q}}}
	}}`, progress.Version, at(30), at(29), at(5), at(2), at(1))
	if err := os.WriteFile(filepath.Join(dir, progress.FileName), []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	s, warnings, err := progress.Open(dir)
	if err != nil || len(warnings) > 0 {
		t.Fatal(err, warnings)
	}
	rc, _, err := progress.OpenResults(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []lab.Result{
		{Lesson: "normal", Strategy: "python", Image: "docktutor/normal:python", BaseImage: "python:3.13", StandIn: true,
			Builder: "legacy", SizeBytes: 825_900_000, Layers: 6, Steps: 4, BuildSeconds: 6.8, Finished: now.Add(-30 * time.Hour)},
		{Lesson: "normal", Strategy: "go", Image: "docktutor/normal:go", BaseImage: "golang:1.27", StandIn: true,
			Builder: "buildkit", SizeBytes: 1_020_000_000, Layers: 9, Steps: 6, CachedSteps: 2, BuildSeconds: 19.9, Finished: now.Add(-29 * time.Hour)},
		{Lesson: "multistage", Strategy: "go-multistage", Image: "docktutor/multistage:go-multistage", BaseImage: "alpine:3.22",
			Builder: "buildah", SizeBytes: 8_700_000, Layers: 4, Steps: 9, CachedSteps: 7, BuildSeconds: 4.7, Finished: now.Add(-5 * time.Hour)},
	} {
		r.Passed = true
		if !rc.Put(r) {
			t.Fatalf("result %s/%s not kept", r.Lesson, r.Strategy)
		}
	}
	return s, rc
}

func build(t *testing.T, exercises []Exercise) Report {
	s, rc := stores(t)
	return Build(Inputs{Course: course(), Progress: s, Results: rc, Exercises: exercises, Now: now})
}

// exercises are what the progress store will report once exercises are recorded there.
var exercises = []Exercise{
	{Lesson: "multistage", ID: "slim-go", Title: "Ship the Go app on scratch", Done: true, At: now.Add(-3 * time.Hour), Detail: "4 of 4 goals"},
	{Lesson: "multistage", ID: "python-wheels", Title: "Python | wheels", Detail: "1 of 3 goals"},
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name      string
		exercises []Exercise
		format    string
	}{
		{"report", exercises, "md"},
		{"report", exercises, "json"},
		{"report-no-exercises", nil, "md"},
	}
	for _, tt := range tests {
		t.Run(tt.name+"."+tt.format, func(t *testing.T) {
			r := build(t, tt.exercises)
			var got []byte
			if tt.format == "json" {
				var b bytes.Buffer
				if err := WriteJSON(&b, r); err != nil {
					t.Fatal(err)
				}
				got = b.Bytes()
			} else {
				got = []byte(Markdown(r))
			}
			golden(t, filepath.Join("testdata", tt.name+"."+tt.format+".golden"), got)
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it); got:\n%s", path, got)
	}
}

func TestBuild(t *testing.T) {
	r := build(t, exercises)
	tot := r.Totals()
	if want := (Totals{Lessons: 3, LessonsDone: 1, Strategies: 5, Built: 3, Questions: 3, Answered: 2, Correct: 1, Exercises: 2, ExercisesDone: 1}); tot != want {
		t.Errorf("totals %+v, want %+v", tot, want)
	}
	if l := r.Lessons[0]; l.Status != StatusDone || !l.Completed.Equal(now.Add(-29*time.Hour)) {
		t.Errorf("normal: %s, completed %v", l.Status, l.Completed)
	}
	if l := r.Lessons[1]; l.Status != StatusPartial || l.Strategies[1].Built || l.Strategies[1].Measured != nil {
		t.Errorf("multistage: %+v", l)
	}
	qa := r.Lessons[2].Answers
	// The store counts choices from 0, the course from 1.
	if qa[0].Choice != "the last stage" || !qa[0].Correct || qa[1].Choice != "yes" || qa[1].Right != "no" || qa[2].Answered {
		t.Errorf("answers %+v", qa)
	}
	// The JSON reads back as what was written.
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back.Totals() != tot || !back.Generated.Equal(now) {
		t.Errorf("JSON round trip: %v, %+v", err, back.Totals())
	}
}

// TestMarkdownThroughGlamour renders the report as the terminal shows it: the tables become
// tables (no row left in Markdown pipes, no alignment row), and the escaped | stays in its cell.
func TestMarkdownThroughGlamour(t *testing.T) {
	md := Markdown(build(t, exercises))
	g, err := glamour.NewTermRenderer(glamour.WithStandardStyle("notty"), glamour.WithWordWrap(140))
	if err != nil {
		t.Fatal(err)
	}
	out, err := g.Render(md)
	if err != nil {
		t.Fatal(err)
	}
	out = ansi.Strip(out)
	for _, want := range []string{"docktutor report", "Build fat | ship thin", "825.9MB", "python:3.13 (test stand-in)", "Python | wheels", "the answer: no"} {
		if !strings.Contains(out, want) {
			t.Errorf("rendered report lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if l := strings.TrimSpace(line); strings.HasPrefix(l, "|") || strings.Contains(l, "--:") || strings.Contains(l, `\|`) {
			t.Errorf("Markdown left in the rendered report: %q", line)
		}
	}
}
