package progress

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docktutor/docktutor/internal/lesson"
)

// open opens a store in dir and fails the test on errors or warnings.
func open(t *testing.T, dir string) *Store {
	t.Helper()
	s, warnings, err := Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if len(warnings) > 0 {
		t.Fatalf("Open: unexpected warnings %v", warnings)
	}
	return s
}

// fixedClock makes a store's times predictable.
func fixedClock(s *Store, t time.Time) { s.now = func() time.Time { return t } }

func TestRoundTripSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2026, 11, 22, 14, 5, 0, 0, time.UTC)

	s := open(t, dir)
	fixedClock(s, at)
	s.MarkBuilt("multistage", "go-multistage")
	s.MarkBuilt("multistage", "py-slim")
	s.RecordAnswer("qa", "one-image", 2, true)
	s.RecordAnswer("qa", "separate-files", 1, false)
	s.SetLast("multistage", "py-slim")
	if err := s.Save(); err != nil {
		t.Fatalf("Save: %v", err)
	}

	// A new Store on the same folder is what the next docktutor run sees.
	r := open(t, dir)
	if l, st := r.Last(); l != "multistage" || st != "py-slim" {
		t.Errorf("Last() = %q, %q; want multistage, py-slim", l, st)
	}
	ms := r.Lesson("multistage")
	if got := slices.Sorted(maps.Keys(ms.Built)); !slices.Equal(got, []string{"go-multistage", "py-slim"}) {
		t.Errorf("built = %v", got)
	}
	if !ms.Built["py-slim"].At.Equal(at) || !ms.Opened.Equal(at) || ms.Strategy != "py-slim" {
		t.Errorf("multistage = %+v", ms)
	}
	qa := r.Lesson("qa")
	want := map[string]Answer{
		"one-image":      {Choice: 2, Correct: true, At: at},
		"separate-files": {Choice: 1, Correct: false, At: at},
	}
	for id, w := range want {
		if g := qa.Answers[id]; g.Choice != w.Choice || g.Correct != w.Correct || !g.At.Equal(w.At) {
			t.Errorf("answer %s = %+v, want %+v", id, g, w)
		}
	}
	if qa.Correct() != 1 || !qa.Started() {
		t.Errorf("qa: Correct() = %d, Started() = %v", qa.Correct(), qa.Started())
	}
	if got := r.Recorded(); !slices.Equal(got, []string{"multistage", "qa"}) {
		t.Errorf("Recorded() = %v", got)
	}
}

func TestFileFormat(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	fixedClock(s, time.Date(2026, 11, 22, 14, 5, 0, 0, time.UTC))
	s.MarkBuilt("multistage", "go-multistage")
	s.RecordAnswer("qa", "one-image", 2, true)
	s.SetLast("multistage", "go-multistage")
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	// The field names are a contract with files already on learners' disks.
	want := `{
  "version": 1,
  "last": {
    "lesson": "multistage",
    "strategy": "go-multistage",
    "at": "2026-11-22T14:05:00Z"
  },
  "lessons": {
    "multistage": {
      "built": {
        "go-multistage": {
          "at": "2026-11-22T14:05:00Z"
        }
      },
      "strategy": "go-multistage",
      "opened": "2026-11-22T14:05:00Z"
    },
    "qa": {
      "answers": {
        "one-image": {
          "choice": 2,
          "correct": true,
          "at": "2026-11-22T14:05:00Z"
        }
      }
    }
  }
}
`
	if string(got) != want {
		t.Errorf("progress.json =\n%s\nwant\n%s", got, want)
	}
}

func TestCorruptFileIsMovedAside(t *testing.T) {
	tests := []struct {
		name, content, reason string
	}{
		{"bad JSON", `{"version": 1, "lessons": {`, "not valid JSON"},
		{"truncated", `{"version": 1, "lessons": {"multistage": {"built": {"go-multi`, "not valid JSON"},
		{"empty", ``, "empty file"},
		{"binary", "\x00\x01\x02garbage", "not valid JSON"},
		{"newer version", `{"version": 2, "lessons": {}}`, "format version 2"},
		{"no version", `{"lessons": {}}`, "no format version"},
		{"wrong shape", `{"version": 1, "lessons": ["multistage"]}`, "unexpected content"},
		{"not an object", `[1, 2, 3]`, "unexpected content"},
		{"version as text", `{"version": "1"}`, "unexpected content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			s, warnings, err := Open(dir)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if len(warnings) != 1 {
				t.Fatalf("warnings = %v, want one", warnings)
			}
			w := warnings[0]
			if w.Path != path || !strings.HasPrefix(w.MovedTo, path+".corrupt-") || !strings.Contains(w.Reason, tt.reason) {
				t.Errorf("warning = %+v", w)
			}
			msg := w.String()
			for _, part := range []string{path, w.MovedTo, tt.reason} {
				if !strings.Contains(msg, part) {
					t.Errorf("warning %q does not mention %q", msg, part)
				}
			}
			// Never lost: the old bytes are kept, byte for byte.
			kept, err := os.ReadFile(w.MovedTo)
			if err != nil || string(kept) != tt.content {
				t.Errorf("moved-aside file = %q, %v; want the original %q", kept, err, tt.content)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("%s still there after moving aside: %v", path, err)
			}
			// The store starts empty and works.
			if got := s.Recorded(); len(got) != 0 {
				t.Errorf("Recorded() = %v, want empty", got)
			}
			s.MarkBuilt("multistage", "go-multistage")
			if err := s.Save(); err != nil {
				t.Fatal(err)
			}
			if _, ok := open(t, dir).Lesson("multistage").Built["go-multistage"]; !ok {
				t.Error("progress saved after recovery was not read back")
			}
		})
	}
}

func TestCorruptFilesDoNotOverwriteEachOther(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	at := time.Date(2026, 11, 22, 14, 5, 0, 0, time.UTC)
	var moved []string
	for i := range 3 {
		content := fmt.Sprintf("garbage %d", i)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		w, _, err := load(path, &file{}, at, false) // same second every time
		if err != nil || w == nil {
			t.Fatalf("load: %v, %v", w, err)
		}
		if kept, _ := os.ReadFile(w.MovedTo); string(kept) != content {
			t.Errorf("%s = %q, want %q", w.MovedTo, kept, content)
		}
		moved = append(moved, w.MovedTo)
	}
	if unique := slices.Compact(slices.Sorted(slices.Values(moved))); len(unique) != 3 {
		t.Errorf("moved-aside names repeat: %v", moved)
	}
}

func TestMissingFolderIsEmptyAndCreatedOnSave(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "docktutor")
	s := open(t, dir)
	if l, st := s.Last(); l != "" || st != "" {
		t.Errorf("Last() = %q, %q on a new store", l, st)
	}
	// Saving an untouched store writes nothing: opening must not create files.
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("Save of an unchanged store created %s", dir)
	}
	s.MarkBuilt("normal", "py-full")
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
		t.Error(err)
	}
}

func TestSavePermissionsAndNoTempFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permissions")
	}
	dir := filepath.Join(t.TempDir(), "docktutor")
	s := open(t, dir)
	for i := range 5 {
		s.MarkBuilt("multistage", fmt.Sprint("s", i))
		if err := s.Save(); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"." + FileName + ".lock", FileName}; !slices.Equal(names, want) {
		t.Errorf("folder holds %v, want only %v", names, want)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, FileName): 0o600, lockPath(filepath.Join(dir, FileName)): 0o600} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != want {
			t.Errorf("%s mode = %v, want %v", path, got, want)
		}
	}
}

func TestFailedSaveLeavesOldFileAndNoTemp(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permissions")
	}
	dir := t.TempDir()
	s := open(t, dir)
	s.MarkBuilt("multistage", "go-multistage")
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, FileName))
	// A folder in the way of the rename makes the last step of the save fail.
	path := filepath.Join(dir, "sub")
	if err := os.MkdirAll(filepath.Join(path, FileName, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	s2 := &Store{path: filepath.Join(path, FileName), now: time.Now, data: emptyFile()}
	s2.MarkBuilt("normal", "python")
	if err := s2.Save(); err == nil {
		t.Fatal("Save over a folder succeeded")
	}
	entries, _ := os.ReadDir(path)
	for _, e := range entries {
		if e.Name() != FileName && e.Name() != "."+FileName+".lock" {
			t.Errorf("failed save left %s in %s", e.Name(), path)
		}
	}
	after, _ := os.ReadFile(filepath.Join(dir, FileName))
	if string(before) != string(after) {
		t.Error("unrelated progress.json changed")
	}
	// The change stays pending so a later Save can still write what was recorded.
	if len(s2.pending) == 0 {
		t.Error("failed Save forgot what was recorded")
	}
}

func TestReset(t *testing.T) {
	tests := []struct {
		name       string
		reset      string
		wantLeft   []string
		wantLast   string
		wantChange bool
	}{
		{"one lesson", "multistage", []string{"normal", "qa"}, "", true},
		{"lesson not last", "qa", []string{"multistage", "normal"}, "multistage", true},
		{"everything", "", nil, "", true},
		{"nothing recorded", "cache", []string{"multistage", "normal", "qa"}, "multistage", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s := open(t, dir)
			s.MarkBuilt("normal", "py-full")
			s.RecordAnswer("qa", "one-image", 0, true)
			s.MarkBuilt("multistage", "go-multistage")
			s.SetLast("multistage", "go-multistage")
			if err := s.Save(); err != nil {
				t.Fatal(err)
			}
			s.Reset(tt.reset)
			if changed := len(s.pending) > 0; changed != tt.wantChange {
				t.Errorf("changed = %v, want %v", changed, tt.wantChange)
			}
			if err := s.Save(); err != nil {
				t.Fatal(err)
			}
			r := open(t, dir)
			if got := r.Recorded(); !slices.Equal(got, tt.wantLeft) {
				t.Errorf("after Reset(%q) and restart: Recorded() = %v, want %v", tt.reset, got, tt.wantLeft)
			}
			if l, _ := r.Last(); l != tt.wantLast {
				t.Errorf("Last() = %q, want %q", l, tt.wantLast)
			}
			if tt.reset != "" && r.Lesson(tt.reset).Started() {
				t.Errorf("lesson %s still started after reset", tt.reset)
			}
		})
	}
}

// lessonOf is a lesson of the given strategy and question ids, as the course defines it.
func lessonOf(strategies, questions []string) *lesson.Lesson {
	l := &lesson.Lesson{ID: "normal"}
	for _, id := range strategies {
		l.Strategies = append(l.Strategies, &lesson.Strategy{ID: id})
	}
	for _, id := range questions {
		l.Questions = append(l.Questions, &lesson.Question{ID: id})
	}
	return l
}

func TestStatus(t *testing.T) {
	strategies := []string{"py-full", "py-slim"}
	questions := []string{"q1", "q2"}
	tests := []struct {
		name             string
		built, answered  []string
		strategies, qids []string
		want             bool
	}{
		{"nothing yet", nil, nil, strategies, questions, false},
		{"built only", strategies, nil, strategies, questions, false},
		{"one question missing", strategies, []string{"q1"}, strategies, questions, false},
		{"all", strategies, questions, strategies, questions, true},
		{"strategies only, none asked", strategies, nil, strategies, nil, true},
		{"a strategy added to the course later", strategies, questions, append(slices.Clone(strategies), "py-distroless"), questions, false},
		{"records of removed strategies ignored", append(slices.Clone(strategies), "gone"), nil, strategies, nil, true},
		{"nothing to do", strategies, questions, nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s := open(t, dir)
			at := time.Date(2026, 11, 22, 14, 5, 0, 0, time.UTC)
			for i, id := range tt.built {
				fixedClock(s, at.Add(time.Duration(i)*time.Minute))
				s.MarkBuilt("normal", id)
			}
			for _, id := range tt.answered {
				s.RecordAnswer("normal", id, 0, false) // wrong answers count as answered
			}
			if err := s.Save(); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(s.Path())
			st := s.Status(lessonOf(tt.strategies, tt.qids))
			if st.Done() != tt.want {
				t.Errorf("Done = %v, want %v (%+v)", st.Done(), tt.want, st)
			}
			if tt.want == st.Completed.IsZero() {
				t.Errorf("Completed = %v with Done = %v", st.Completed, tt.want)
			}
			if st.Answered != min(len(tt.answered), len(tt.qids)) || st.Correct != 0 {
				t.Errorf("answered %d, correct %d", st.Answered, st.Correct)
			}
			// A query: nothing to save, nothing written.
			if err := s.Save(); err != nil {
				t.Fatal(err)
			}
			if after, _ := os.ReadFile(s.Path()); !bytes.Equal(before, after) {
				t.Errorf("Status changed the file:\n%s\n%s", before, after)
			}
		})
	}
}

func TestAnswerIsReplaced(t *testing.T) {
	s := open(t, t.TempDir())
	s.RecordAnswer("qa", "q1", 0, false)
	s.RecordAnswer("qa", "q1", 2, true)
	if a := s.Lesson("qa").Answers["q1"]; a.Choice != 2 || !a.Correct {
		t.Errorf("answer = %+v, want the latest", a)
	}
}

func TestLessonIsACopy(t *testing.T) {
	s := open(t, t.TempDir())
	s.MarkBuilt("multistage", "go-multistage")
	s.RecordAnswer("multistage", "q1", 1, true)
	lp := s.Lesson("multistage")
	lp.Built["forged"] = Step{}
	delete(lp.Answers, "q1")
	lp.Strategy = "forged"
	again := s.Lesson("multistage")
	if _, ok := again.Built["forged"]; ok || len(again.Answers) != 1 || again.Strategy == "forged" {
		t.Errorf("changing a returned LessonProgress changed the store: %+v", again)
	}
}

func TestConcurrentUse(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				id := fmt.Sprintf("s%d-%d", g, i)
				s.MarkBuilt("multistage", id)
				s.RecordAnswer("qa", id, i, i%2 == 0)
				s.SetLast("multistage", id)
				_ = s.Lesson("multistage")
				_, _ = s.Last()
				_ = s.Status(lessonOf([]string{id}, nil))
				if i%10 == 0 {
					if err := s.Save(); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	if n := len(open(t, dir).Lesson("multistage").Built); n != 8*50 {
		t.Errorf("built %d strategies, want %d", n, 8*50)
	}
}

// TestTwoProcessesNeverTearTheFile stands in for two docktutor processes sharing a state
// folder: two stores save over each other while a reader checks every version it sees.
func TestTwoProcessesNeverTearTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	a, b := open(t, dir), open(t, dir)
	stop := make(chan struct{})
	var readers sync.WaitGroup
	readers.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			data, err := os.ReadFile(path)
			if os.IsNotExist(err) {
				continue
			}
			var f file
			if err != nil || json.Unmarshal(data, &f) != nil || f.Version != Version {
				t.Errorf("reader saw a torn file (%v): %q", err, data)
				return
			}
		}
	})
	var writers sync.WaitGroup
	for _, s := range []*Store{a, b} {
		writers.Go(func() {
			for i := range 100 {
				s.MarkBuilt("multistage", fmt.Sprint("s", i))
				if err := s.Save(); err != nil {
					t.Error(err)
				}
			}
		})
	}
	writers.Wait()
	close(stop)
	readers.Wait()
	open(t, dir) // and the last writer's file reads back without a warning
}

func TestUnreadableFileIsAnError(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		t.Skip("needs a user file permissions apply to")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if err := os.WriteFile(path, []byte(`{"version": 1}`), 0o000); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Open(dir); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Open of an unreadable file: err = %v, want one naming %s", err, path)
	}
}

func TestCorruptFileInReadOnlyFolderIsAnError(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		t.Skip("needs a user file permissions apply to")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if err := os.WriteFile(path, []byte(`{broken`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	// Starting empty here would let the next Save overwrite the learner's file.
	if _, _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "could not be moved aside") {
		t.Errorf("err = %v, want one saying the file could not be moved aside", err)
	}
}

func TestDefaultDirs(t *testing.T) {
	home := t.TempDir()
	tests := []struct {
		name      string
		env       map[string]string
		state     string
		cacheWant string
	}{
		{"fallback to home", nil, filepath.Join(home, ".local", "state", "docktutor"), filepath.Join(home, ".cache", "docktutor")},
		{"XDG", map[string]string{"XDG_STATE_HOME": "/xdg/state", "XDG_CACHE_HOME": "/xdg/cache"}, "/xdg/state/docktutor", "/xdg/cache/docktutor"},
		{"relative XDG ignored", map[string]string{"XDG_STATE_HOME": "rel", "XDG_CACHE_HOME": "rel"}, filepath.Join(home, ".local", "state", "docktutor"), filepath.Join(home, ".cache", "docktutor")},
		{"override wins", map[string]string{"XDG_STATE_HOME": "/xdg/state", EnvStateDir: "/w/state", EnvCacheDir: "/w/cache"}, "/w/state", "/w/cache"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("HOME", home)
			for _, k := range []string{"XDG_STATE_HOME", "XDG_CACHE_HOME", EnvStateDir, EnvCacheDir} {
				t.Setenv(k, tt.env[k])
			}
			if got, err := DefaultDir(); err != nil || got != tt.state {
				t.Errorf("DefaultDir() = %q, %v; want %q", got, err, tt.state)
			}
			if got, err := DefaultCacheDir(); err != nil || got != tt.cacheWant {
				t.Errorf("DefaultCacheDir() = %q, %v; want %q", got, err, tt.cacheWant)
			}
		})
	}
}

// A store opened read-only reports an unreadable file but leaves it where it is, and refuses
// to save: a reader of other learners' folders (the class report) changes nothing in them.
func TestOpenReadOnlyLeavesFilesAlone(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{FileName, ResultsFileName} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("{not json"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s, warnings, err := OpenReadOnly(dir)
	if err != nil || len(warnings) != 1 || warnings[0].MovedTo != "" || !strings.Contains(warnings[0].String(), "left as it is") {
		t.Fatalf("OpenReadOnly: %v, %+v", err, warnings)
	}
	if len(s.Recorded()) != 0 {
		t.Errorf("an unreadable file read as %v", s.Recorded())
	}
	s.MarkBuilt("normal", "python")
	if err := s.Save(); !errors.Is(err, errReadOnly) {
		t.Errorf("Save of a read-only store: %v", err)
	}
	rc, warnings, err := OpenResultsReadOnly(dir)
	if err != nil || rc == nil || len(warnings) != 1 || warnings[0].MovedTo != "" {
		t.Fatalf("OpenResultsReadOnly: %v, %+v", err, warnings)
	}
	for _, name := range []string{FileName, ResultsFileName} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(b) != "{not json" {
			t.Errorf("%s after a read-only open: %q, %v", name, b, err)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("the folder holds %d files, want the 2 it had", len(entries))
	}
}
