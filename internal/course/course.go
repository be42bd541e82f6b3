// Package course hands out the built-in course, whose loading starts while the program is
// still initialising.
//
// Most of docktutor's start is package initialisation: Glamour's syntax highlighter builds its
// lexer and style tables before main runs. Reading and validating the course (YAML, and every
// strategy's Dockerfile through BuildKit's parser) is the largest piece of docktutor's own
// work before the first frame. It depends on none of those tables, so it runs on another core
// meanwhile, and the first frame comes that much sooner.
package course

import (
	"sync"

	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/lessons"
)

var (
	early     = make(chan struct{})
	earlyC    *lesson.Course
	earlyErr  error
	earlyOnce sync.Once
)

func init() {
	go func() {
		earlyC, earlyErr = lesson.Load(lessons.FS)
		close(early)
	}()
}

// Builtin returns the course embedded in the program. The first call takes the one loaded at
// start; every later call loads a fresh one, as if it were the first, so that no two callers
// share (and could change) one course.
func Builtin() (*lesson.Course, error) {
	first := false
	earlyOnce.Do(func() { first = true })
	if !first {
		return lesson.Load(lessons.FS)
	}
	<-early
	c, err := earlyC, earlyErr
	earlyC, earlyErr = nil, nil // the course belongs to its caller now
	return c, err
}
