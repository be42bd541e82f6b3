// Package lesson loads docktutor's curriculum from an fs.FS and checks it: every lesson named in
// course.yaml exists, has text and strategies, and every strategy's Dockerfile parses and its
// app folder exists. It knows nothing of Docker or the terminal.
package lesson

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing/fstest"
	"time"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"go.yaml.in/yaml/v3"
)

// Course is the whole curriculum, lessons in learning order.
type Course struct {
	Lessons []*Lesson
	fsys    fs.FS
}

// Lesson is one topic: text to read and strategies to build.
type Lesson struct {
	ID         string
	Title      string
	Summary    string
	Text       string // markdown
	Strategies []*Strategy
}

// Strategy is one way of building a lesson's app.
type Strategy struct {
	ID             string
	Title          string
	App            string        // folder under apps/ that is the build context
	DockerfilePath string        // path of the Dockerfile inside the lessons folder
	Dockerfile     string        // its contents
	Explain        string        // markdown
	Target         string        // optional --target
	Args           []string      // replaces the image's CMD when the tutorial runs it
	Expect         string        // text the container's output must contain
	Timeout        time.Duration // how long a run may take

	lesson string
	fsys   fs.FS
}

// DefaultRunTimeout bounds a lesson container that names no timeout.
const DefaultRunTimeout = 30 * time.Second

// Lesson returns the id of the lesson the strategy belongs to.
func (s *Strategy) Lesson() string { return s.lesson }

// Context returns the strategy's build context: the app's folder with the strategy's
// Dockerfile added as "Dockerfile".
func (s *Strategy) Context() (fs.FS, error) {
	ctx := fstest.MapFS{}
	root := path.Join("apps", s.App)
	err := fs.WalkDir(s.fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(s.fsys, p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		ctx[strings.TrimPrefix(p, root+"/")] = &fstest.MapFile{Data: data, Mode: info.Mode().Perm() | 0o444}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("build context for %s: %w", s.ID, err)
	}
	ctx["Dockerfile"] = &fstest.MapFile{Data: []byte(s.Dockerfile), Mode: 0o644}
	return ctx, nil
}

// Find returns the lesson with the given id.
func (c *Course) Find(id string) (*Lesson, bool) {
	for _, l := range c.Lessons {
		if l.ID == id {
			return l, true
		}
	}
	return nil, false
}

// IDs lists the lesson ids in learning order.
func (c *Course) IDs() []string {
	ids := make([]string, len(c.Lessons))
	for i, l := range c.Lessons {
		ids[i] = l.ID
	}
	return ids
}

// Strategy returns the lesson's strategy with the given id.
func (l *Lesson) Strategy(id string) (*Strategy, bool) {
	for _, s := range l.Strategies {
		if s.ID == id {
			return s, true
		}
	}
	return nil, false
}

// ValidationError lists everything wrong with a lessons folder, each problem naming its file.
type ValidationError struct{ Problems []string }

func (e *ValidationError) Error() string {
	if len(e.Problems) == 1 {
		return "invalid lessons: " + e.Problems[0]
	}
	return fmt.Sprintf("invalid lessons (%d problems):\n  %s", len(e.Problems), strings.Join(e.Problems, "\n  "))
}

type courseFile struct {
	Lessons []string `yaml:"lessons"`
}

type lessonFile struct {
	Title      string         `yaml:"title"`
	Summary    string         `yaml:"summary"`
	Text       string         `yaml:"text"`
	Strategies []strategyFile `yaml:"strategies"`
}

type strategyFile struct {
	ID         string   `yaml:"id"`
	Title      string   `yaml:"title"`
	App        string   `yaml:"app"`
	Dockerfile string   `yaml:"dockerfile"`
	Explain    string   `yaml:"explain"`
	Target     string   `yaml:"target"`
	Run        []string `yaml:"run"`
	Expect     string   `yaml:"expect"`
	Timeout    string   `yaml:"timeout"`
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// Load reads and validates the course in fsys. A *ValidationError lists every problem found.
func Load(fsys fs.FS) (*Course, error) {
	var cf courseFile
	if err := readYAML(fsys, "course.yaml", &cf); err != nil {
		return nil, &ValidationError{Problems: []string{err.Error()}}
	}
	v := &validator{}
	if len(cf.Lessons) == 0 {
		v.add("course.yaml: lists no lessons")
	}
	c := &Course{fsys: fsys}
	seen := map[string]bool{}
	for _, id := range cf.Lessons {
		if !idPattern.MatchString(id) {
			v.add("course.yaml: lesson id %q: use lower-case letters, digits and dashes", id)
			continue
		}
		if seen[id] {
			v.add("course.yaml: lesson %q is listed twice", id)
			continue
		}
		seen[id] = true
		if l := loadLesson(fsys, id, v); l != nil {
			c.Lessons = append(c.Lessons, l)
		}
	}
	if len(v.problems) > 0 {
		return nil, &ValidationError{Problems: v.problems}
	}
	return c, nil
}

type validator struct{ problems []string }

func (v *validator) add(format string, args ...any) {
	v.problems = append(v.problems, fmt.Sprintf(format, args...))
}

func loadLesson(fsys fs.FS, id string, v *validator) *Lesson {
	file := path.Join(id, "lesson.yaml")
	var lf lessonFile
	if err := readYAML(fsys, file, &lf); err != nil {
		v.add("%v", err)
		return nil
	}
	l := &Lesson{ID: id, Title: lf.Title, Summary: lf.Summary}
	if l.Title == "" {
		v.add("%s: title is missing", file)
	}
	if lf.Text == "" {
		v.add("%s: text (the lesson's markdown file) is missing", file)
	} else {
		text, err := fs.ReadFile(fsys, path.Join(id, lf.Text))
		if err != nil {
			v.add("%s: text: %v", file, err)
		}
		l.Text = string(text)
	}
	if len(lf.Strategies) == 0 {
		v.add("%s: has no strategies", file)
	}
	seen := map[string]bool{}
	for i, sf := range lf.Strategies {
		where := fmt.Sprintf("%s: strategy %d", file, i+1)
		if sf.ID != "" {
			where = fmt.Sprintf("%s: strategy %q", file, sf.ID)
		}
		switch {
		case !idPattern.MatchString(sf.ID):
			v.add("%s: id %q: use lower-case letters, digits and dashes", where, sf.ID)
		case seen[sf.ID]:
			v.add("%s: id is used twice", where)
		}
		seen[sf.ID] = true
		s := &Strategy{
			ID: sf.ID, Title: sf.Title, App: sf.App, Explain: sf.Explain, Target: sf.Target,
			Args: sf.Run, Expect: sf.Expect, Timeout: DefaultRunTimeout, lesson: id, fsys: fsys,
		}
		if s.Title == "" {
			v.add("%s: title is missing", where)
		}
		if s.Expect == "" {
			v.add("%s: expect (what the container must print) is missing", where)
		}
		if sf.Timeout != "" {
			d, err := time.ParseDuration(sf.Timeout)
			if err != nil || d <= 0 {
				v.add("%s: timeout %q: want a duration such as 30s", where, sf.Timeout)
			}
			s.Timeout = d
		}
		if dir, err := fs.Stat(fsys, path.Join("apps", s.App)); s.App == "" || err != nil || !dir.IsDir() {
			v.add("%s: app %q: no folder apps/%s", where, s.App, s.App)
		}
		if sf.Dockerfile == "" {
			v.add("%s: dockerfile is missing", where)
		} else {
			s.DockerfilePath = path.Join(id, sf.Dockerfile)
			data, err := fs.ReadFile(fsys, s.DockerfilePath)
			if err != nil {
				v.add("%s: dockerfile: %v", where, err)
			} else if err := checkDockerfile(data); err != nil {
				v.add("%s: %v", s.DockerfilePath, err)
			}
			s.Dockerfile = string(data)
		}
		l.Strategies = append(l.Strategies, s)
	}
	return l
}

// checkDockerfile makes sure BuildKit's parser accepts the file and finds at least one FROM.
func checkDockerfile(data []byte) error {
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		return err
	}
	hasFrom := false
	for _, n := range res.AST.Children {
		hasFrom = hasFrom || strings.EqualFold(n.Value, "from")
	}
	if !hasFrom {
		return errors.New("no FROM instruction")
	}
	_, _, err = instructions.Parse(res.AST, nil)
	return err
}

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

// BaseImage is the image the strategy's shipped stage starts FROM (the last stage, or the
// target), as written in the Dockerfile.
func (s *Strategy) BaseImage() string {
	res, err := parser.Parse(strings.NewReader(s.Dockerfile))
	if err != nil {
		return ""
	}
	base := ""
	for _, n := range res.AST.Children {
		if !strings.EqualFold(n.Value, "from") || n.Next == nil {
			continue
		}
		base = n.Next.Value
		if s.Target != "" && n.Next.Next != nil && n.Next.Next.Next != nil &&
			strings.EqualFold(n.Next.Next.Next.Value, s.Target) {
			return base
		}
	}
	return base
}
