// Package lesson loads docktutor's curriculum from an fs.FS and checks it: every lesson named in
// course.yaml exists, has text and strategies, every strategy's Dockerfile parses and its app
// folder exists, and its checks, edit and questions make sense. It knows nothing of Docker or
// the terminal.
package lesson

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing/fstest"
	"time"

	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"go.yaml.in/yaml/v3"
)

// Course is the whole curriculum, lessons in learning order.
type Course struct {
	Lessons []*Lesson
	// Published are the sizes publishers state for the lessons' base images (course.yaml's
	// published_sizes), shown, labelled as such, until something is measured here.
	Published []Published
	fsys      fs.FS
}

// Lesson is one topic: text to read and strategies to build.
type Lesson struct {
	ID         string
	Title      string
	Summary    string
	Text       string // markdown
	Strategies []*Strategy
	// Questions are the lesson's multiple-choice questions, each answered with evidence from
	// one of its strategies' builds. Most lessons have none; the qa lesson is made of them.
	Questions []*Question
}

// Strategy is one way of building a lesson's app.
type Strategy struct {
	ID             string
	Title          string
	App            string   // folder under apps/ that is the build context
	DockerfilePath string   // path of the Dockerfile inside the lessons folder
	Dockerfile     string   // its contents
	Explain        string   // markdown
	Target         string   // optional --target
	Args           []string // replaces the image's CMD when the tutorial runs it
	Expect         string   // text the container's output must contain
	// ExpectExit is the exit code the container must end with: 0 for an app that works, non-zero
	// for a pitfall lesson's broken recipe, which must fail the way the lesson says.
	ExpectExit int
	Timeout    time.Duration // how long a run (and each check) may take
	// Checks are further runs of the built image that show what is (or is not) inside it.
	Checks []*Check
	// Edit, when set, makes the lab change one source file after the first build and build
	// again, to show which steps the cache reuses.
	Edit *Edit

	lesson string
	fsys   fs.FS
}

// Check is one extra run of a strategy's image, e.g. `sh` in a distroless image, which must fail.
type Check struct {
	Title string
	// Entrypoint replaces the image's ENTRYPOINT when not empty (docker run --entrypoint).
	Entrypoint []string
	// Args replace the image's CMD when not empty.
	Args []string
	// Expect is text the check's output must contain, when not empty. For a container that
	// cannot start, the daemon's reason counts as its output.
	Expect string
	// ExpectFail says the container must fail: not start at all, or exit non-zero.
	ExpectFail bool
	Explain    string // markdown: what the result shows
}

// Edit is the change a cache lesson makes to a scratch copy of the build context before it
// builds again.
type Edit struct {
	File string // path inside the app folder, e.g. hello.py
	// Append is added at the end of File. Every "{time}" in it becomes the time of the edit, so
	// each edit really changes the file and the rebuild cannot come from an earlier one's cache.
	Append string
}

// EditTimePlaceholder is replaced in Edit.Append by the time the edit is made.
const EditTimePlaceholder = "{time}"

// Apply returns the edited text of the file for an edit made at now.
func (e *Edit) Apply(original []byte, now time.Time) []byte {
	out := append([]byte(nil), original...)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	return append(out, strings.ReplaceAll(e.Append, EditTimePlaceholder, now.Format("15:04:05.000"))...)
}

// Evidence names what a question's answer is shown with, computed from the learner's builds.
type Evidence string

// The kinds of evidence a question can point at.
const (
	// EvidenceStages: the Dockerfile's FROM lines and stage names.
	EvidenceStages Evidence = "stages"
	// EvidenceImages: how many images the build tagged.
	EvidenceImages Evidence = "images"
	// EvidenceHistory: the image's layer history.
	EvidenceHistory Evidence = "history"
	// EvidenceFiles: a file listing of one image beside another's (the builder vs the shipped).
	EvidenceFiles Evidence = "files"
	// EvidenceSizes: the sizes of the lesson's builds.
	EvidenceSizes Evidence = "sizes"
	// EvidenceInside: what is inside the image: a shell, a compiler, a package manager.
	EvidenceInside Evidence = "inside"
)

// EvidenceKinds lists every kind of evidence, in the order above.
var EvidenceKinds = []Evidence{EvidenceStages, EvidenceImages, EvidenceHistory, EvidenceFiles, EvidenceSizes, EvidenceInside}

// Question is a multiple-choice question answered with evidence from a strategy's build.
type Question struct {
	ID       string
	Question string   // markdown, usually one line
	Choices  []string // at least two
	Answer   int      // 1-based index into Choices
	Explain  string   // markdown: why the answer is right, pointing at the evidence
	Evidence Evidence
	// Strategy is the id of the strategy whose build supplies the evidence.
	Strategy string
	// Compare optionally names a second strategy to set beside it (files, sizes): the builder
	// next to the shipped image.
	Compare string
}

// Correct reports whether choice (1-based) is the right answer.
func (q *Question) Correct(choice int) bool { return choice == q.Answer }

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

// EditedContext returns the build context with the strategy's Edit applied at now: a scratch
// copy, the lessons themselves are never changed. It fails for a strategy without an Edit.
func (s *Strategy) EditedContext(now time.Time) (fs.FS, error) {
	if s.Edit == nil {
		return nil, fmt.Errorf("strategy %s has no edit", s.ID)
	}
	ctx, err := s.Context()
	if err != nil {
		return nil, err
	}
	m := ctx.(fstest.MapFS)
	f, ok := m[s.Edit.File]
	if !ok {
		return nil, fmt.Errorf("edit %s: no file %s in apps/%s", s.ID, s.Edit.File, s.App)
	}
	m[s.Edit.File] = &fstest.MapFile{Data: s.Edit.Apply(f.Data, now), Mode: f.Mode, ModTime: now}
	return m, nil
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
	ExpectExit *int        `yaml:"expect_exit"`
	Timeout    string      `yaml:"timeout"`
	Checks     []checkFile `yaml:"checks"`
	Edit       *editFile   `yaml:"edit"`
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
	Strategy string   `yaml:"strategy"`
	Compare  string   `yaml:"compare"`
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
	c := &Course{fsys: fsys, Published: loadPublished(cf.Published, v)}
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

// checkID checks the id of the i-th (0-based) item of a kind in file: well formed and not
// used before in seen, which it records. It returns how problems name the item.
func (v *validator) checkID(file, kind string, i int, id string, seen map[string]bool) string {
	where := fmt.Sprintf("%s: %s %d", file, kind, i+1)
	if id != "" {
		where = fmt.Sprintf("%s: %s %q", file, kind, id)
	}
	switch {
	case !idPattern.MatchString(id):
		v.add("%s: id %q: use lower-case letters, digits and dashes", where, id)
	case seen[id]:
		v.add("%s: id is used twice", where)
	}
	seen[id] = true
	return where
}

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
		where := v.checkID(file, "strategy", i, sf.ID, seen)
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
			} else if err := checkDockerfile(data, s.Target); err != nil {
				v.add("%s: %v", s.DockerfilePath, err)
			}
			s.Dockerfile = string(data)
		}
		if sf.ExpectExit != nil {
			s.ExpectExit = *sf.ExpectExit
			if s.ExpectExit < 0 || s.ExpectExit > 255 {
				v.add("%s: expect_exit %d: an exit code is 0 to 255", where, s.ExpectExit)
			}
		}
		for j, cf := range sf.Checks {
			s.Checks = append(s.Checks, loadCheck(cf, fmt.Sprintf("%s: check %d", where, j+1), v))
		}
		if sf.Edit != nil {
			s.Edit = loadEdit(fsys, s.App, *sf.Edit, where, v)
		}
		l.Strategies = append(l.Strategies, s)
	}
	seenQ := map[string]bool{}
	for i, qf := range lf.Questions {
		where := v.checkID(file, "question", i, qf.ID, seenQ)
		l.Questions = append(l.Questions, loadQuestion(l, qf, where, v))
	}
	return l
}

func loadCheck(cf checkFile, where string, v *validator) *Check {
	c := &Check{
		Title: cf.Title, Entrypoint: cf.Entrypoint, Args: cf.Args, Expect: cf.Expect,
		ExpectFail: cf.ExpectFail, Explain: cf.Explain,
	}
	if c.Title != "" {
		where = fmt.Sprintf("%s (%s)", where, c.Title)
	} else {
		v.add("%s: title is missing", where)
	}
	if len(c.Entrypoint) == 0 && len(c.Args) == 0 {
		v.add("%s: give an entrypoint or args: a check that runs the image as it is repeats the strategy's run", where)
	}
	if strings.TrimSpace(c.Explain) == "" {
		v.add("%s: explain (what the result shows) is missing", where)
	}
	return c
}

func loadEdit(fsys fs.FS, app string, ef editFile, where string, v *validator) *Edit {
	e := &Edit{File: ef.File, Append: ef.Append}
	switch {
	case e.File == "":
		v.add("%s: edit: file is missing", where)
	case !fs.ValidPath(e.File) || e.File == "Dockerfile":
		v.add("%s: edit: file %q: name a file of the app, relative to its folder", where, e.File)
	default:
		if st, err := fs.Stat(fsys, path.Join("apps", app, e.File)); err != nil || st.IsDir() {
			v.add("%s: edit: file %q: no such file in apps/%s", where, e.File, app)
		}
	}
	if strings.TrimSpace(e.Append) == "" {
		v.add("%s: edit: append (the text added to the file) is missing", where)
	}
	return e
}

func loadQuestion(l *Lesson, qf questionFile, where string, v *validator) *Question {
	q := &Question{
		ID: qf.ID, Question: qf.Question, Choices: qf.Choices, Answer: qf.Answer,
		Explain: qf.Explain, Evidence: Evidence(qf.Evidence), Strategy: qf.Strategy, Compare: qf.Compare,
	}
	if strings.TrimSpace(q.Question) == "" {
		v.add("%s: question (the text) is missing", where)
	}
	if len(q.Choices) < 2 {
		v.add("%s: choices: give at least two", where)
	}
	for i, c := range q.Choices {
		if strings.TrimSpace(c) == "" {
			v.add("%s: choice %d is empty", where, i+1)
		}
	}
	if q.Answer < 1 || q.Answer > len(q.Choices) {
		v.add("%s: answer %d: want the 1-based number of one of the %d choices", where, q.Answer, len(q.Choices))
	}
	if strings.TrimSpace(q.Explain) == "" {
		v.add("%s: explain is missing", where)
	}
	if !slices.Contains(EvidenceKinds, q.Evidence) {
		kinds := make([]string, len(EvidenceKinds))
		for i, k := range EvidenceKinds {
			kinds[i] = string(k)
		}
		v.add("%s: evidence %q: want one of %s", where, qf.Evidence, strings.Join(kinds, ", "))
	}
	if _, ok := l.Strategy(q.Strategy); !ok {
		v.add("%s: strategy %q: not a strategy of this lesson", where, q.Strategy)
	}
	if q.Compare != "" {
		if _, ok := l.Strategy(q.Compare); !ok || q.Compare == q.Strategy {
			v.add("%s: compare %q: want another strategy of this lesson", where, q.Compare)
		}
	}
	return q
}

// checkDockerfile makes sure BuildKit's parser accepts the file, finds at least one FROM and,
// when a target is given, a stage of that name.
func checkDockerfile(data []byte, target string) error {
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
	stages, _, err := instructions.Parse(res.AST, nil)
	if err != nil {
		return err
	}
	if target != "" && !slices.ContainsFunc(stages, func(s instructions.Stage) bool { return strings.EqualFold(s.Name, target) }) {
		return fmt.Errorf("target %q: no stage of that name (FROM … AS %s)", target, target)
	}
	return nil
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

// BaseImage is the image the strategy's shipped stage (the last stage, or the target) is built
// on, as written in the Dockerfile. A stage that starts FROM an earlier stage is followed back
// to the image that one starts from: the target "test" of `FROM build AS test` is built on
// whatever build starts FROM.
func (s *Strategy) BaseImage() string {
	g, err := dockerfile.Parse([]byte(s.Dockerfile), dockerfile.Options{Target: s.Target})
	if err != nil || len(g.Stages) == 0 {
		return ""
	}
	// A stage built FROM another stage ships on whatever that stage started from.
	st := g.Stages[g.Target]
	for st.BaseStage >= 0 {
		st = g.Stages[st.BaseStage]
	}
	return st.Base
}
