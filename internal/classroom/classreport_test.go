package classroom

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/progress"
	"github.com/docktutor/docktutor/lessons"
)

var reportDay = time.Date(2026, 12, 2, 16, 30, 0, 0, time.UTC)

func builtinCourse(t *testing.T) *lesson.Course {
	t.Helper()
	c, err := lesson.Load(lessons.FS)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Lessons) < 2 {
		t.Fatalf("the course has %d lessons; these tests need two", len(c.Lessons))
	}
	return c
}

// learner makes a learner's folder in stateDir through the progress API: record fills in
// their progress, and sizes are their measured results.
func learner(t *testing.T, stateDir string, lf LearnerFile, record func(*progress.Store), sizes ...lab.Result) string {
	t.Helper()
	dir := LearnerDir(stateDir, lf.Fingerprint)
	if err := WriteLearnerFile(dir, lf); err != nil {
		t.Fatal(err)
	}
	s, _, err := progress.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	record(s)
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	rc, _, err := progress.OpenResults(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range sizes {
		r.Passed = true
		if !rc.Put(r) {
			t.Fatalf("result %s/%s not kept", r.Lesson, r.Strategy)
		}
	}
	if err := rc.Save(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// class is a state dir with two learners: ada has done the first lesson entirely and measured
// a size; bob has started the second and checked an exercise halfway.
func class(t *testing.T, c *lesson.Course) string {
	t.Helper()
	state := t.TempDir()
	first, second := c.Lessons[0], c.Lessons[1]
	learner(t, state, LearnerFile{Fingerprint: "SHA256:ada+/key", Name: "ada", Engine: "default"}, func(s *progress.Store) {
		for _, st := range first.Strategies {
			s.MarkBuilt(first.ID, st.ID)
		}
		for _, q := range first.Questions {
			s.RecordAnswer(first.ID, q.ID, q.Answer-1, true)
		}
		for _, ex := range first.Exercises {
			s.RecordExercise(first.ID, ex.ID, len(ex.Goals), len(ex.Goals))
		}
	}, lab.Result{Lesson: first.ID, Strategy: first.Strategies[0].ID, Image: "docktutor/x", BaseImage: "alpine:3.22",
		Builder: "buildkit", SizeBytes: 8_700_000, Layers: 4, Steps: 5, Finished: reportDay.Add(-time.Hour)})
	learner(t, state, LearnerFile{Fingerprint: "SHA256:bob", Name: "bob", Engine: "remote-1"}, func(s *progress.Store) {
		s.MarkBuilt(second.ID, second.Strategies[0].ID)
		if exs := c.Exercises(); len(exs) > 0 {
			s.RecordExercise(exs[0].LessonID, exs[0].ID, 1, 4)
		}
	})
	return state
}

func TestClassReport(t *testing.T) {
	c := builtinCourse(t)
	state := class(t, c)
	md, err := ClassReport(state, c, reportDay)
	if err != nil {
		t.Fatal(err)
	}
	lessons := len(c.Lessons)
	exercises := len(c.Exercises())
	firstExercises := len(c.Lessons[0].Exercises)
	for _, want := range []string{
		"# docktutor class report",
		"Written 2026-12-02 16:30 UTC.",
		"| ada | default | 1/" + strconv.Itoa(lessons) + " | " + strconv.Itoa(firstExercises) + "/" + strconv.Itoa(exercises) + " |",
		"| bob | remote-1 | 0/" + strconv.Itoa(lessons) + " | 0/" + strconv.Itoa(exercises) + " |",
		"## ada", "## bob", "Key `SHA256:ada+/key`",
		"8.7MB",                 // ada's measured size
		"### Lessons",           // the learner's own report, a level down
		"| bob | – | started |", // the lesson matrix: bob started the second lesson
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
	if exercises > 0 && !strings.Contains(md, " 1/4 |") {
		t.Errorf("bob's exercise at 1 of 4 goals is not in the matrix:\n%s", md)
	}
	if strings.Index(md, "## ada") > strings.Index(md, "## bob") {
		t.Error("learners are not in name order")
	}
	if strings.Contains(md, "\n# docktutor report") {
		t.Error("a learner's report keeps its own title")
	}
}

func TestClassReportEmpty(t *testing.T) {
	c := builtinCourse(t)
	for name, state := range map[string]string{"no folder": filepath.Join(t.TempDir(), "none"), "empty": t.TempDir()} {
		md, err := ClassReport(state, c, reportDay)
		if err != nil {
			t.Fatal(name, err)
		}
		if !strings.Contains(md, "No learner has come yet.") {
			t.Errorf("%s: %s", name, md)
		}
	}
}

func TestClassReportSurvivesCorruptFiles(t *testing.T) {
	c := builtinCourse(t)
	state := class(t, c)
	ada, bob := LearnerDir(state, "SHA256:ada+/key"), LearnerDir(state, "SHA256:bob")
	if err := os.WriteFile(filepath.Join(ada, learnerFileName), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	corrupt := []byte(`{"version": 1, "lessons": [`)
	if err := os.WriteFile(filepath.Join(bob, progress.FileName), corrupt, 0o600); err != nil {
		t.Fatal(err)
	}
	md, err := ClassReport(state, c, reportDay)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"learner.json unreadable",        // ada's row says so...
		"| " + filepath.Base(ada) + " |", // ...and names her by her folder
		"8.7MB",                          // her progress is still reported
		"progress.json unreadable",       // bob's row says so
		"## bob",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
	// The report only reads: bob's file is where it was, as it was.
	if got, err := os.ReadFile(filepath.Join(bob, progress.FileName)); err != nil || string(got) != string(corrupt) {
		t.Errorf("bob's progress file was changed: %q, %v", got, err)
	}
}

func TestWriteClassReport(t *testing.T) {
	c := builtinCourse(t)
	state := class(t, c)
	path, err := WriteClassReport(state, c, reportDay)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(state, "reports", "class-20261202-163000.md"); path != want {
		t.Errorf("path %s, want %s", path, want)
	}
	if data, err := os.ReadFile(path); err != nil || !strings.Contains(string(data), "## ada") {
		t.Errorf("report file: %v\n%s", err, data)
	}
}

func TestLearnerDir(t *testing.T) {
	tests := []struct{ fingerprint, want string }{
		{"SHA256:abc+/xyz", "SHA256.abc-_xyz"},
		{"MD5:aa:bb", "MD5.aa.bb"},
		{":x", "%3Ax"},
		{"..", "%2E%2E"},
		{"a_b-c.d", "a%5Fb%2Dc%2Ed"},
		{"", "%"},
	}
	for _, tt := range tests {
		if got := filepath.Base(LearnerDir("/state", tt.fingerprint)); got != tt.want {
			t.Errorf("LearnerDir(%q) = %q, want %q", tt.fingerprint, got, tt.want)
		}
		if dir := LearnerDir("/state", tt.fingerprint); filepath.Dir(dir) != filepath.Join("/state", "learners") {
			t.Errorf("LearnerDir(%q) = %q: not one element under learners/", tt.fingerprint, dir)
		}
	}
	// Fingerprints that differ only where the mapping could meet do not share a folder.
	seen := map[string]string{}
	for _, fp := range []string{"SHA256:a/b", "SHA256:a_b", "SHA256:a+b", "SHA256:a-b", "SHA256:a.b", "SHA256:a:b", "SHA256%3Aab"} {
		d := LearnerDir("/s", fp)
		if other, ok := seen[d]; ok {
			t.Errorf("%q and %q share %s", fp, other, d)
		}
		seen[d] = fp
	}
}

func TestLearnerFileRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "learners", "x")
	want := LearnerFile{Fingerprint: "SHA256:x", Name: "ada", Engine: "default"}
	if err := WriteLearnerFile(dir, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadLearnerFile(dir)
	if err != nil || got != want {
		t.Errorf("read %+v, %v; want %+v", got, err, want)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the folder holds %d files, want learner.json alone (no temporary left)", len(entries))
	}
}
