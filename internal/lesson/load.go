package lesson

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/docktutor/docktutor/internal/dockerfile"
	"go.yaml.in/yaml/v3"
)

// The file structs mirror the YAML keys one to one; lessons/README.md documents each key for
// lesson authors and must follow any change here. Decoding is strict: a key not listed here
// is a problem, not ignored, so a misspelt key cannot silently drop what it said.

type courseFile struct {
	Lessons   []string        `yaml:"lessons"`
	Published []publishedFile `yaml:"published_sizes"`
}

type lessonFile struct {
	Title      string         `yaml:"title"`
	Summary    string         `yaml:"summary"`
	Text       string         `yaml:"text"`
	Strategies []strategyFile `yaml:"strategies"`
	Questions  []questionFile `yaml:"questions"`
}

type strategyFile struct {
	ID         string      `yaml:"id"`
	Title      string      `yaml:"title"`
	App        string      `yaml:"app"`
	Dockerfile string      `yaml:"dockerfile"`
	Explain    string      `yaml:"explain"`
	Target     string      `yaml:"target"`
	Run        []string    `yaml:"run"`
	Expect     string      `yaml:"expect"`
	ExpectExit *int        `yaml:"expect_exit"` // a pointer, to tell 0 from absent
	Timeout    string      `yaml:"timeout"`
	Checks     []checkFile `yaml:"checks"`
	Edit       *editFile   `yaml:"edit"`
	Builder    string      `yaml:"builder"`
}

type checkFile struct {
	Title      string   `yaml:"title"`
	Entrypoint []string `yaml:"entrypoint"`
	Args       []string `yaml:"args"`
	Expect     string   `yaml:"expect"`
	ExpectFail bool     `yaml:"expect_fail"`
	Explain    string   `yaml:"explain"`
}

type editFile struct {
	File   string `yaml:"file"`
	Append string `yaml:"append"`
}

type questionFile struct {
	ID       string   `yaml:"id"`
	Question string   `yaml:"question"`
	Choices  []string `yaml:"choices"`
	Answer   int      `yaml:"answer"`
	Explain  string   `yaml:"explain"`
	Evidence string   `yaml:"evidence"`
	Caption  string   `yaml:"caption"`
	Strategy string   `yaml:"strategy"`
	Compare  string   `yaml:"compare"`
}

// Load reads and validates the course in fsys. A *ValidationError lists every problem found.
func Load(fsys fs.FS) (*Course, error) {
	cf, c, v, err := loadCourseFile(fsys)
	if err != nil {
		return nil, err
	}
	// The lessons are read side by side: reading and parsing them is most of what docktutor
	// does before its first frame. Each gets a validator of its own; their problems are then
	// listed in course order, as one reader would have found them.
	type loaded struct {
		lesson *Lesson
		v      validator
	}
	results := make([]loaded, len(cf.Lessons))
	var wg sync.WaitGroup
	seen := map[string]bool{}
	for i, id := range cf.Lessons {
		if !idPattern.MatchString(id) {
			results[i].v.add("course.yaml: lesson id %q: use lower-case letters, digits and dashes", id)
			continue
		}
		if seen[id] {
			results[i].v.add("course.yaml: lesson %q is listed twice", id)
			continue
		}
		seen[id] = true
		wg.Go(func() { results[i].lesson = loadLesson(fsys, id, &results[i].v) })
	}
	wg.Wait()
	for _, r := range results {
		v.problems = append(v.problems, r.v.problems...)
		if r.lesson != nil {
			c.Lessons = append(c.Lessons, r.lesson)
		}
	}
	checkExercises(c, v)
	c.Glossary = loadGlossary(fsys, cf.Lessons, v)
	if len(v.problems) > 0 {
		return nil, &ValidationError{Problems: v.problems}
	}
	return c, nil
}

// LoadLesson reads the part of the course in fsys that one lesson's screen shows: the course
// file, the lesson id (its strategies, questions and exercises) and the glossary. It takes a
// tenth of Load's time, which is most of what docktutor does before its first frame. It checks
// what that part can tell; what only the whole course can (exercise ids unique across lessons,
// goals measured against another lesson's strategies) is Load's, and the Course it returns has
// the one lesson in Lessons. An id course.yaml does not list is a *ValidationError.
func LoadLesson(fsys fs.FS, id string) (*Course, error) {
	cf, c, v, err := loadCourseFile(fsys)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(cf.Lessons, id) || !idPattern.MatchString(id) {
		v.add("course.yaml: lists no lesson %q", id)
	} else if l := loadLesson(fsys, id, v); l != nil {
		c.Lessons = []*Lesson{l}
	}
	c.Glossary = loadGlossary(fsys, cf.Lessons, v)
	if len(v.problems) > 0 {
		return nil, &ValidationError{Problems: v.problems}
	}
	return c, nil
}

// loadCourseFile reads course.yaml: the lesson ids in order and the published sizes, which go
// into a Course with no lessons yet. Its problems are in v; err is set only when the file
// cannot be read at all.
func loadCourseFile(fsys fs.FS) (courseFile, *Course, *validator, error) {
	var cf courseFile
	if err := readYAML(fsys, "course.yaml", &cf); err != nil {
		return cf, nil, nil, &ValidationError{Problems: []string{err.Error()}}
	}
	v := &validator{}
	if len(cf.Lessons) == 0 {
		v.add("course.yaml: lists no lessons")
	}
	return cf, &Course{Published: loadPublished(cf.Published, v)}, v, nil
}

func loadLesson(fsys fs.FS, id string, v *validator) *Lesson {
	file := path.Join(id, "lesson.yaml")
	var lf lessonFile
	if err := readYAML(fsys, file, &lf); err != nil {
		v.add("%v", err)
		return nil
	}
	v.lesson(file, lf)
	l := &Lesson{ID: id, Title: lf.Title, Summary: lf.Summary}
	if lf.Text != "" {
		text, err := fs.ReadFile(fsys, path.Join(id, lf.Text))
		if err != nil {
			v.add("%s: text: %v", file, err)
		}
		l.Text = string(text)
	}
	seen := map[string]bool{}
	for i, sf := range lf.Strategies {
		where := v.checkID(file, "strategy", i, sf.ID, seen)
		l.Strategies = append(l.Strategies, loadStrategy(fsys, id, sf, where, v))
	}
	seenQ := map[string]bool{}
	for i, qf := range lf.Questions {
		where := v.checkID(file, "question", i, qf.ID, seenQ)
		l.Questions = append(l.Questions, loadQuestion(l, qf, where, v))
	}
	l.Exercises = loadExercises(fsys, id, v)
	return l
}

// loadStrategy reads one strategy of lesson lessonID, its Dockerfile included, which it parses
// here once for everyone (Strategy.Graph).
func loadStrategy(fsys fs.FS, lessonID string, sf strategyFile, where string, v *validator) *Strategy {
	s := &Strategy{
		ID: sf.ID, Title: sf.Title, App: sf.App, Explain: sf.Explain, Target: sf.Target,
		Args: sf.Run, Expect: sf.Expect, Timeout: v.timeout(where, sf.Timeout), Builder: sf.Builder,
		lesson: lessonID, fsys: fsys,
	}
	if sf.ExpectExit != nil {
		s.ExpectExit = *sf.ExpectExit
	}
	v.strategy(fsys, where, sf)
	if sf.Dockerfile != "" {
		s.DockerfilePath = path.Join(lessonID, sf.Dockerfile)
		data, err := fs.ReadFile(fsys, s.DockerfilePath)
		if err != nil {
			v.add("%s: dockerfile: %v", where, err)
		} else {
			s.Dockerfile = string(data)
			g, err := dockerfile.Parse(data, dockerfile.Options{Target: s.Target})
			if err != nil {
				v.add("%s", dockerfileProblem(s.DockerfilePath, err))
			}
			s.Graph = g
		}
	}
	for j, cf := range sf.Checks {
		s.Checks = append(s.Checks, loadCheck(cf, fmt.Sprintf("%s: check %d", where, j+1), v))
	}
	if sf.Edit != nil {
		s.Edit = &Edit{File: sf.Edit.File, Append: sf.Edit.Append}
		v.edit(fsys, s.App, where, s.Edit)
	}
	return s
}

func loadCheck(cf checkFile, where string, v *validator) *Check {
	c := &Check{
		Title: cf.Title, Entrypoint: cf.Entrypoint, Args: cf.Args, Expect: cf.Expect,
		ExpectFail: cf.ExpectFail, Explain: cf.Explain,
	}
	v.check(where, c)
	return c
}

func loadQuestion(l *Lesson, qf questionFile, where string, v *validator) *Question {
	q := &Question{
		ID: qf.ID, Question: qf.Question, Choices: qf.Choices, Answer: qf.Answer, Explain: qf.Explain,
		Evidence: Evidence(qf.Evidence), Caption: strings.TrimSpace(qf.Caption), Strategy: qf.Strategy,
		Compare: qf.Compare,
	}
	v.question(l, where, q)
	return q
}

// readYAML decodes the file name strictly: unknown keys are errors, named by the decoder
// with their line.
func readYAML(fsys fs.FS, name string, into any) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(into); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
