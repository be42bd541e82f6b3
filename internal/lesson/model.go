// Package lesson loads docktutor's curriculum from an fs.FS and checks it: every lesson named in
// course.yaml exists, has text and strategies, every strategy's Dockerfile parses and its app
// folder exists, and its checks, edit and questions make sense. It knows nothing of Docker or
// the terminal. lessons/README.md describes the data for the people who write it.
package lesson

import (
	"io/fs"
	"strings"
	"time"

	"github.com/docktutor/docktutor/internal/dockerfile"
)

// Course is the whole curriculum, lessons in learning order.
type Course struct {
	Lessons []*Lesson
	// Published are the sizes publishers state for the lessons' base images (course.yaml's
	// published_sizes), shown, labelled as such, until something is measured here.
	Published []Published
	// Glossary is the jargon the lessons use, explained (glossary.yaml); nil for a lessons
	// folder without one.
	Glossary []*Term
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
	// Exercises are the lesson's exercises (exercises/<id>/), in folder-name order.
	Exercises []*Exercise
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
	// Timeout is how long a run (and each check) may take. It is 0 when the lesson names no
	// timeout, which means the engine's default (engine.DefaultRunTimeout): the one default
	// lives where runs are made, not copied here.
	Timeout time.Duration
	// Checks are further runs of the built image that show what is (or is not) inside it.
	Checks []*Check
	// Edit, when set, makes the lab change one source file after the first build and build
	// again, to show which steps the cache reuses.
	Edit *Edit
	// Builder is the builder the strategy needs, BuilderBuildKit for a Dockerfile that uses
	// what only BuildKit has (RUN --mount); "" when any builder will do.
	Builder string
	// Graph is the Dockerfile's stage graph as built for Target, parsed once by Load, so that
	// BaseImage, the stage graph and every other reader agree without parsing again. It is
	// never nil in a loaded course (a Dockerfile that does not parse fails Load) and is shared
	// by every reader: read it, never change it.
	Graph *dockerfile.Graph

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

// BuilderBuildKit is the value of Strategy.Builder for a strategy only BuildKit can build.
const BuilderBuildKit = "buildkit"

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
	// EvidenceBase: the base image the strategy ships on, as the daemon knows it: its ID and
	// RepoDigests, and the FROM line that pins it by digest.
	EvidenceBase Evidence = "base"
)

// EvidenceKinds lists every kind of evidence, in the order above.
var EvidenceKinds = []Evidence{EvidenceStages, EvidenceImages, EvidenceHistory, EvidenceFiles, EvidenceSizes, EvidenceInside, EvidenceBase}

// Question is a multiple-choice question answered with evidence from a strategy's build.
type Question struct {
	ID       string
	Question string   // markdown, usually one line
	Choices  []string // at least two
	Answer   int      // 1-based index into Choices
	Explain  string   // markdown: why the answer is right, pointing at the evidence
	Evidence Evidence
	// Caption is markdown, one or two sentences shown under the evidence, saying what the
	// evidence shows ("Only the last stage became an image: no tag points at the build
	// stage."). Empty when the lesson gives none; surrounding white space is removed.
	Caption string
	// Strategy is the id of the strategy whose build supplies the evidence.
	Strategy string
	// Compare optionally names a second strategy to set beside it (files, sizes): the builder
	// next to the shipped image.
	Compare string
}

// Correct reports whether choice (1-based) is the right answer.
func (q *Question) Correct(choice int) bool { return choice == q.Answer }

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

// Lesson returns the id of the lesson the strategy belongs to.
func (s *Strategy) Lesson() string { return s.lesson }

// BaseImage is the image the strategy's shipped stage (the last stage, or the target) is built
// on, as written in the Dockerfile; "" for a strategy without a Graph. A stage that starts FROM
// an earlier stage is followed back to the image that one starts from: the target "test" of
// `FROM build AS test` is built on whatever build starts FROM.
func (s *Strategy) BaseImage() string {
	g := s.Graph
	if g == nil || len(g.Stages) == 0 {
		return ""
	}
	st := g.Stages[g.Target]
	for st.BaseStage >= 0 {
		st = g.Stages[st.BaseStage]
	}
	return st.Base
}
