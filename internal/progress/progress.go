// Package progress keeps what a learner has done — strategies built, questions answered, where
// they left off — and the results of their last live builds, in small JSON files under the XDG
// state and cache folders. Files are written atomically, and a file that cannot be read is moved
// aside with a warning instead of stopping the tutorial or being silently overwritten. It knows
// nothing of the terminal or of Docker.
package progress

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// FileName is the name of the progress file inside the state folder.
const FileName = "progress.json"

// Step records a strategy the learner built, measured and ran successfully.
type Step struct {
	At time.Time `json:"at"`
}

// Answer records the learner's latest answer to one question.
type Answer struct {
	Choice  int       `json:"choice"` // index of the chosen choice, from 0
	Correct bool      `json:"correct"`
	At      time.Time `json:"at"`
}

// LessonProgress is everything recorded about one lesson. Values handed out by Store are copies:
// changing them changes nothing stored.
type LessonProgress struct {
	Built    map[string]Step   `json:"built,omitempty"`    // by strategy id
	Answers  map[string]Answer `json:"answers,omitempty"`  // by question id
	Strategy string            `json:"strategy,omitempty"` // the strategy shown when last opened
	Opened   time.Time         `json:"opened,omitzero"`    // when the lesson was last opened
	// Exercises are the lesson's exercises the learner checked, by exercise id. Files from
	// before exercises have none, and read as they did.
	Exercises map[string]ExerciseProgress `json:"exercises,omitempty"`
}

// ExerciseProgress is the best check of one exercise: the most goals met at once, of how
// many, and whether every goal was ever met.
type ExerciseProgress struct {
	Solved bool      `json:"solved"`
	Passed int       `json:"passed"`
	Total  int       `json:"total"`
	At     time.Time `json:"at"` // when the best check (or the solving one) ran
}

// Started reports whether the learner has built or answered anything in the lesson.
func (p LessonProgress) Started() bool {
	return len(p.Built) > 0 || len(p.Answers) > 0 || len(p.Exercises) > 0
}

// Correct counts the recorded answers that were right.
func (p LessonProgress) Correct() int {
	n := 0
	for _, a := range p.Answers {
		if a.Correct {
			n++
		}
	}
	return n
}

func (p LessonProgress) clone() LessonProgress {
	p.Built = maps.Clone(p.Built)
	p.Answers = maps.Clone(p.Answers)
	p.Exercises = maps.Clone(p.Exercises)
	return p
}

// lastOpened is where the learner left off, so the menu can resume there.
type lastOpened struct {
	Lesson   string    `json:"lesson"`
	Strategy string    `json:"strategy,omitempty"`
	At       time.Time `json:"at"`
}

// file is the JSON document in progress.json.
type file struct {
	Version int                        `json:"version"`
	Last    *lastOpened                `json:"last,omitempty"`
	Lessons map[string]*LessonProgress `json:"lessons"`
}

// Store is one learner's progress, loaded from and saved to a folder. It is safe for use by
// several goroutines, and several processes may share the folder: a save merges this process's
// changes into what is on disk (see merge), and no save can leave a torn file.
type Store struct {
	mu      sync.Mutex
	path    string
	data    file
	pending []func(*file) // changes since the last save, replayed onto the file on disk
	now     func() time.Time
	// readOnly: opened by OpenReadOnly, so Save refuses and the file is never moved aside.
	readOnly bool
}

// Open loads progress.json from dir; a missing file or folder gives an empty store, and nothing
// is created until Save. An unreadable file is moved aside (see Warning) and the store starts
// empty. The error is for what moving aside cannot fix, such as a file the user may not read;
// the caller can then go on without saving progress.
func Open(dir string) (*Store, []Warning, error) { return openStore(dir, false) }

// OpenReadOnly loads progress.json from dir for a reader that must change nothing of it (the
// class report reads every learner's): an unreadable file is reported but left where it is, and
// the store starts empty; Save refuses.
func OpenReadOnly(dir string) (*Store, []Warning, error) { return openStore(dir, true) }

// Empty is a read-only store with nothing recorded: what a reader shows for a learner whose
// file it could not read.
func Empty() *Store {
	s := &Store{now: time.Now, readOnly: true, data: emptyFile()}
	s.data.normalize()
	return s
}

func openStore(dir string, readOnly bool) (*Store, []Warning, error) {
	s := &Store{path: filepath.Join(dir, FileName), now: time.Now, readOnly: readOnly}
	s.data = emptyFile()
	warn, reset, err := load(s.path, &s.data, s.now(), readOnly)
	if err != nil {
		return nil, nil, err
	}
	if reset {
		s.data = emptyFile()
	}
	s.data.normalize()
	var warnings []Warning
	if warn != nil {
		warnings = append(warnings, *warn)
	}
	return s, warnings, nil
}

func emptyFile() file {
	return file{Version: Version, Lessons: map[string]*LessonProgress{}}
}

// normalize repairs what a hand-edited file may hold: no lessons map, "lesson": null.
func (f *file) normalize() {
	if f.Lessons == nil {
		f.Lessons = map[string]*LessonProgress{}
	}
	for id, lp := range f.Lessons {
		if lp == nil {
			delete(f.Lessons, id)
		}
	}
}

// Path is the file the store reads and saves.
func (s *Store) Path() string { return s.path }

// lesson returns the record for id, creating it.
func (f *file) lesson(id string) *LessonProgress {
	lp := f.Lessons[id]
	if lp == nil {
		lp = &LessonProgress{}
		f.Lessons[id] = lp
	}
	return lp
}

// change applies op to the store now and keeps it for the next Save, which replays it onto the
// file as it is on disk then. Callers hold s.mu.
func (s *Store) change(op func(*file)) {
	op(&s.data)
	s.pending = append(s.pending, op)
}

// MarkBuilt records that strategy of lesson was built, measured and ran as the lesson promised.
// Building it again moves the time forward.
func (s *Store) MarkBuilt(lesson, strategy string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	at := s.now()
	s.change(func(f *file) {
		lp := f.lesson(lesson)
		if lp.Built == nil {
			lp.Built = map[string]Step{}
		}
		lp.Built[strategy] = Step{At: at}
	})
}

// RecordAnswer records the learner's answer to a question of lesson, replacing an earlier one:
// the latest answer is the one that counts.
func (s *Store) RecordAnswer(lesson, question string, choice int, correct bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := Answer{Choice: choice, Correct: correct, At: s.now()}
	s.change(func(f *file) {
		lp := f.lesson(lesson)
		if lp.Answers == nil {
			lp.Answers = map[string]Answer{}
		}
		lp.Answers[question] = a
	})
}

// RecordExercise records a check of exercise id of lesson that met passed of total goals. The
// best check is kept: a worse one later changes nothing, and once solved an exercise stays
// solved (a learner who experiments after solving it has not unlearned it).
func (s *Store) RecordExercise(lesson, id string, passed, total int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	at := s.now()
	s.change(func(f *file) {
		lp := f.lesson(lesson)
		if lp.Exercises == nil {
			lp.Exercises = map[string]ExerciseProgress{}
		}
		old, had := lp.Exercises[id]
		best := old
		if !had || passed > old.Passed || total != old.Total {
			// A changed total is a changed exercise: its new count is the one that means something.
			best = ExerciseProgress{Passed: passed, Total: total, At: at}
		}
		best.Solved = old.Solved || total > 0 && passed == total
		if best.Solved && !old.Solved {
			best.At = at
		}
		lp.Exercises[id] = best
	})
}

// Exercise returns what is recorded about the exercise id, in whichever lesson (exercise ids
// are unique across a course); the zero value when nothing is.
func (s *Store) Exercise(id string) ExerciseProgress {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, lesson := range slices.Sorted(maps.Keys(s.data.Lessons)) {
		if ep, ok := s.data.Lessons[lesson].Exercises[id]; ok {
			return ep
		}
	}
	return ExerciseProgress{}
}

// SetLast records the lesson and strategy on screen, so the menu resumes there next time and the
// lesson reopens on that strategy. strategy may be empty.
func (s *Store) SetLast(lesson, strategy string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.change(func(f *file) {
		f.Last = &lastOpened{Lesson: lesson, Strategy: strategy, At: now}
		lp := f.lesson(lesson)
		lp.Opened = now
		if strategy != "" {
			lp.Strategy = strategy
		}
	})
}

// Last returns the lesson and strategy the learner was last on; both are empty when nothing was
// opened yet.
func (s *Store) Last() (lesson, strategy string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.data.Last == nil {
		return "", ""
	}
	return s.data.Last.Lesson, s.data.Last.Strategy
}

// Lesson returns a copy of what is recorded about a lesson; the zero value when nothing is.
func (s *Store) Lesson(id string) LessonProgress {
	s.mu.Lock()
	defer s.mu.Unlock()
	if lp := s.data.Lessons[id]; lp != nil {
		return lp.clone()
	}
	return LessonProgress{}
}

// Recorded lists, sorted, the ids of the lessons something is recorded about — including lessons
// the current course may no longer have.
func (s *Store) Recorded() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.data.Lessons))
}

// Reset forgets everything recorded about a lesson, or about all lessons when lesson is "".
// The menu no longer resumes in a lesson that was reset.
func (s *Store) Reset(lesson string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if lesson == "" {
		if len(s.data.Lessons) > 0 || s.data.Last != nil {
			s.change(func(f *file) { *f = emptyFile() })
		}
		return
	}
	_, recorded := s.data.Lessons[lesson]
	if recorded || (s.data.Last != nil && s.data.Last.Lesson == lesson) {
		s.change(func(f *file) {
			delete(f.Lessons, lesson)
			if f.Last != nil && f.Last.Lesson == lesson {
				f.Last = nil
			}
		})
	}
}

// Save writes the progress to disk if anything changed since it was opened or last saved,
// merged with what another process saved meanwhile (see merge). The folder is created when
// missing.
func (s *Store) Save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pending) == 0 {
		return nil
	}
	if s.readOnly {
		return fmt.Errorf("%s: %w", s.path, errReadOnly)
	}
	merged, err := merge(s.path, s.data, emptyFile, func(f *file) {
		f.normalize()
		for _, op := range s.pending {
			op(f)
		}
	})
	if err != nil {
		return err
	}
	s.data, s.pending = merged, nil
	return nil
}
