package lesson

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/docktutor/docktutor/internal/dockerfile"
)

// ValidationError lists everything wrong with a lessons folder, each problem naming its file.
type ValidationError struct{ Problems []string }

func (e *ValidationError) Error() string {
	if len(e.Problems) == 1 {
		return "invalid lessons: " + e.Problems[0]
	}
	return fmt.Sprintf("invalid lessons (%d problems):\n  %s", len(e.Problems), strings.Join(e.Problems, "\n  "))
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// maxCaption bounds a question's caption: it sits under the evidence in a pane that may be 40
// columns wide, so a paragraph there pushes the evidence itself off the screen.
const maxCaption = 300

// validator collects the problems of a lessons folder, so that one Load reports them all
// instead of stopping at the first. Each problem starts with the file (and the item in it) to
// fix.
type validator struct{ problems []string }

func (v *validator) add(format string, args ...any) {
	v.problems = append(v.problems, fmt.Sprintf(format, args...))
}

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

// lesson checks the keys of lesson.yaml itself; its strategies and questions are checked one
// by one as they load.
func (v *validator) lesson(file string, lf lessonFile) {
	if lf.Title == "" {
		v.add("%s: title is missing", file)
	}
	if lf.Text == "" {
		v.add("%s: text (the lesson's markdown file) is missing", file)
	}
	if len(lf.Strategies) == 0 {
		v.add("%s: has no strategies", file)
	}
}

// strategy checks a strategy's own keys; its Dockerfile, checks and edit are checked as they
// load.
func (v *validator) strategy(fsys fs.FS, where string, sf strategyFile) {
	if sf.Title == "" {
		v.add("%s: title is missing", where)
	}
	if sf.Expect == "" {
		v.add("%s: expect (what the container must print) is missing", where)
	}
	if dir, err := fs.Stat(fsys, path.Join("apps", sf.App)); sf.App == "" || err != nil || !dir.IsDir() {
		v.add("%s: app %q: no folder apps/%s", where, sf.App, sf.App)
	}
	if sf.Dockerfile == "" {
		v.add("%s: dockerfile is missing", where)
	}
	if sf.Builder != "" && sf.Builder != BuilderBuildKit {
		v.add("%s: builder %q: the one builder a strategy can ask for is %s", where, sf.Builder, BuilderBuildKit)
	}
	if sf.ExpectExit != nil && (*sf.ExpectExit < 0 || *sf.ExpectExit > 255) {
		v.add("%s: expect_exit %d: an exit code is 0 to 255", where, *sf.ExpectExit)
	}
}

// timeout reads a strategy's timeout: 0 when none is given, which means the engine's default.
func (v *validator) timeout(where, s string) time.Duration {
	if s == "" {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		v.add("%s: timeout %q: want a duration such as 30s", where, s)
		return 0
	}
	return d
}

// dockerfileProblem says what is wrong with the Dockerfile at file (a path in the lessons
// folder), in the compiler's form "file:line: message" that editors jump to. The dockerfile
// package's messages are BuildKit's; where BuildKit's wording is obscure for an author who
// forgot FROM, a hint is added.
func dockerfileProblem(file string, err error) string {
	var de *dockerfile.Error
	var te *dockerfile.TargetError
	switch {
	case errors.As(err, &te):
		msg := fmt.Sprintf("%s: target %q: no stage of that name (FROM … AS %s)", file, te.Target, dockerfile.Printable(te.Target))
		if len(te.Stages) > 0 {
			msg += "; the stages are: " + dockerfile.Printable(strings.Join(te.Stages, ", "))
		}
		return msg
	case errors.As(err, &de):
		msg := de.Msg
		if noStageMessage(msg) {
			msg += ": start the Dockerfile with FROM <image>; only ARG and comments may come before it"
		}
		if de.Line > 0 {
			return fmt.Sprintf("%s:%d: %s", file, de.Line, msg)
		}
		return fmt.Sprintf("%s: %s", file, msg)
	default:
		return fmt.Sprintf("%s: %v", file, err)
	}
}

// noStageMessage reports whether a BuildKit message means that the Dockerfile has no FROM
// where one must be. TestLoadReportsProblems fails if BuildKit words these differently.
func noStageMessage(msg string) bool {
	for _, m := range []string{"no build stage in current context", "contains no stages to build", "file with no instructions"} {
		if strings.Contains(msg, m) {
			return true
		}
	}
	return false
}

// check checks one extra run of a strategy's image.
func (v *validator) check(where string, c *Check) {
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
}

// edit checks that a strategy's edit names a file of its app, and adds something to it.
func (v *validator) edit(fsys fs.FS, app, where string, e *Edit) {
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
}

// question checks a question of lesson l, whose strategies are already loaded.
func (v *validator) question(l *Lesson, where string, q *Question) {
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
		v.add("%s: evidence %q: want one of %s", where, q.Evidence, strings.Join(kinds, ", "))
	}
	if n := utf8.RuneCountInString(q.Caption); n > maxCaption {
		v.add("%s: caption is %d characters: keep it to one or two sentences (at most %d)", where, n, maxCaption)
	}
	if _, ok := l.Strategy(q.Strategy); !ok {
		v.add("%s: strategy %q: not a strategy of this lesson", where, q.Strategy)
	}
	if q.Compare != "" {
		if _, ok := l.Strategy(q.Compare); !ok || q.Compare == q.Strategy {
			v.add("%s: compare %q: want another strategy of this lesson", where, q.Compare)
		}
	}
}
