package lesson_test

import (
	"io/fs"
	"os/exec"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/lessons"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
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
			if s.BaseImage() == "" {
				t.Errorf("%s/%s: no base image found", l.ID, s.ID)
			}
			ctx, err := s.Context()
			if err != nil {
				t.Fatalf("%s/%s: %v", l.ID, s.ID, err)
			}
			df, err := fs.ReadFile(ctx, "Dockerfile")
			if err != nil || string(df) != s.Dockerfile {
				t.Errorf("%s/%s: build context lacks its Dockerfile (%v)", l.ID, s.ID, err)
			}
			if _, err := fs.Stat(ctx, ".dockerignore"); err != nil {
				t.Errorf("%s/%s: build context lacks the app's .dockerignore: %v", l.ID, s.ID, err)
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
		"python-distroless": "gcr.io/distroless/python3-debian13",
		"go-single":         "golang:1.25",
		"go-multistage":     "alpine:3.22",
		"go-distroless":     "gcr.io/distroless/static-debian12",
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
			for _, img := range externalImages(t, s.Dockerfile) {
				if !have[img] {
					t.Errorf("%s/%s uses %s, which .ci/standins does not build", l.ID, s.ID, img)
				}
			}
		}
	}
}

// externalImages lists the FROM images that are not earlier stages or scratch.
func externalImages(t *testing.T, dockerfile string) []string {
	t.Helper()
	res, err := parser.Parse(strings.NewReader(dockerfile))
	if err != nil {
		t.Fatal(err)
	}
	stages := map[string]bool{"scratch": true}
	var out []string
	for _, n := range res.AST.Children {
		if !strings.EqualFold(n.Value, "from") || n.Next == nil {
			continue
		}
		if img := n.Next.Value; !stages[strings.ToLower(img)] {
			out = append(out, img)
		}
		if as := n.Next.Next; as != nil && as.Next != nil {
			stages[strings.ToLower(as.Next.Value)] = true
		}
	}
	return out
}

func TestLoadReportsProblems(t *testing.T) {
	good := func() fstest.MapFS {
		return fstest.MapFS{
			"course.yaml":      {Data: []byte("lessons: [one]\n")},
			"one/lesson.yaml":  {Data: []byte("title: One\ntext: one.md\nstrategies:\n  - id: a\n    title: A\n    app: py\n    dockerfile: a.Dockerfile\n    explain: x\n    expect: hi\n")},
			"one/one.md":       {Data: []byte("# One\n")},
			"one/a.Dockerfile": {Data: []byte("FROM scratch\nCOPY x /x\n")},
			"apps/py/hello.py": {Data: []byte("print('hi')\n")},
		}
	}
	if _, err := lesson.Load(good()); err != nil {
		t.Fatalf("a valid folder fails: %v", err)
	}
	tests := []struct {
		name  string
		edit  func(fstest.MapFS)
		wants []string
	}{
		{"no course", func(f fstest.MapFS) { delete(f, "course.yaml") }, []string{"course.yaml"}},
		{"missing lesson folder", func(f fstest.MapFS) { f["course.yaml"].Data = []byte("lessons: [one, two]\n") }, []string{"two/lesson.yaml"}},
		{"bad yaml", func(f fstest.MapFS) { f["one/lesson.yaml"].Data = []byte("title: [\n") }, []string{"one/lesson.yaml"}},
		{"unknown field", func(f fstest.MapFS) {
			f["one/lesson.yaml"].Data = append(f["one/lesson.yaml"].Data, []byte("colour: red\n")...)
		}, []string{"one/lesson.yaml", "colour"}},
		{"unparsable dockerfile", func(f fstest.MapFS) { f["one/a.Dockerfile"].Data = []byte("FROM scratch\nCOPY\n") }, []string{"one/a.Dockerfile"}},
		{"no FROM", func(f fstest.MapFS) { f["one/a.Dockerfile"].Data = []byte("RUN true\n") }, []string{"one/a.Dockerfile", "FROM"}},
		{"missing app", func(f fstest.MapFS) { delete(f, "apps/py/hello.py") }, []string{`app "py"`}},
		{"missing text", func(f fstest.MapFS) { delete(f, "one/one.md") }, []string{"one/lesson.yaml", "text"}},
		{"bad strategy id", func(f fstest.MapFS) {
			f["one/lesson.yaml"].Data = []byte(strings.Replace(string(f["one/lesson.yaml"].Data), "id: a", "id: A B", 1))
		}, []string{`"A B"`}},
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
