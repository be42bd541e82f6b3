package progress

import (
	"time"

	"github.com/docktutor/docktutor/internal/lesson"
)

// Status is how far a learner is in one lesson: what the course asks of it (its strategies and
// questions) beside what is recorded. It is the one definition of "done" that the menu, the
// lesson screen and `docktutor progress` all show.
type Status struct {
	Built, Strategies int // strategies built, of the lesson's
	// Answered and Correct count the lesson's questions answered (right or wrong: either way
	// the learner has seen the evidence and the explanation) and answered right.
	Answered, Correct, Questions int
	// Solved counts the lesson's exercises solved, of Exercises.
	Solved, Exercises int
	// Completed is when the lesson became done: the time of the last strategy built or
	// question answered. Zero while it is not done.
	Completed time.Time
}

// Done reports whether every strategy is built, every question answered and every exercise
// solved. A lesson with nothing to build, answer or solve is never done.
func (s Status) Done() bool {
	return s.Strategies+s.Questions+s.Exercises > 0 && s.Built == s.Strategies && s.Answered == s.Questions &&
		s.Solved == s.Exercises
}

// Started reports whether anything of the lesson is built or answered.
func (s Status) Started() bool { return s.Built > 0 || s.Answered > 0 || s.Solved > 0 }

// Status reports the learner's status in l. The lists come from the course, so strategies added
// to a lesson later are needed too, and records of removed ones are ignored. It only reads.
func (s *Store) Status(l *lesson.Lesson) Status {
	lp := s.Lesson(l.ID)
	st := Status{Strategies: len(l.Strategies), Questions: len(l.Questions), Exercises: len(l.Exercises)}
	var last time.Time
	for _, strategy := range l.Strategies {
		if b, ok := lp.Built[strategy.ID]; ok {
			st.Built++
			last = later(last, b.At)
		}
	}
	for _, q := range l.Questions {
		if a, ok := lp.Answers[q.ID]; ok {
			st.Answered++
			if a.Correct {
				st.Correct++
			}
			last = later(last, a.At)
		}
	}
	for _, ex := range l.Exercises {
		if ep, ok := lp.Exercises[ex.ID]; ok && ep.Solved {
			st.Solved++
			last = later(last, ep.At)
		}
	}
	if st.Done() {
		st.Completed = last
	}
	return st
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
