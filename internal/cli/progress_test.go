package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/progress"
	"github.com/docktutor/docktutor/lessons"
)

// runProgress runs `docktutor progress args…` on a state folder of its own and returns stdout,
// stderr and the exit code.
func runProgress(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := newProgressCmd(&globalOptions{streams: Streams{In: strings.NewReader(""), Out: &out, Err: &errb}})
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true // as the root command does
	if err := cmd.Execute(); err != nil {
		errb.WriteString("docktutor: " + err.Error() + "\n")
		return out.String(), errb.String(), ExitCode(err)
	}
	return out.String(), errb.String(), 0
}

// progressDir points docktutor at a fresh state folder and returns it.
func progressDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv(progress.EnvStateDir, dir)
	return dir
}

// testCourse is the built-in course the command reports on; tests read ids from it so they
// keep working as lessons are added.
func testCourse(t *testing.T) *lesson.Course {
	t.Helper()
	c, err := lesson.Load(lessons.FS)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// record writes progress the way the TUI does.
func record(t *testing.T, dir string, do func(*progress.Store)) {
	t.Helper()
	s, _, err := progress.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	do(s)
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
}

type progressJSON struct {
	Path string `json:"path"`
	Last *struct {
		Lesson, Strategy string
	} `json:"last"`
	Lessons []struct {
		ID                string   `json:"id"`
		Status            string   `json:"status"`
		StrategiesBuilt   int      `json:"strategies_built"`
		StrategiesTotal   int      `json:"strategies_total"`
		Built             []string `json:"built"`
		QuestionsAnswered int      `json:"questions_answered"`
		QuestionsCorrect  int      `json:"questions_correct"`
		LastOpened        string   `json:"last_opened"`
		Completed         string   `json:"completed"`
	} `json:"lessons"`
	Other []string `json:"other_recorded"`
}

func TestProgressStatus(t *testing.T) {
	first := testCourse(t).Lessons[0]
	var all []string
	for _, s := range first.Strategies {
		all = append(all, s.ID)
	}
	tests := []struct {
		name       string
		built      []string
		answers    int
		open       bool
		wantStatus string
		wantText   string
	}{
		{"nothing yet", nil, 0, false, "not-started", "not started"},
		{"opened only", nil, 0, true, "not-started", "not started"},
		{"one strategy", all[:1], 0, true, "partial", "partial"},
		// Answers to questions the lesson does not have (an older course's) do not count.
		{"answers to no question of the lesson", nil, 2, false, "not-started", "not started"},
		{"every strategy", all, 1, true, "done", "✓ done"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := progressDir(t)
			record(t, dir, func(s *progress.Store) {
				for _, id := range tt.built {
					s.MarkBuilt(first.ID, id)
				}
				for i := range tt.answers {
					s.RecordAnswer(first.ID, fmt.Sprint("q", i), i, i == 0)
				}
				if tt.open {
					s.SetLast(first.ID, all[0])
				}
			})

			out, stderr, code := runProgress(t, "--json")
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			var rep progressJSON
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("progress --json is not JSON: %v\n%s", err, out)
			}
			if rep.Path != filepath.Join(dir, progress.FileName) {
				t.Errorf("path = %q", rep.Path)
			}
			got := rep.Lessons[0]
			if got.ID != first.ID || got.Status != tt.wantStatus || got.StrategiesBuilt != len(tt.built) ||
				got.StrategiesTotal != len(all) || got.QuestionsAnswered != 0 || (got.LastOpened != "") != tt.open {
				t.Errorf("lesson = %+v", got)
			}
			if got.QuestionsCorrect != 0 {
				t.Errorf("questions_correct = %d, want 0", got.QuestionsCorrect)
			}
			if (got.Completed != "") != (tt.wantStatus == "done") {
				t.Errorf("completed = %q with status %s", got.Completed, got.Status)
			}
			if (rep.Last != nil) != tt.open {
				t.Errorf("last = %+v", rep.Last)
			}

			text, _, _ := runProgress(t)
			var row string
			for _, line := range strings.Split(text, "\n") {
				if strings.HasPrefix(line, "1 ") {
					row = line
				}
			}
			if !strings.Contains(row, first.ID) || !strings.Contains(row, tt.wantText) {
				t.Errorf("row for %s = %q, want %q in it\n%s", first.ID, row, tt.wantText, text)
			}
			if !strings.Contains(row, fmt.Sprintf(" %d/%d ", len(tt.built), len(all))) {
				t.Errorf("row %q lacks built %d/%d", row, len(tt.built), len(all))
			}
			if tt.open != !strings.Contains(row, "never") {
				t.Errorf("row %q: last opened wrong (opened = %v)", row, tt.open)
			}
			wantHint := "Start with: docktutor lesson " + first.ID
			if tt.open {
				wantHint = "Pick up where you left off: docktutor lesson " + first.ID
			}
			if !strings.Contains(text, wantHint) || !strings.Contains(text, rep.Path) {
				t.Errorf("output lacks %q or the file's path:\n%s", wantHint, text)
			}
		})
	}
}

func TestProgressInCourseOrderWithOtherLessons(t *testing.T) {
	c := testCourse(t)
	dir := progressDir(t)
	record(t, dir, func(s *progress.Store) { s.MarkBuilt("retired-lesson", "old") })
	rep := progressReportJSON(t)
	var ids []string
	for _, l := range rep.Lessons {
		ids = append(ids, l.ID)
	}
	if strings.Join(ids, ",") != strings.Join(c.IDs(), ",") {
		t.Errorf("lessons %v, want the course order %v", ids, c.IDs())
	}
	if len(rep.Other) != 1 || rep.Other[0] != "retired-lesson" {
		t.Errorf("other_recorded = %v", rep.Other)
	}
	text, _, _ := runProgress(t)
	if !strings.Contains(text, "not in this course: retired-lesson") {
		t.Errorf("text lacks the retired lesson:\n%s", text)
	}
}

func TestProgressCorruptFileWarns(t *testing.T) {
	dir := progressDir(t)
	path := filepath.Join(dir, progress.FileName)
	const broken = `{"version": 1, "lessons": {"multi`
	if err := os.WriteFile(path, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runProgress(t)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "not started") {
		t.Errorf("stdout after recovery:\n%s", out)
	}
	matches, _ := filepath.Glob(path + ".corrupt-*")
	if len(matches) != 1 {
		t.Fatalf("moved-aside files: %v", matches)
	}
	if !strings.HasPrefix(stderr, "docktutor: warning: ") || !strings.Contains(stderr, path) || !strings.Contains(stderr, matches[0]) {
		t.Errorf("stderr %q does not name both %s and %s", stderr, path, matches[0])
	}
	if kept, _ := os.ReadFile(matches[0]); string(kept) != broken {
		t.Errorf("moved-aside bytes = %q, want the original", kept)
	}
}

func TestProgressReset(t *testing.T) {
	first := testCourse(t).Lessons[0]
	strategy := first.Strategies[0].ID
	tests := []struct {
		name       string
		args       []string
		recorded   bool
		wantCode   int
		wantOut    string
		wantErr    string
		wantLeft   []string // lessons still recorded afterwards
		wantNoSave bool
	}{
		{"one lesson", []string{"reset", first.ID}, true, 0, "Cleared lesson " + first.ID + ": 1 strategy built, 1 question answered.", "", []string{"retired-lesson"}, false},
		{"everything", []string{"reset"}, true, 0, "Cleared all progress (2 lessons: " + strings.Join(slices.Sorted(slices.Values([]string{first.ID, "retired-lesson"})), ", ") + ").", "", nil, false},
		{"lesson with nothing", []string{"reset", first.ID}, false, 0, "Nothing was recorded for lesson " + first.ID + "; nothing to clear.", "", nil, true},
		{"nothing at all", []string{"reset"}, false, 0, "No progress was recorded; nothing to clear.", "", nil, true},
		{"unknown lesson", []string{"reset", "nope"}, true, 2, "", `unknown lesson "nope"; available: ` + first.ID, []string{first.ID, "retired-lesson"}, false},
		{"two lessons", []string{"reset", first.ID, "nope"}, true, 2, "", "reset takes at most one lesson", []string{first.ID, "retired-lesson"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := progressDir(t)
			if tt.recorded {
				record(t, dir, func(s *progress.Store) {
					s.MarkBuilt(first.ID, strategy)
					s.RecordAnswer(first.ID, "q1", 0, true)
					s.SetLast(first.ID, strategy)
					s.MarkBuilt("retired-lesson", "old")
				})
			}
			out, stderr, code := runProgress(t, tt.args...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr %q", code, tt.wantCode, stderr)
			}
			if !strings.Contains(out, tt.wantOut) || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("stdout %q, stderr %q; want %q and %q", out, stderr, tt.wantOut, tt.wantErr)
			}
			if tt.wantNoSave {
				if _, err := os.Stat(filepath.Join(dir, progress.FileName)); !os.IsNotExist(err) {
					t.Errorf("a reset with nothing to clear wrote a file: %v", err)
				}
				return
			}
			s, warnings, err := progress.Open(dir)
			if err != nil || len(warnings) > 0 {
				t.Fatalf("reopen: %v %v", warnings, err)
			}
			if got := s.Recorded(); strings.Join(got, ",") != strings.Join(tt.wantLeft, ",") {
				t.Errorf("recorded after reset = %v, want %v", got, tt.wantLeft)
			}
		})
	}
}

// TestProgressQANeedsAnswers: qa has six questions. Built but unanswered, it is partial, and
// the table says 0/6 answered; `docktutor progress` once counted no questions and said done.
// Reading progress changes nothing on disk.
func TestProgressQANeedsAnswers(t *testing.T) {
	dir := progressDir(t)
	qa, ok := testCourse(t).Find("qa")
	if !ok {
		t.Fatal("no qa lesson")
	}
	record(t, dir, func(s *progress.Store) {
		for _, st := range qa.Strategies {
			s.MarkBuilt("qa", st.ID)
		}
	})
	before, err := os.ReadFile(filepath.Join(dir, progress.FileName))
	if err != nil {
		t.Fatal(err)
	}
	rep := progressReportJSON(t)
	for _, l := range rep.Lessons {
		if l.ID == "qa" && (l.Status != "partial" || l.QuestionsAnswered != 0) {
			t.Errorf("qa: status %q, %d answered; want partial, 0", l.Status, l.QuestionsAnswered)
		}
	}
	table, _, _ := runProgress(t)
	if !regexp.MustCompile(`qa\s+partial\s+2/2\s+0/9`).MatchString(table) {
		t.Errorf("the table does not show qa partial with 0/9 answered:\n%s", table)
	}
	after, _ := os.ReadFile(filepath.Join(dir, progress.FileName))
	if !bytes.Equal(before, after) {
		t.Errorf("reading progress wrote to the file:\nbefore %s\nafter  %s", before, after)
	}
}

// progressReportJSON runs `docktutor progress --json` and decodes what it prints.
func progressReportJSON(t *testing.T) progressJSON {
	t.Helper()
	out, _, code := runProgress(t, "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var rep progressJSON
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}
