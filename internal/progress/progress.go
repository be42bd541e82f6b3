// Package progress keeps what a learner has done — strategies built, questions answered, where
// they left off — and the results of their last live builds, in small JSON files under the XDG
// state and cache folders. Files are written atomically, and a file that cannot be read is moved
// aside with a warning instead of stopping the tutorial or being silently overwritten. It knows
// nothing of the terminal or of Docker.
package progress

import (
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
	Built     map[string]Step   `json:"built,omitempty"`    // by strategy id
	Answers   map[string]Answer `json:"answers,omitempty"`  // by question id
	Strategy  string            `json:"strategy,omitempty"` // the strategy shown when last opened
	Opened    time.Time         `json:"opened,omitzero"`    // when the lesson was last opened
	Completed time.Time         `json:"completed,omitzero"` // when Done first found it done
}

// Started reports whether the learner has built or answered anything in the lesson.
func (p LessonProgress) Started() bool { return len(p.Built) > 0 || len(p.Answers) > 0 }

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
// several goroutines. Two processes may share a folder: each save replaces the whole file, so
// the last one wins, but no save can leave a torn file.
type Store struct {
	mu    sync.Mutex
	path  string
	data  file
	dirty bool
	now   func() time.Time // replaced in tests
}

// Open loads progress.json from dir; a missing file or folder gives an empty store, and nothing
// is created until Save. An unreadable file is moved aside (see Warning) and the store starts
// empty. The error is for what moving aside cannot fix, such as a file the user may not read;
// the caller can then go on without saving progress.
func Open(dir string) (*Store, []Warning, error) {
	s := &Store{path: filepath.Join(dir, FileName), now: time.Now}
	s.data = emptyFile()
	warn, reset, err := load(s.path, &s.data, s.now())
	if err != nil {
		return nil, nil, err
	}
	if reset {
		s.data = emptyFile()
	}
	if s.data.Lessons == nil {
		s.data.Lessons = map[string]*LessonProgress{}
	}
	for id, lp := range s.data.Lessons {
		if lp == nil { // "lesson": null in a hand-edited file
			delete(s.data.Lessons, id)
		}
	}
	var warnings []Warning
	if warn != nil {
		warnings = append(warnings, *warn)
	}
	return s, warnings, nil
}

func emptyFile() file {
	return file{Version: Version, Lessons: map[string]*LessonProgress{}}
}

// Path is the file the store reads and saves.
func (s *Store) Path() string { return s.path }

// lesson returns the record for id, creating it. Callers hold s.mu.
func (s *Store) lesson(id string) *LessonProgress {
	lp := s.data.Lessons[id]
	if lp == nil {
		lp = &LessonProgress{}
		s.data.Lessons[id] = lp
	}
	return lp
}

// MarkBuilt records that strategy of lesson was built, measured and ran as the lesson promised.
// Building it again moves the time forward.
func (s *Store) MarkBuilt(lesson, strategy string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lp := s.lesson(lesson)
	if lp.Built == nil {
		lp.Built = map[string]Step{}
	}
	lp.Built[strategy] = Step{At: s.now()}
	s.dirty = true
}

// RecordAnswer records the learner's answer to a question of lesson, replacing an earlier one:
// the latest answer is the one that counts.
func (s *Store) RecordAnswer(lesson, question string, choice int, correct bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lp := s.lesson(lesson)
	if lp.Answers == nil {
		lp.Answers = map[string]Answer{}
	}
	lp.Answers[question] = Answer{Choice: choice, Correct: correct, At: s.now()}
	s.dirty = true
}

// SetLast records the lesson and strategy on screen, so the menu resumes there next time and the
// lesson reopens on that strategy. strategy may be empty.
func (s *Store) SetLast(lesson, strategy string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.data.Last = &lastOpened{Lesson: lesson, Strategy: strategy, At: now}
	lp := s.lesson(lesson)
	lp.Opened = now
	if strategy != "" {
		lp.Strategy = strategy
	}
	s.dirty = true
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

// Done reports whether every one of the given strategies of the lesson was built and every one
// of the given questions answered (right or wrong: either way the learner has seen the evidence
// and the explanation). The lists come from the course, so strategies added to a lesson later
// are needed too and records of removed ones are ignored. A lesson with nothing to build or
// answer is never done. The first time Done finds a lesson done it notes the time in Completed.
func (s *Store) Done(lessonID string, strategies, questions []string) bool {
	if len(strategies) == 0 && len(questions) == 0 {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	lp := s.data.Lessons[lessonID]
	if lp == nil {
		return false
	}
	for _, id := range strategies {
		if _, ok := lp.Built[id]; !ok {
			return false
		}
	}
	for _, id := range questions {
		if _, ok := lp.Answers[id]; !ok {
			return false
		}
	}
	if lp.Completed.IsZero() {
		lp.Completed = s.now()
		s.dirty = true
	}
	return true
}

// Reset forgets everything recorded about a lesson, or about all lessons when lesson is "".
// The menu no longer resumes in a lesson that was reset.
func (s *Store) Reset(lesson string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if lesson == "" {
		if len(s.data.Lessons) > 0 || s.data.Last != nil {
			s.data = emptyFile()
			s.dirty = true
		}
		return
	}
	if _, ok := s.data.Lessons[lesson]; ok {
		delete(s.data.Lessons, lesson)
		s.dirty = true
	}
	if s.data.Last != nil && s.data.Last.Lesson == lesson {
		s.data.Last = nil
		s.dirty = true
	}
}

// Save writes the progress to disk atomically if anything changed since it was opened or last
// saved. The folder is created when missing.
func (s *Store) Save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.dirty {
		return nil
	}
	if err := writeJSON(s.path, &s.data); err != nil {
		return err
	}
	s.dirty = false
	return nil
}
