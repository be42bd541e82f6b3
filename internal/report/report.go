// Package report writes what one learner did in the course — lessons and exercises done or not,
// the sizes they measured with the base image and builder of each, their answers, the date — as
// Markdown (for glamour in a terminal and for a code-hosting site) or JSON. It reads the
// progress and results stores and knows nothing of the terminal, so `docktutor report` and a
// classroom's class report share it.
package report

import (
	"fmt"
	"time"

	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/progress"
)

// Lesson statuses, as the JSON report spells them (the same words as `progress --json`).
const (
	StatusDone       = "done"
	StatusPartial    = "partial"
	StatusNotStarted = "not-started"
)

// Report is one learner's record, in course order.
type Report struct {
	Generated time.Time `json:"generated"`
	// Learner names the learner when the caller knows (a classroom's key comment); empty for a
	// learner on their own machine.
	Learner   string     `json:"learner,omitempty"`
	Lessons   []Lesson   `json:"lessons"`
	Exercises []Exercise `json:"exercises"`
}

// Lesson is one lesson's part of the report.
type Lesson struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Status string `json:"status"`
	// Completed is when the lesson became done (progress.Status.Completed).
	Completed  time.Time  `json:"completed,omitzero"`
	Strategies []Strategy `json:"strategies"`
	Answers    []Answer   `json:"answers,omitempty"`
}

// Strategy is one strategy of a lesson: built or not, and what its last build measured.
type Strategy struct {
	ID      string    `json:"id"`
	Title   string    `json:"title"`
	Built   bool      `json:"built"`
	BuiltAt time.Time `json:"built_at,omitzero"`
	// Measured is the last successful build's measurement, when the results cache still has
	// it (a cache: it may have been deleted while the progress stays).
	Measured *Measurement `json:"measured,omitempty"`
}

// Measurement is what a build of a strategy measured.
type Measurement struct {
	At        time.Time `json:"at"`
	Image     string    `json:"image"`
	BaseImage string    `json:"base_image"`
	// StandIn says the base image was one of docktutor's offline test stand-ins, not the
	// published image: the size says little about the real thing.
	StandIn      bool    `json:"stand_in,omitempty"`
	Builder      string  `json:"builder"`
	SizeBytes    int64   `json:"size_bytes"`
	Layers       int     `json:"layers"`
	Steps        int     `json:"steps"`
	CachedSteps  int     `json:"cached_steps"`
	BuildSeconds float64 `json:"build_seconds"`
}

// Answer is the learner's answer to one question of a lesson.
type Answer struct {
	Question string    `json:"question"` // the question's id
	Text     string    `json:"text"`     // the question, markdown
	Answered bool      `json:"answered"`
	Choice   string    `json:"choice,omitempty"` // the chosen answer's text
	Correct  bool      `json:"correct"`
	Right    string    `json:"right"` // the right answer's text
	At       time.Time `json:"at,omitzero"`
}

// Exercise is one exercise: done or not, as the progress store records it. The caller fills
// these in from the course's exercises and the store (Inputs.Exercises).
type Exercise struct {
	Lesson string    `json:"lesson"`
	ID     string    `json:"id"`
	Title  string    `json:"title"`
	Done   bool      `json:"done"`
	At     time.Time `json:"at,omitzero"` // when it was last checked, or done
	// Detail says how far it got, in the store's words (e.g. "3 of 4 goals").
	Detail string `json:"detail,omitempty"`
}

// Inputs is what a report is made of.
type Inputs struct {
	Course   *lesson.Course
	Progress *progress.Store
	// Results may be nil: the report then lists what was built without measurements.
	Results *progress.ResultsCache
	// Exercises are listed as given, in course order.
	Exercises []Exercise
	Learner   string
	Now       time.Time // the report's date: the caller's clock, so tests fix it
}

// Build puts the stores' records beside the course. It only reads.
func Build(in Inputs) Report {
	r := Report{Generated: in.Now, Learner: in.Learner, Lessons: []Lesson{}, Exercises: []Exercise{}}
	r.Exercises = append(r.Exercises, in.Exercises...)
	for _, l := range in.Course.Lessons {
		lp, st := in.Progress.Lesson(l.ID), in.Progress.Status(l)
		rl := Lesson{ID: l.ID, Title: l.Title, Status: StatusNotStarted, Completed: st.Completed, Strategies: []Strategy{}}
		switch {
		case st.Done():
			rl.Status = StatusDone
		case st.Started():
			rl.Status = StatusPartial
		}
		for _, s := range l.Strategies {
			rs := Strategy{ID: s.ID, Title: s.Title}
			if b, ok := lp.Built[s.ID]; ok {
				rs.Built, rs.BuiltAt = true, b.At
			}
			if in.Results != nil {
				if cr, ok := in.Results.Get(l.ID, s.ID); ok {
					res := cr.Result
					rs.Measured = &Measurement{
						At: cr.Measured, Image: res.Image, BaseImage: res.BaseImage, StandIn: res.StandIn,
						Builder: res.Builder, SizeBytes: res.SizeBytes, Layers: res.Layers,
						Steps: res.Steps, CachedSteps: res.CachedSteps, BuildSeconds: res.BuildSeconds,
					}
				}
			}
			rl.Strategies = append(rl.Strategies, rs)
		}
		for _, q := range l.Questions {
			a := Answer{Question: q.ID, Text: q.Question}
			if q.Answer >= 1 && q.Answer <= len(q.Choices) {
				a.Right = q.Choices[q.Answer-1]
			}
			if rec, ok := lp.Answers[q.ID]; ok {
				a.Answered, a.Correct, a.At = true, rec.Correct, rec.At
				if rec.Choice >= 0 && rec.Choice < len(q.Choices) { // the store counts from 0
					a.Choice = q.Choices[rec.Choice]
				}
			}
			rl.Answers = append(rl.Answers, a)
		}
		r.Lessons = append(r.Lessons, rl)
	}
	return r
}

// Totals counts the report's lessons done, strategies built and questions answered.
type Totals struct {
	Lessons, LessonsDone         int
	Strategies, Built            int
	Questions, Answered, Correct int
	Exercises, ExercisesDone     int
}

// Totals adds the report up.
func (r Report) Totals() Totals {
	var t Totals
	for _, l := range r.Lessons {
		t.Lessons++
		if l.Status == StatusDone {
			t.LessonsDone++
		}
		for _, s := range l.Strategies {
			t.Strategies++
			if s.Built {
				t.Built++
			}
		}
		for _, a := range l.Answers {
			t.Questions++
			if a.Answered {
				t.Answered++
			}
			if a.Correct {
				t.Correct++
			}
		}
	}
	for _, e := range r.Exercises {
		t.Exercises++
		if e.Done {
			t.ExercisesDone++
		}
	}
	return t
}

// Exercises lists the course's exercises with how far the learner of s got in each, in course
// order: the Exercises of Inputs.
func Exercises(c *lesson.Course, s *progress.Store) []Exercise {
	var out []Exercise
	for _, ex := range c.Exercises() {
		p := s.Exercise(ex.ID)
		e := Exercise{Lesson: ex.LessonID, ID: ex.ID, Title: ex.Title, Done: p.Solved, At: p.At}
		if p.Total > 0 && !p.Solved {
			e.Detail = fmt.Sprintf("%d of %d goals", p.Passed, p.Total)
		}
		out = append(out, e)
	}
	return out
}
