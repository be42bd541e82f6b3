// Package course hands out the built-in course: whole, or the part one lesson's screen shows.
//
// Reading and validating the course (YAML, and every strategy's Dockerfile through BuildKit's
// parser) is the largest piece of docktutor's own work before its first frame. A lesson opened
// from the command line needs one lesson of it: Lesson reads that part, in about a tenth of the
// time, and the program loads the rest with Builtin once the first frame is drawn. (It was
// loaded whole on another core while the program initialised; on a two-core machine that work
// competed with the initialisation, and a lesson's first frame still waited for it.)
package course

import (
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/lessons"
)

// Builtin loads the course embedded in the program. Every call loads a fresh one, so that no
// two callers share (and could change) one course.
func Builtin() (*lesson.Course, error) {
	return lesson.Load(lessons.FS)
}

// Lesson loads the part of the built-in course that the screen of lesson id shows
// (lesson.LoadLesson): a lesson opened from the command line is drawn without waiting for the
// whole course, which Builtin loads after. An id the course does not have is an error.
func Lesson(id string) (*lesson.Course, error) {
	return lesson.LoadLesson(lessons.FS, id)
}
