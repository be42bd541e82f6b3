package lesson_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/lessons"
)

func TestBuiltInCourseLoads(t *testing.T) {
	c, err := lesson.Load(lessons.FS)
	if err != nil {
		t.Fatalf("built-in lessons do not load: %v", err)
	}
	if len(c.Lessons) == 0 {
		t.Fatal("no lessons")
	}
	for _, l := range c.Lessons {
		if strings.TrimSpace(l.Text) == "" {
			t.Errorf("%s: empty text", l.ID)
		}
		for _, s := range l.Strategies {
			if s.Expect == "" || s.Explain == "" {
				t.Errorf("%s/%s: missing expected output or explanation", l.ID, s.ID)
			}
			if s.Graph == nil || s.BaseImage() == "" {
				t.Errorf("%s/%s: no stage graph or no base image found", l.ID, s.ID)
			}
			ctx, err := s.Context()
			if err != nil {
				t.Fatalf("%s/%s: %v", l.ID, s.ID, err)
			}
			df, err := fs.ReadFile(ctx, "Dockerfile")
			if err != nil || string(df) != s.Dockerfile {
				t.Errorf("%s/%s: build context lacks its Dockerfile (%v)", l.ID, s.ID, err)
			}
			// Every app has a .dockerignore but the one the context lesson shows without.
			if _, err := fs.Stat(ctx, ".dockerignore"); (err == nil) != (s.App != "context") {
				t.Errorf("%s/%s: build context of app %s has a .dockerignore: %v", l.ID, s.ID, s.App, err == nil)
			}
			// The Go app's go.mod is stored as _go.mod (go:embed would skip its folder).
			if s.App == "go" {
				if mod, err := fs.ReadFile(ctx, "go.mod"); err != nil || !strings.HasPrefix(string(mod), "module webapp\n") {
					t.Errorf("%s/%s: go.mod in the context: %q, %v", l.ID, s.ID, mod, err)
				}
			}
		}
	}
}

func TestMultistageLesson(t *testing.T) {
	c, err := lesson.Load(lessons.FS)
	if err != nil {
		t.Fatal(err)
	}
	l, ok := c.Find("multistage")
	if !ok {
		t.Fatal("no multistage lesson")
	}
	want := map[string]string{
		"python-normal":     "python:3.13",
		"python-multistage": "python:3.13-slim",
		"python-distroless": "gcr.io/distroless/python3-debian13:nonroot",
		"go-single":         "golang:1.27",
		"go-multistage":     "alpine:3.22",
		"go-distroless":     "gcr.io/distroless/static-debian13",
	}
	if len(l.Strategies) != len(want) {
		t.Errorf("got %d strategies, want %d", len(l.Strategies), len(want))
	}
	for id, base := range want {
		s, ok := l.Strategy(id)
		if !ok {
			t.Errorf("missing strategy %s", id)
			continue
		}
		if got := s.BaseImage(); got != base {
			t.Errorf("%s ships on %q, want %q", id, got, base)
		}
	}
	// Distroless Python's ENTRYPOINT is the interpreter: the CMD must name only the script.
	s, _ := l.Strategy("python-distroless")
	if strings.Contains(s.Dockerfile, `CMD ["python"`) {
		t.Error("python-distroless passes python to an image whose ENTRYPOINT already is python")
	}
}

// TestStandinsCoverLessonImages keeps .ci/standins in step with the lessons: every image a lesson
// builds FROM must have an offline stand-in, or CI cannot build it.
func TestStandinsCoverLessonImages(t *testing.T) {
	out, err := exec.Command("bash", "../../.ci/standins", "--list").Output()
	if err != nil {
		t.Fatalf(".ci/standins --list: %v", err)
	}
	have := map[string]bool{}
	for _, tag := range strings.Fields(string(out)) {
		have[tag] = true
	}
	c, err := lesson.Load(lessons.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range c.Lessons {
		for _, s := range l.Strategies {
			for _, img := range externalImages(s) {
				if !have[img] {
					t.Errorf("%s/%s uses %s, which .ci/standins does not build", l.ID, s.ID, img)
				}
			}
		}
	}
}

// externalImages lists the images a strategy's Dockerfile pulls: what its stages start FROM
// (not earlier stages, not scratch) and what COPY --from or RUN --mount=from= reads.
func externalImages(s *lesson.Strategy) []string {
	var out []string
	for _, st := range s.Graph.Stages {
		if st.BaseStage < 0 && st.Base != "scratch" {
			out = append(out, st.Base)
		}
	}
	return append(out, s.Graph.External...)
}

// addToStrategy appends YAML lines to the only strategy of the test folder's lesson.
func addToStrategy(f fstest.MapFS, lines string) {
	var b strings.Builder
	for _, l := range strings.SplitAfter(lines, "\n") {
		if l != "" {
			b.WriteString("    " + l)
		}
	}
	f["one/lesson.yaml"].Data = append(f["one/lesson.yaml"].Data, []byte(b.String())...)
}

// questionYAML is a valid question with one field replaced: override is "key: value".
func questionYAML(override string) string {
	fields := []string{
		"id: q", "question: Is it one image?", "choices: [yes, no]", "answer: 2",
		"explain: Only the last stage is tagged.", "evidence: images", "strategy: a",
	}
	if key, _, ok := strings.Cut(override, ":"); ok {
		replaced := false
		for i, f := range fields {
			if strings.HasPrefix(f, key+":") {
				fields[i], replaced = override, true
			}
		}
		if !replaced {
			fields = append(fields, override)
		}
	}
	return "questions:\n  - " + strings.Join(fields, "\n    ") + "\n"
}

func addQuestion(f fstest.MapFS, override string) {
	f["one/lesson.yaml"].Data = append(f["one/lesson.yaml"].Data, []byte(questionYAML(override))...)
}

func TestLoadExtensions(t *testing.T) {
	f := fstest.MapFS{
		"course.yaml": {Data: []byte("lessons: [one]\n")},
		"one/lesson.yaml": {Data: []byte(`title: One
text: one.md
strategies:
  - id: a
    title: A
    app: py
    dockerfile: a.Dockerfile
    target: build
    explain: x
    expect: ModuleNotFoundError
    expect_exit: 1
    timeout: 90s
    builder: buildkit
    checks:
      - title: No shell
        entrypoint: [sh]
        args: [-c, echo hi]
        expect: executable file not found
        expect_fail: true
        explain: There is no shell.
      - title: Python works
        args: [-c, "print(1)"]
        explain: The interpreter is the entrypoint.
    edit:
      file: hello.py
      append: |
        print("edited at {time}")
  - id: b
    title: B
    app: py
    dockerfile: a.Dockerfile
    explain: x
    expect: hi
questions:
  - id: one-image
    question: How many images?
    choices: [One, Two]
    answer: 1
    explain: The last stage.
    evidence: images
    strategy: a
  - id: files
    question: Does stage 2 contain stage 1?
    choices: [Yes, No]
    answer: 2
    explain: Compare the listings.
    evidence: files
    caption: |
      The second image holds **none** of the first one's files.
    strategy: b
    compare: a
`)},
		"one/one.md":       {Data: []byte("# One\n")},
		"one/a.Dockerfile": {Data: []byte("FROM scratch AS build\nCOPY x /x\n")},
		"apps/py/hello.py": {Data: []byte("print('hi')")},
	}
	c, err := lesson.Load(f)
	if err != nil {
		t.Fatal(err)
	}
	l := c.Lessons[0]
	a, b := l.Strategies[0], l.Strategies[1]
	if a.ExpectExit != 1 || b.ExpectExit != 0 {
		t.Errorf("expect_exit: a %d (want 1), b %d (want the default 0)", a.ExpectExit, b.ExpectExit)
	}
	if a.Builder != lesson.BuilderBuildKit || b.Builder != "" {
		t.Errorf("builder: a %q (want buildkit), b %q (want none: any builder)", a.Builder, b.Builder)
	}
	if a.Timeout != 90*time.Second || b.Timeout != 0 {
		t.Errorf("timeout: a %v (want 1m30s), b %v (want 0, the engine's default)", a.Timeout, b.Timeout)
	}
	wantChecks := []*lesson.Check{
		{Title: "No shell", Entrypoint: []string{"sh"}, Args: []string{"-c", "echo hi"}, Expect: "executable file not found", ExpectFail: true, Explain: "There is no shell."},
		{Title: "Python works", Args: []string{"-c", "print(1)"}, Explain: "The interpreter is the entrypoint."},
	}
	if !reflect.DeepEqual(a.Checks, wantChecks) {
		t.Errorf("checks:\n got %+v\nwant %+v", a.Checks, wantChecks)
	}
	if b.Checks != nil || b.Edit != nil {
		t.Errorf("b has checks %v and edit %v, want none", b.Checks, b.Edit)
	}
	if a.Edit == nil || a.Edit.File != "hello.py" || a.Edit.Append != "print(\"edited at {time}\")\n" {
		t.Fatalf("edit: %+v", a.Edit)
	}
	if len(l.Questions) != 2 {
		t.Fatalf("%d questions, want 2", len(l.Questions))
	}
	q := l.Questions[1]
	if q.ID != "files" || q.Evidence != lesson.EvidenceFiles || q.Strategy != "b" || q.Compare != "a" || len(q.Choices) != 2 {
		t.Errorf("question: %+v", q)
	}
	if want := "The second image holds **none** of the first one's files."; q.Caption != want {
		t.Errorf("caption %q, want %q (trimmed)", q.Caption, want)
	}
	if c := l.Questions[0].Caption; c != "" {
		t.Errorf("a question without a caption has %q", c)
	}
	if !q.Correct(2) || q.Correct(1) {
		t.Error("Correct: answer 2 should be the only right one")
	}

	// The edited context is a copy: the text is appended on its own line, the time filled in,
	// and the strategy's own context is left alone.
	at := time.Date(2026, 11, 22, 14, 3, 5, 250e6, time.UTC)
	edited, err := a.EditedContext(at)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := fs.ReadFile(edited, "hello.py")
	if want := "print('hi')\nprint(\"edited at 14:03:05.250\")\n"; string(got) != want {
		t.Errorf("edited hello.py = %q, want %q", got, want)
	}
	if df, _ := fs.ReadFile(edited, "Dockerfile"); string(df) != a.Dockerfile {
		t.Error("edited context lacks the Dockerfile")
	}
	orig, _ := a.Context()
	if got, _ := fs.ReadFile(orig, "hello.py"); string(got) != "print('hi')" {
		t.Errorf("the edit leaked into the original context: %q", got)
	}
	if _, err := b.EditedContext(at); err == nil {
		t.Error("EditedContext of a strategy without an edit did not fail")
	}
}

// oneLesson is the smallest valid lessons folder: lesson "one" with strategy "a", which builds
// apps/py. addToStrategy and addQuestion extend it.
func oneLesson() fstest.MapFS {
	return fstest.MapFS{
		"course.yaml":      {Data: []byte("lessons: [one]\n")},
		"one/lesson.yaml":  {Data: []byte("title: One\ntext: one.md\nstrategies:\n  - id: a\n    title: A\n    app: py\n    dockerfile: a.Dockerfile\n    explain: x\n    expect: hi\n")},
		"one/one.md":       {Data: []byte("# One\n")},
		"one/a.Dockerfile": {Data: []byte("FROM scratch\nCOPY x /x\n")},
		"apps/py/hello.py": {Data: []byte("print('hi')\n")},
	}
}

func TestLoadReportsProblems(t *testing.T) {
	good := oneLesson
	if _, err := lesson.Load(good()); err != nil {
		t.Fatalf("a valid folder fails: %v", err)
	}
	tests := []struct {
		name  string
		edit  func(fstest.MapFS)
		wants []string
	}{
		{"no course", func(f fstest.MapFS) { delete(f, "course.yaml") }, []string{"course.yaml"}},
		{"published size without a source", func(f fstest.MapFS) {
			f["course.yaml"].Data = []byte("lessons: [one]\npublished_sizes:\n  - image: alpine:3.22\n    bytes: 100\n    measure: compressed\n    url: https://example.org/x\n    date: 2026-01-02\n")
		}, []string{`course.yaml: published size of "alpine:3.22": no source`}},
		{"published size made up", func(f fstest.MapFS) {
			f["course.yaml"].Data = []byte("lessons: [one]\npublished_sizes:\n  - image: alpine:3.22\n    bytes: -1\n    measure: guessed\n    source: me\n    url: not a link\n    date: last year\n")
		}, []string{"bytes must be a positive", `measure is "guessed"`, `url "not a link"`, `date "last year"`}},
		{"published size twice", func(f fstest.MapFS) {
			entry := "  - image: alpine:3.22\n    bytes: 100\n    measure: compressed\n    source: s\n    url: https://example.org/x\n    date: 2026-01-02\n"
			f["course.yaml"].Data = []byte("lessons: [one]\npublished_sizes:\n" + entry + entry)
		}, []string{`published size of "alpine:3.22": listed twice`}},
		{"missing lesson folder", func(f fstest.MapFS) { f["course.yaml"].Data = []byte("lessons: [one, two]\n") }, []string{"two/lesson.yaml"}},
		{"bad yaml", func(f fstest.MapFS) { f["one/lesson.yaml"].Data = []byte("title: [\n") }, []string{"one/lesson.yaml"}},
		{"unknown field", func(f fstest.MapFS) {
			f["one/lesson.yaml"].Data = append(f["one/lesson.yaml"].Data, []byte("colour: red\n")...)
		}, []string{"one/lesson.yaml", "colour"}},
		{"unparsable dockerfile", func(f fstest.MapFS) { f["one/a.Dockerfile"].Data = []byte("FROM scratch\nCOPY\n") }, []string{"one/a.Dockerfile:2: COPY requires"}},
		{"unknown instruction", func(f fstest.MapFS) { f["one/a.Dockerfile"].Data = []byte("FROM scratch\nCOPPY x /x\n") }, []string{"one/a.Dockerfile:2: unknown instruction: COPPY"}},
		{"no FROM", func(f fstest.MapFS) { f["one/a.Dockerfile"].Data = []byte("RUN true\n") }, []string{"one/a.Dockerfile:1:", "start the Dockerfile with FROM"}},
		{"only ARGs", func(f fstest.MapFS) { f["one/a.Dockerfile"].Data = []byte("ARG V=1\n") }, []string{"one/a.Dockerfile:1:", "start the Dockerfile with FROM"}},
		{"empty dockerfile", func(f fstest.MapFS) { f["one/a.Dockerfile"].Data = nil }, []string{"one/a.Dockerfile:", "start the Dockerfile with FROM"}},
		{"unknown target among named stages", func(f fstest.MapFS) {
			f["one/a.Dockerfile"].Data = []byte("FROM scratch AS build\nFROM scratch AS test\n")
			addToStrategy(f, "target: nope\n")
		}, []string{`one/a.Dockerfile: target "nope": no stage of that name`, "the stages are: build, test"}},
		{"bad timeout", func(f fstest.MapFS) { addToStrategy(f, "timeout: soon\n") }, []string{`timeout "soon"`}},
		{"negative timeout", func(f fstest.MapFS) { addToStrategy(f, "timeout: -1s\n") }, []string{`timeout "-1s"`}},
		{"missing app", func(f fstest.MapFS) { delete(f, "apps/py/hello.py") }, []string{`app "py"`}},
		{"missing text", func(f fstest.MapFS) { delete(f, "one/one.md") }, []string{"one/lesson.yaml", "text"}},
		{"bad strategy id", func(f fstest.MapFS) {
			f["one/lesson.yaml"].Data = []byte(strings.Replace(string(f["one/lesson.yaml"].Data), "id: a", "id: A B", 1))
		}, []string{`"A B"`}},
		{"unknown target", func(f fstest.MapFS) { addToStrategy(f, "target: nope\n") }, []string{"one/a.Dockerfile", `target "nope"`}},
		{"exit code out of range", func(f fstest.MapFS) { addToStrategy(f, "expect_exit: 300\n") }, []string{"expect_exit 300"}},
		{"unknown builder", func(f fstest.MapFS) { addToStrategy(f, "builder: legacy\n") }, []string{`builder "legacy"`}},
		{"check without title or command", func(f fstest.MapFS) {
			addToStrategy(f, "checks:\n  - expect: x\n")
		}, []string{"check 1: title is missing", "entrypoint or args", "explain"}},
		{"check with unknown field", func(f fstest.MapFS) {
			addToStrategy(f, "checks:\n  - title: T\n    entrypoint: [sh]\n    explain: x\n    expect_failure: true\n")
		}, []string{"expect_failure"}},
		{"edit of a missing file", func(f fstest.MapFS) {
			addToStrategy(f, "edit:\n  file: nope.py\n  append: x\n")
		}, []string{`edit: file "nope.py": no such file in apps/py`}},
		{"edit outside the app", func(f fstest.MapFS) {
			addToStrategy(f, "edit:\n  file: ../py/hello.py\n  append: x\n")
		}, []string{`edit: file "../py/hello.py"`}},
		{"edit without text", func(f fstest.MapFS) { addToStrategy(f, "edit:\n  file: hello.py\n") }, []string{"edit: append"}},
		{"question answer out of range", func(f fstest.MapFS) { addQuestion(f, "answer: 3") }, []string{`question "q": answer 3`}},
		{"question answer zero", func(f fstest.MapFS) { addQuestion(f, "answer: 0") }, []string{"answer 0"}},
		{"question unknown evidence", func(f fstest.MapFS) { addQuestion(f, "evidence: vibes") }, []string{`evidence "vibes"`, "stages, images, history, files, sizes, inside, base"}},
		{"question unknown strategy", func(f fstest.MapFS) { addQuestion(f, "strategy: b") }, []string{`strategy "b": not a strategy`}},
		{"question compares with itself", func(f fstest.MapFS) { addQuestion(f, "compare: a") }, []string{`compare "a"`}},
		{"question with one choice", func(f fstest.MapFS) { addQuestion(f, "choices: [only]") }, []string{"at least two", "answer 2: want the 1-based number of one of the 1 choices"}},
		{"question without text", func(f fstest.MapFS) { addQuestion(f, "question: \"\"") }, []string{"question (the text) is missing"}},
		{"question with a long caption", func(f fstest.MapFS) {
			addQuestion(f, "caption: "+strings.Repeat("word ", 61))
		}, []string{`question "q": caption is 304 characters`}},
		{"question with a misspelt caption", func(f fstest.MapFS) { addQuestion(f, "captions: x") }, []string{"captions"}},
		{"questions with the same id", func(f fstest.MapFS) {
			addQuestion(f, "")
			f["one/lesson.yaml"].Data = append(f["one/lesson.yaml"].Data, []byte(strings.TrimPrefix(questionYAML(""), "questions:\n"))...)
		}, []string{`question "q": id is used twice`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := good()
			tt.edit(f)
			_, err := lesson.Load(f)
			if err == nil {
				t.Fatal("loaded without error")
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestGraph: Load parses each strategy's Dockerfile once, for its target, and BaseImage reads
// that graph: a stage built FROM another stage ships on what that stage starts FROM.
func TestGraph(t *testing.T) {
	const df = `FROM golang:1.27 AS dev
FROM dev AS build
FROM build AS test
FROM alpine:3.22 AS runtime
`
	targets := []struct{ id, target, base string }{
		{"all", "", "alpine:3.22"}, {"dev", "dev", "golang:1.27"}, {"build", "build", "golang:1.27"},
		{"test", "test", "golang:1.27"}, {"runtime", "runtime", "alpine:3.22"},
	}
	var y strings.Builder
	y.WriteString("title: One\ntext: one.md\nstrategies:\n")
	for _, tt := range targets {
		fmt.Fprintf(&y, "  - {id: %s, title: T, app: py, dockerfile: a.Dockerfile, explain: x, expect: hi, target: %q}\n", tt.id, tt.target)
	}
	f := fstest.MapFS{
		"course.yaml":      {Data: []byte("lessons: [one]\n")},
		"one/lesson.yaml":  {Data: []byte(y.String())},
		"one/one.md":       {Data: []byte("# One\n")},
		"one/a.Dockerfile": {Data: []byte(df)},
		"apps/py/hello.py": {Data: []byte("print('hi')\n")},
	}
	c, err := lesson.Load(f)
	if err != nil {
		t.Fatal(err)
	}
	for i, tt := range targets {
		s := c.Lessons[0].Strategies[i]
		if s.Graph == nil {
			t.Fatalf("%s: no graph", s.ID)
		}
		if n := len(s.Graph.Stages); n != 4 {
			t.Errorf("%s: graph has %d stages, want 4", s.ID, n)
		}
		if want := tt.target; want != "" && s.Graph.Stages[s.Graph.Target].Name != want {
			t.Errorf("%s: graph targets stage %q, want %q", s.ID, s.Graph.Stages[s.Graph.Target].Name, want)
		}
		if got := s.BaseImage(); got != tt.base {
			t.Errorf("target %q: base image %q, want %q", tt.target, got, tt.base)
		}
	}

	// BaseImage reads the graph, and parses nothing itself.
	s := *c.Lessons[0].Strategies[0]
	s.Dockerfile = "FROM python:3.13\n"
	if got := s.BaseImage(); got != "alpine:3.22" {
		t.Errorf("BaseImage after the text changed: %q, want the graph's alpine:3.22", got)
	}
	s.Graph = c.Lessons[0].Strategies[1].Graph
	if got := s.BaseImage(); got != "golang:1.27" {
		t.Errorf("BaseImage with the dev target's graph: %q, want golang:1.27", got)
	}
	s.Graph = nil
	if got := s.BaseImage(); got != "" {
		t.Errorf("BaseImage without a graph: %q, want none", got)
	}
}

// TestCurriculum holds the built-in course to the contract of issue 4: the lesson ids and
// their order, and the evidence each lesson promises.
func TestCurriculum(t *testing.T) {
	c, err := lesson.Load(lessons.FS)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"normal", "multistage", "distroless", "cache", "target", "workflow", "pitfalls", "scratch", "context", "qa"}
	if got := c.IDs(); !reflect.DeepEqual(got, want) {
		t.Fatalf("lessons %v, want %v", got, want)
	}
	find := func(id string) *lesson.Lesson { l, _ := c.Find(id); return l }

	// distroless: sh cannot start in the distroless images, /busybox/sh works in :debug.
	for id, wantFail := range map[string]bool{"python-distroless": true, "go-distroless": true, "python-debug": false, "go-debug": false} {
		s, ok := find("distroless").Strategy(id)
		if !ok {
			t.Fatalf("distroless: no strategy %s", id)
		}
		if !slices.ContainsFunc(s.Checks, func(ch *lesson.Check) bool {
			return len(ch.Entrypoint) > 0 && strings.HasSuffix(ch.Entrypoint[0], "sh") && ch.ExpectFail == wantFail
		}) {
			t.Errorf("distroless/%s: no shell check expecting failure=%v", id, wantFail)
		}
	}

	// cache: every strategy edits its source; the cache mount asks for BuildKit.
	edits := map[string]string{}
	for _, s := range find("cache").Strategies {
		if s.Edit == nil || !strings.Contains(s.Edit.Append, lesson.EditTimePlaceholder) {
			t.Errorf("cache/%s: edit %+v", s.ID, s.Edit)
			continue
		}
		edits[s.ID] = s.Edit.File + " " + s.Builder
	}
	if want := map[string]string{"bad": "hello.py ", "good": "hello.py ", "go-modfirst": "main.go ", "cache-mount": "main.go buildkit"}; !reflect.DeepEqual(edits, want) {
		t.Errorf("cache edits and builders %v, want %v", edits, want)
	}

	// context: the same Dockerfile with and without a .dockerignore, each editing the README.
	for _, s := range find("context").Strategies {
		if s.Edit == nil || s.Edit.File != "README.md" {
			t.Errorf("context/%s: edit %+v", s.ID, s.Edit)
		}
	}

	// scratch: the three flags fail on scratch alone, and work on distroless and once copied in.
	for id, exit := range map[string]int{"distroless": 0, "scratch": 1, "scratch-fixed": 0} {
		s, ok := find("scratch").Strategy(id)
		if !ok || s.ExpectExit != exit || !slices.Contains(s.Args, "-whoami") {
			t.Errorf("scratch/%s: found %v, expect_exit %d (want %d), run %v", id, ok, s.ExpectExit, exit, s.Args)
		}
	}

	// target: build and test targets and the full build, on one Dockerfile.
	targets := map[string]string{}
	for _, s := range find("target").Strategies {
		targets[s.ID] = s.Target
	}
	if !reflect.DeepEqual(targets, map[string]string{"build": "build", "test": "test", "runtime": ""}) {
		t.Errorf("target strategies and targets: %v", targets)
	}

	// pitfalls: the broken recipes must fail, and say how.
	for id, exit := range map[string]int{"lost-packages": 1, "venv": 0, "python-twice": 2, "distroless": 0, "cgo": 1, "static": 0} {
		s, ok := find("pitfalls").Strategy(id)
		if !ok || s.ExpectExit != exit {
			t.Errorf("pitfalls/%s: found %v, expect_exit %d, want %d", id, ok, s.ExpectExit, exit)
		}
	}

	// qa: the nine questions, every kind of evidence used.
	q := find("qa").Questions
	if len(q) != 9 {
		t.Errorf("qa has %d questions, want 9", len(q))
	}
	used := map[lesson.Evidence]bool{}
	for _, x := range q {
		used[x.Evidence] = true
		if x.Caption == "" {
			t.Errorf("qa/%s: no caption under its evidence", x.ID)
		}
	}
	for _, k := range lesson.EvidenceKinds {
		if !used[k] {
			t.Errorf("qa: no question uses evidence %q", k)
		}
	}
}

// TestPublishedSizes: the course's published figures load with their source, and every one is
// for a base image some strategy is built on (a figure nothing uses is a figure nobody checks).
func TestPublishedSizes(t *testing.T) {
	c, err := lesson.Load(lessons.FS)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Published) == 0 {
		t.Fatal("the course states no published sizes")
	}
	used := map[string]bool{}
	for _, l := range c.Lessons {
		for _, s := range l.Strategies {
			used[s.BaseImage()] = true
		}
	}
	for _, p := range c.Published {
		if !used[p.Image] {
			t.Errorf("published size for %s, which no strategy is built on", p.Image)
		}
		if p.Source == "" || p.URL == "" || p.Date.IsZero() || p.Bytes <= 0 {
			t.Errorf("published size %+v lacks its evidence", p)
		}
	}
	p, ok := c.PublishedSize("python:3.13")
	if !ok || p.Bytes != 412828942 || !p.Compressed || p.Approx {
		t.Errorf("python:3.13: %+v, %v", p, ok)
	}
	if p, ok := c.PublishedSize("golang:1.27"); !ok || p.Bytes != 316194729 || !p.Compressed {
		t.Errorf("golang:1.27: %+v, %v", p, ok)
	}
	if p, ok := c.PublishedSize("gcr.io/distroless/static-debian13"); !ok || p.Bytes != 2<<20 || p.Compressed || !p.Approx {
		t.Errorf("distroless static: %+v, %v (want the README's round 2 MiB, of no stated kind)", p, ok)
	}
	if _, ok := c.PublishedSize("gcr.io/distroless/python3-debian13:nonroot"); ok {
		t.Error("a figure for distroless python, whose publisher states none")
	}
}

// LoadLesson is a part of Load: the lesson, the published sizes and the glossary as the whole
// course has them, for every lesson; an id the course does not list is a problem.
func TestLoadLessonIsPartOfLoad(t *testing.T) {
	c, err := lesson.Load(lessons.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range c.Lessons {
		t.Run(want.ID, func(t *testing.T) {
			part, err := lesson.LoadLesson(lessons.FS, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(part.Lessons) != 1 || !reflect.DeepEqual(part.Lessons[0], want) {
				t.Errorf("lesson %s differs from Load's", want.ID)
			}
			if !reflect.DeepEqual(part.Published, c.Published) || !reflect.DeepEqual(part.Glossary, c.Glossary) {
				t.Error("published sizes or glossary differ from Load's")
			}
		})
	}
	for _, id := range []string{"nosuch", "../multistage", ""} {
		var verr *lesson.ValidationError
		if _, err := lesson.LoadLesson(lessons.FS, id); !errors.As(err, &verr) {
			t.Errorf("LoadLesson(%q) = %v, want a *ValidationError", id, err)
		}
	}
}
