package lesson_test

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/lessons"
)

// TestBuiltInExercises: the course's exercises load, with the ids the issue requires, in
// course order, each with goals.
func TestBuiltInExercises(t *testing.T) {
	c, err := lesson.Load(lessons.FS)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, ex := range c.Exercises() {
		ids = append(ids, ex.ID)
		if len(ex.Goals) == 0 || len(ex.Starter) == 0 || len(ex.Solution) == 0 {
			t.Errorf("%s: %d goals, starter %d bytes, solution %d bytes", ex.ID, len(ex.Goals), len(ex.Starter), len(ex.Solution))
		}
	}
	t.Logf("exercises: %v", ids)
	for _, id := range []string{"ship-thin-go", "fix-lost-packages", "cache-order", "distroless-python", "nonroot", "test-stage", "predict-sizes"} {
		if _, ok := c.Exercise(id); !ok {
			t.Errorf("no exercise %s", id)
		}
	}
	if len(ids) < 8 {
		t.Errorf("%d exercises, want at least 8", len(ids))
	}
}

// withExercise is oneLesson plus one exercise, ex1, whose goals are goalsYAML.
func withExercise(goalsYAML string) fstest.MapFS {
	f := oneLesson()
	f["one/exercises/ex1/exercise.yaml"] = &fstest.MapFile{Data: []byte("title: Ex\nprompt: do it\napp: py\nhints: [one]\ngoals:\n" + goalsYAML)}
	f["one/exercises/ex1/starter.Dockerfile"] = &fstest.MapFile{Data: []byte("FROM scratch\n")}
	f["one/exercises/ex1/solution.Dockerfile"] = &fstest.MapFile{Data: []byte("FROM alpine:3.22 AS build\nFROM scratch\nCOPY --from=build /bin/busybox /x\n")}
	f["one/exercises/ex1/extra.txt"] = &fstest.MapFile{Data: []byte("extra\n")}
	return f
}

func TestLoadExercise(t *testing.T) {
	c, err := lesson.Load(withExercise("  - id: small\n    title: Small\n    size_max: 25MB\n  - id: st\n    title: S\n    stage_named: build\n  - id: r\n    title: R\n    runs: {args: [-x], expect: ok, exit_code: 3, timeout: 5s}\n"))
	if err != nil {
		t.Fatal(err)
	}
	ex, ok := c.Exercise("ex1")
	if !ok || ex.LessonID != "one" || ex.WorkspaceFile() != "Dockerfile" || ex.Predict() != nil {
		t.Fatalf("exercise: %+v", ex)
	}
	g := ex.Goals
	if len(g) != 3 || g[0].Check != lesson.CheckSizeMax || g[0].SizeMax != 25_000_000 || g[1].Stage != "build" ||
		g[2].Run == nil || g[2].Run.ExitCode != 3 || g[2].Run.Timeout != 5*time.Second || !slices.Equal(g[2].Run.Args, []string{"-x"}) {
		t.Errorf("goals: %+v", g)
	}
	ctx, err := ex.BuildContext([]byte("FROM scratch\n"))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"Dockerfile": "FROM scratch\n", "hello.py": "print('hi')\n", "extra.txt": "extra\n"} {
		if b, err := fs.ReadFile(ctx, name); err != nil || string(b) != want {
			t.Errorf("context %s = %q, %v; want %q", name, b, err, want)
		}
	}
	if _, err := fs.Stat(ctx, "exercise.yaml"); err == nil {
		t.Error("exercise.yaml is in the build context")
	}
	edited, err := ex.EditedContext([]byte("FROM scratch\n"), "hello.py", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	if b, _ := fs.ReadFile(edited, "hello.py"); err != nil || !strings.Contains(string(b), "# edited at 03:04:05") {
		t.Errorf("edited hello.py = %q, %v", b, err)
	}
}

func TestLoadExerciseProblems(t *testing.T) {
	const file = "one/exercises/ex1/exercise.yaml"
	tests := []struct {
		name  string
		goals string
		edit  func(fstest.MapFS)
		wants []string
	}{
		{"unknown key", "  - id: a\n    title: A\n    size_maximum: 2MB\n", nil, []string{file, "size_maximum"}},
		{"two checks", "  - id: a\n    title: A\n    size_max: 2MB\n    no_shell: true\n", nil, []string{file, `goal "a": 2 checks (no_shell, size_max)`}},
		{"no check", "  - id: a\n    title: A\n", nil, []string{file, `goal "a": no check`}},
		{"bad size", "  - id: a\n    title: A\n    size_max: lots\n", nil, []string{`size_max: size "lots"`}},
		{"false flag", "  - id: a\n    title: A\n    no_shell: false\n", nil, []string{"no_shell: false checks nothing"}},
		{"stage not in solution", "  - id: a\n    title: A\n    copies_from: builder\n", nil, []string{`copies_from "builder": the solution has no stage`}},
		{"bad glob", "  - id: a\n    title: A\n    final_base_not: ['golang[']\n", nil, []string{`pattern "golang["`}},
		{"relative path", "  - id: a\n    title: A\n    absent: [usr/bin/gcc]\n", nil, []string{`absent: "usr/bin/gcc": want an absolute`}},
		{"ratio of unknown strategy", "  - id: a\n    title: A\n    size_ratio_max: {of: nope, max: 0.1}\n", nil, []string{"no strategy nope in lesson one"}},
		{"edit of missing file", "  - id: a\n    title: A\n    cached_after_edit: {edit: nope.py, step: pip}\n", nil, []string{`edit "nope.py": no such file`}},
		{"fails with missing app", "  - id: a\n    title: A\n    build_fails_at: {stage: build, with_app: gone}\n", nil, []string{`with_app "gone": no folder apps/gone`}},
		{"bad timeout", "  - id: a\n    title: A\n    runs: {timeout: soon}\n", nil, []string{`runs: timeout "soon"`}},
		{"duplicate goal", "  - id: a\n    title: A\n    builds: true\n  - id: a\n    title: B\n    builds: true\n", nil, []string{`goal "a": id is used twice`}},
		{"bad starter", "  - id: a\n    title: A\n    builds: true\n", func(f fstest.MapFS) {
			f["one/exercises/ex1/starter.Dockerfile"].Data = []byte("FROM scratch\nCOPPY a b\n")
		}, []string{"one/exercises/ex1/starter.Dockerfile:2: unknown instruction"}},
		{"no solution", "  - id: a\n    title: A\n    builds: true\n", func(f fstest.MapFS) { delete(f, "one/exercises/ex1/solution.Dockerfile") }, []string{file, "solution.Dockerfile"}},
		{"id used twice across lessons", "  - id: a\n    title: A\n    builds: true\n", func(f fstest.MapFS) {
			f["course.yaml"].Data = []byte("lessons: [one, two]\n")
			for name, mf := range oneLesson() {
				if strings.HasPrefix(name, "one/") {
					f["two/"+strings.TrimPrefix(name, "one/")] = mf
				}
			}
			for _, n := range []string{"exercise.yaml", "starter.Dockerfile", "solution.Dockerfile"} {
				f["two/exercises/ex1/"+n] = f["one/exercises/ex1/"+n]
			}
		}, []string{`two/exercises/ex1/exercise.yaml: exercise id "ex1" is also used in lesson one`}},
		{"prediction of unknown strategy", "  - id: a\n    title: A\n    predict: {lesson: one, strategies: [a, zz]}\n", func(f fstest.MapFS) {
			f["one/exercises/ex1/starter.txt"] = &fstest.MapFile{Data: []byte("a\nzz\n")}
			f["one/exercises/ex1/solution.txt"] = &fstest.MapFile{Data: []byte("a\n")}
		}, []string{`predict: "zz": no strategy zz`, "solution.txt: missing zz"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := withExercise(tt.goals)
			if tt.edit != nil {
				tt.edit(f)
			}
			_, err := lesson.Load(f)
			if err == nil {
				t.Fatal("loads")
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

func TestParsePrediction(t *testing.T) {
	all := []string{"a", "b", "c"}
	if got, err := lesson.ParsePrediction([]byte("# largest first\nc\n\n a \nb\n"), all); err != nil || !slices.Equal(got, []string{"c", "a", "b"}) {
		t.Errorf("= %v, %v", got, err)
	}
	for in, want := range map[string]string{"a\nb\nd\n": `line 3: "d" is not one of`, "a\na\nb\nc\n": `line 2: "a" is listed twice`, "a\n": "missing b, c"} {
		if _, err := lesson.ParsePrediction([]byte(in), all); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParsePrediction(%q) = %v, want %q", in, err, want)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"25MB": 25_000_000, "1.5 GB": 1_500_000_000, "800kB": 800_000, "64MiB": 64 << 20, "1024": 1024} {
		if got, err := lesson.ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MB", "-1MB", "25 parsecs", "1e3XB"} {
		if _, err := lesson.ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) succeeds", in)
		}
	}
}
