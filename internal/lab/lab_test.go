package lab_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/lesson"
)

// cacheEngine is a small fake daemon for lab's own tests. It "builds" a Dockerfile line by line
// like the legacy builder, with a layer cache keyed on the instructions so far and the content
// of what each COPY copies, so an edit invalidates exactly the steps a real builder would
// rebuild. Run answers from a table keyed by the command line.
type cacheEngine struct {
	// Engine is nil: it only supplies the interface's other methods, which lab must not call.
	engine.Engine

	cache  map[string]bool
	builds []engine.BuildRequest
	runs   []engine.RunRequest
	// answers maps "entrypoint args" (space-joined) to the run's result; a missing key runs the
	// image's default command, answered by answers[""].
	answers map[string]engine.RunResult
	// missing lists executables the images do not have: running them is a StartError.
	missing []string
}

func (e *cacheEngine) Info(context.Context) (engine.DaemonInfo, error) {
	return engine.DaemonInfo{Default: engine.BuilderLegacy}, nil
}

func (e *cacheEngine) Build(_ context.Context, req engine.BuildRequest, emit func(engine.Event)) (engine.BuildResult, error) {
	e.builds = append(e.builds, req)
	if e.cache == nil {
		e.cache = map[string]bool{}
	}
	df, err := fs.ReadFile(req.Context, "Dockerfile")
	if err != nil {
		return engine.BuildResult{}, err
	}
	var lines []string
	for _, l := range strings.Split(string(df), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	lines = append(lines, "LABEL io.docktutor.lesson=x") // the builder's own bookkeeping step
	res := engine.BuildResult{Builder: engine.BuilderLegacy, Duration: time.Second}
	var record engine.Steps
	hand := emit
	emit = func(ev engine.Event) {
		record.Observe(ev)
		hand(ev)
	}
	key := ""
	for i, l := range lines {
		key += "\n" + l + copied(req.Context, l)
		ev := engine.Event{Step: i + 1, Total: len(lines), Name: l, Internal: strings.HasPrefix(l, "LABEL io.docktutor.")}
		emit(with(ev, engine.EventStepStarted))
		cached := e.cache[key] && !strings.HasPrefix(l, "FROM")
		if cached {
			emit(with(ev, engine.EventCacheHit))
		}
		done := with(ev, engine.EventStepDone)
		if !cached {
			done.Duration = 2 * time.Second
		}
		emit(done)
		e.cache[key] = true
	}
	res.StepLog = record.All()
	res.Steps, res.CachedSteps = record.Counts()
	res.ImageID = fmt.Sprintf("sha256:%064x", len(e.builds))
	emit(engine.Event{Kind: engine.EventImageID, Text: res.ImageID})
	return res, nil
}

func with(ev engine.Event, k engine.EventKind) engine.Event { ev.Kind = k; return ev }

// copied is the content a COPY line copies: every file for ".", else the named sources.
func copied(ctx fs.FS, line string) string {
	f := strings.Fields(line)
	if len(f) < 3 || f[0] != "COPY" || strings.HasPrefix(f[1], "--from") {
		return ""
	}
	var b strings.Builder
	fs.WalkDir(ctx, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		for _, src := range f[1 : len(f)-1] {
			if src == "." || p == strings.TrimSuffix(src, "/") || strings.HasPrefix(p, src) {
				data, _ := fs.ReadFile(ctx, p)
				b.WriteString(p + "=" + string(data))
			}
		}
		return nil
	})
	return b.String()
}

func (e *cacheEngine) Inspect(_ context.Context, ref string) (engine.ImageInfo, error) {
	return engine.ImageInfo{Tags: []string{ref}, Size: 1000, Layers: []engine.Layer{{Size: 1000}, {Empty: true}}}, nil
}

func (e *cacheEngine) Run(_ context.Context, req engine.RunRequest) (engine.RunResult, error) {
	e.runs = append(e.runs, req)
	if len(req.Entrypoint) > 0 && slices.Contains(e.missing, req.Entrypoint[0]) {
		return engine.RunResult{}, &engine.StartError{
			Image: req.Image, Reason: fmt.Sprintf("exec: %q: executable file not found in $PATH", req.Entrypoint[0]),
		}
	}
	return e.answers[strings.Join(append(slices.Clone(req.Entrypoint), req.Args...), " ")], nil
}

// load makes a one-lesson course from a lesson.yaml body and Dockerfiles.
func load(t *testing.T, yaml string, files map[string]string) *lesson.Lesson {
	t.Helper()
	f := fstest.MapFS{
		"course.yaml":                   {Data: []byte("lessons: [demo]\n")},
		"demo/lesson.yaml":              {Data: []byte("title: Demo\ntext: demo.md\n" + yaml)},
		"demo/demo.md":                  {Data: []byte("# Demo\n")},
		"apps/py/hello.py":              {Data: []byte("print('hello')\n")},
		"apps/py/requirements.txt":      {Data: []byte("banner==1.0\n")},
		"apps/py/wheels/banner-1.0.whl": {Data: []byte("PK")},
	}
	for name, data := range files {
		f["demo/"+name] = &fstest.MapFile{Data: []byte(data)}
	}
	c, err := lesson.Load(f)
	if err != nil {
		t.Fatal(err)
	}
	return c.Lessons[0]
}

func TestRunChecks(t *testing.T) {
	l := load(t, `strategies:
  - id: distroless
    title: Distroless
    app: py
    dockerfile: d.Dockerfile
    explain: x
    expect: hello
    checks:
      - title: No shell
        entrypoint: [sh]
        args: [-c, echo it's me]
        expect: executable file not found
        expect_fail: true
        explain: x
      - title: No pip
        args: [-m, pip]
        expect: No module named pip
        expect_fail: true
        explain: x
      - title: Debug shell
        entrypoint: [/busybox/sh, -c]
        args: [ls /]
        expect: app
        explain: x
`, map[string]string{"d.Dockerfile": "FROM gcr.io/distroless/python3-debian13\nCOPY hello.py /app/\nCMD [\"hello.py\"]\n"})
	eng := &cacheEngine{
		missing: []string{"sh"},
		answers: map[string]engine.RunResult{
			"":                    {Output: "hello\n"},
			"-m pip":              {Output: "/usr/bin/python3.13: No module named pip\n", ExitCode: 1},
			"/busybox/sh -c ls /": {Output: "app\nbin\n"},
		},
	}
	var stages []lab.Phase
	res, err := lab.Run(context.Background(), eng, l.Strategies[0], lab.Options{Namespace: "t"}, lab.Hooks{Phase: func(s lab.Phase) { stages = append(stages, s) }})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Passed {
		t.Error("not passed")
	}
	want := []lab.CheckResult{
		{
			Title: "No shell", Command: `docker run --rm --entrypoint sh docktutor/t/demo:distroless -c 'echo it'\''s me'`,
			Output: `exec: "sh": executable file not found in $PATH`, NotStarted: true, Failed: true, Passed: true,
		},
		{
			Title: "No pip", Command: "docker run --rm docktutor/t/demo:distroless -m pip",
			Output: "/usr/bin/python3.13: No module named pip\n", ExitCode: 1, Failed: true, Passed: true,
		},
		{
			Title: "Debug shell", Command: "docker run --rm --entrypoint /busybox/sh docktutor/t/demo:distroless -c 'ls /'",
			Output: "app\nbin\n", Passed: true,
		},
	}
	if !reflect.DeepEqual(res.Checks, want) {
		t.Errorf("checks:\n got %+v\nwant %+v", res.Checks, want)
	}
	if want := []lab.Phase{lab.PhaseBuild, lab.PhaseInspect, lab.PhaseRun, lab.PhaseCheck}; !slices.Equal(stages, want) {
		t.Errorf("stages %v, want %v", stages, want)
	}
	if got := eng.runs[1]; !slices.Equal(got.Entrypoint, []string{"sh"}) || got.Labels[engine.LabelStrategy] != "distroless" {
		t.Errorf("the first check ran %+v", got)
	}

	// A check that should fail but works, and one whose output lacks the text: both reported,
	// the run fails, and every check still has its result.
	eng.missing = nil
	eng.answers["sh -c echo it's me"] = engine.RunResult{Output: "it's me\n"}
	eng.answers["/busybox/sh -c ls /"] = engine.RunResult{Output: "bin\n"}
	res, err = lab.Run(context.Background(), eng, l.Strategies[0], lab.Options{}, lab.Hooks{})
	if err == nil || res.Passed {
		t.Fatalf("passed with a shell in a distroless image (err %v)", err)
	}
	for _, w := range []string{`check "No shell": docker run --rm --entrypoint sh docktutor/demo:distroless -c 'echo it'\''s me' should fail but worked`, `check "Debug shell": output of`, `does not contain "app"`} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
	if len(res.Checks) != 3 || res.Checks[1].Passed != true || res.Error == "" {
		t.Errorf("checks %+v, error %q", res.Checks, res.Error)
	}
}

func TestRunExpectExit(t *testing.T) {
	l := load(t, `strategies:
  - id: broken
    title: Broken
    app: py
    dockerfile: b.Dockerfile
    explain: x
    expect: "ModuleNotFoundError: No module named 'banner'"
    expect_exit: 1
  - id: works
    title: Works
    app: py
    dockerfile: b.Dockerfile
    explain: x
    expect: hello
`, map[string]string{"b.Dockerfile": "FROM python:3.13-slim\nCOPY hello.py /app/\n"})
	tests := []struct {
		name     string
		strategy int
		run      engine.RunResult
		wantErr  string
	}{
		{"broken fails as promised", 0, engine.RunResult{Output: "Traceback…\nModuleNotFoundError: No module named 'banner'\n", ExitCode: 1}, ""},
		{"broken works", 0, engine.RunResult{Output: "hello\n"}, "exited with code 0, the lesson expects 1: hello"},
		{"broken fails otherwise", 0, engine.RunResult{Output: "SyntaxError\n", ExitCode: 1}, `does not contain "ModuleNotFoundError`},
		{"works", 1, engine.RunResult{Output: "hello\n"}, ""},
		{"works fails", 1, engine.RunResult{Output: "boom\n", ExitCode: 2}, "exited with code 2: boom"},
		{"works hangs", 1, engine.RunResult{Output: "hello\n", ExitCode: 137, TimedOut: true}, "still running after 30s"},
		// The output is untrusted and the error is printed as it is: the clipboard write and the
		// screen clear must not reach it.
		{"works fails with escapes", 1, engine.RunResult{Output: "hello\n\x1b]52;c;ZWNobyBvd25lZA==\x07\x1b[2J\x1b[31mgone\x1b[0m\n", ExitCode: 1}, "exited with code 1: gone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := &cacheEngine{answers: map[string]engine.RunResult{"": tt.run}}
			res, err := lab.Run(context.Background(), eng, l.Strategies[tt.strategy], lab.Options{}, lab.Hooks{})
			if tt.wantErr == "" {
				if err != nil || !res.Passed || res.ExitCode != tt.run.ExitCode {
					t.Fatalf("err %v, passed %v, exit %d", err, res.Passed, res.ExitCode)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || res.Passed || res.Error != err.Error() {
				t.Fatalf("err %v (want %q), passed %v, Error %q", err, tt.wantErr, res.Passed, res.Error)
			}
			if strings.ContainsAny(err.Error(), "\x1b\x07") {
				t.Errorf("the error carries the output's escapes: %q", err)
			}
		})
	}
}

// TestRunEditRebuild is the cache lesson in miniature: the edit re-runs the install in the bad
// order and reuses it in the good one.
func TestRunEditRebuild(t *testing.T) {
	l := load(t, `strategies:
  - id: bad
    title: Bad
    app: py
    dockerfile: bad.Dockerfile
    explain: x
    expect: hello
    edit: {file: hello.py, append: "print('edited at {time}')"}
  - id: good
    title: Good
    app: py
    dockerfile: good.Dockerfile
    explain: x
    expect: hello
    edit: {file: hello.py, append: "print('edited at {time}')"}
`, map[string]string{
		"bad.Dockerfile":  "FROM python:3.13-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"hello.py\"]\n",
		"good.Dockerfile": "FROM python:3.13-slim\nWORKDIR /app\nCOPY requirements.txt ./\nCOPY wheels/ ./wheels/\nRUN pip install -r requirements.txt\nCOPY hello.py ./\nCMD [\"python\", \"hello.py\"]\n",
	})
	eng := &cacheEngine{answers: map[string]engine.RunResult{"": {Output: "hello\n"}}}
	tests := []struct {
		strategy string
		reran    []string // steps of the rebuild that ran again, in order
	}{
		{"bad", []string{"COPY . .", "RUN pip install -r requirements.txt", `CMD ["python", "hello.py"]`}},
		{"good", []string{"COPY hello.py ./", `CMD ["python", "hello.py"]`}},
	}
	for _, tt := range tests {
		t.Run(tt.strategy, func(t *testing.T) {
			s, _ := l.Strategy(tt.strategy)
			var stages []lab.Phase
			var events int
			// Twice: the second time, the first build is all cached and the edit still changes
			// the file (the time in it), so the rebuild still shows the cache at work.
			for round := 1; round <= 2; round++ {
				time.Sleep(2 * time.Millisecond) // the edit's time has millisecond precision
				stages, events = nil, 0
				res, err := lab.Run(context.Background(), eng, s, lab.Options{Namespace: "t"}, lab.Hooks{
					Phase: func(st lab.Phase) { stages = append(stages, st) },
					Event: func(engine.Event) { events++ },
				})
				if err != nil {
					t.Fatal(err)
				}
				if res.Rebuild == nil {
					t.Fatal("no rebuild")
				}
				rb := res.Rebuild
				if rb.Image != "docktutor/t/demo:"+tt.strategy+"-edit" || !rb.Passed {
					t.Errorf("rebuild tagged %s, passed %v", rb.Image, rb.Passed)
				}
				var reran []string
				for _, st := range rb.StepResults {
					if !st.Cached && !strings.HasPrefix(st.Name, "FROM") {
						reran = append(reran, st.Name)
					}
				}
				if !slices.Equal(reran, tt.reran) {
					t.Errorf("round %d: rebuild re-ran %q, want %q", round, reran, tt.reran)
				}
				if round == 2 && res.CachedSteps != res.Steps-1 {
					t.Errorf("round 2: first build has %d of %d steps cached, want all but FROM", res.CachedSteps, res.Steps)
				}
			}
			if want := []lab.Phase{lab.PhaseBuild, lab.PhaseInspect, lab.PhaseRun, lab.PhaseRebuild, lab.PhaseInspect, lab.PhaseRun}; !slices.Equal(stages, want) {
				t.Errorf("stages %v, want %v", stages, want)
			}
			if events == 0 {
				t.Error("no build events reported")
			}
		})
	}
	// The rebuild built the edited file: the last build's context has the edit in it.
	last := eng.builds[len(eng.builds)-1]
	data, _ := fs.ReadFile(last.Context, "hello.py")
	if !strings.HasPrefix(string(data), "print('hello')\nprint('edited at ") {
		t.Errorf("rebuilt hello.py = %q", data)
	}
}

func TestStepResults(t *testing.T) {
	l := load(t, `strategies:
  - id: two
    title: Two stages
    app: py
    dockerfile: two.Dockerfile
    explain: x
    expect: hello
`, map[string]string{"two.Dockerfile": "FROM python:3.13 AS build\nCOPY hello.py /\nFROM python:3.13-slim\nCOPY --from=build /hello.py /\n"})
	eng := &cacheEngine{answers: map[string]engine.RunResult{"": {Output: "hello\n"}}}
	res, err := lab.Run(context.Background(), eng, l.Strategies[0], lab.Options{}, lab.Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	want := []lab.StepResult{
		{Name: "FROM python:3.13 AS build", Stage: "build", Duration: 2 * time.Second},
		{Name: "COPY hello.py /", Stage: "build", Duration: 2 * time.Second},
		{Name: "FROM python:3.13-slim", Stage: "stage-1", Duration: 2 * time.Second},
		{Name: "COPY --from=build /hello.py /", Stage: "stage-1", Duration: 2 * time.Second},
	}
	if !reflect.DeepEqual(res.StepResults, want) {
		t.Errorf("steps:\n got %+v\nwant %+v", res.StepResults, want)
	}

}

func TestResultJSON(t *testing.T) {
	r := lab.Result{
		Strategy: "good", Steps: 2, CachedSteps: 1,
		StepResults: []lab.StepResult{{Name: "RUN pip install", Stage: "build", Cached: true, Duration: 1500 * time.Millisecond}},
		Checks:      []lab.CheckResult{{Title: "No shell", Failed: true, Passed: true, NotStarted: true}},
		Rebuild:     &lab.Result{Strategy: "good", Steps: 2},
	}
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`"steps":2`, `"cached_steps":1`, `"step_results":[{"name":"RUN pip install","stage":"build","cached":true,"seconds":1.5}]`, `"checks":[{"title":"No shell"`, `"not_started":true`, `"rebuild":{"strategy":"good"`} {
		if !strings.Contains(string(data), w) {
			t.Errorf("JSON %s lacks %s", data, w)
		}
	}
	var back lab.Result
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	back.Finished, back.Rebuild.Finished = r.Finished, r.Rebuild.Finished
	if !reflect.DeepEqual(back, r) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, r)
	}
}

func TestDockerRun(t *testing.T) {
	tests := []struct {
		entrypoint, args []string
		want             string
	}{
		{nil, nil, "docker run --rm img"},
		{nil, []string{"-selftest"}, "docker run --rm img -selftest"},
		{[]string{"sh"}, nil, "docker run --rm --entrypoint sh img"},
		{[]string{"/busybox/sh", "-c"}, []string{"ls -l /app"}, "docker run --rm --entrypoint /busybox/sh img -c 'ls -l /app'"},
		{nil, []string{"-c", `print("it's")`}, `docker run --rm img -c 'print("it'\''s")'`},
		{nil, []string{""}, "docker run --rm img ''"},
	}
	for _, tt := range tests {
		if got := lab.DockerRun("img", tt.entrypoint, tt.args); got != tt.want {
			t.Errorf("DockerRun(%q, %q) = %s, want %s", tt.entrypoint, tt.args, got, tt.want)
		}
	}
}

func TestRunBuildFailureKeepsSteps(t *testing.T) {
	l := load(t, `strategies:
  - id: a
    title: A
    app: py
    dockerfile: a.Dockerfile
    explain: x
    expect: hello
`, map[string]string{"a.Dockerfile": "FROM python:3.13\n"})
	eng := failingEngine{cacheEngine: &cacheEngine{}}
	res, err := lab.Run(context.Background(), eng, l.Strategies[0], lab.Options{}, lab.Hooks{})
	if err == nil || res.Passed || len(res.StepResults) != 1 || res.StepResults[0].Name != "FROM python:3.13" {
		t.Fatalf("err %v, steps %+v", err, res.StepResults)
	}
}

// failingEngine builds (reporting its steps) and then fails.
type failingEngine struct{ *cacheEngine }

func (e failingEngine) Build(ctx context.Context, req engine.BuildRequest, emit func(engine.Event)) (engine.BuildResult, error) {
	res, _ := e.cacheEngine.Build(ctx, req, emit)
	return res, errors.New("boom")
}

// TestStageImages: the stage images a build leaves reach the result, the rebuild's with the
// first build's, and a failed build's too: every one of them is left on the daemon.
func TestStageImages(t *testing.T) {
	l := load(t, `strategies:
  - id: edited
    title: Edited
    app: py
    dockerfile: e.Dockerfile
    explain: x
    expect: hello
    edit: {file: hello.py, append: "print('edited')"}
`, map[string]string{"e.Dockerfile": "FROM python:3.13 AS build\nCOPY hello.py /\nFROM python:3.13-slim\nCOPY --from=build /hello.py /\n"})
	eng := stagesEngine{cacheEngine: &cacheEngine{answers: map[string]engine.RunResult{"": {Output: "hello\n"}}}}
	res, err := lab.Run(context.Background(), eng, l.Strategies[0], lab.Options{}, lab.Hooks{})
	if want := []string{"sha256:stage-of-build-1", "sha256:stage-of-build-2"}; err != nil || !slices.Equal(res.StageImages, want) {
		t.Errorf("stage images %q (err %v), want %q", res.StageImages, err, want)
	}
	eng.fail = errors.New("boom")
	res, err = lab.Run(context.Background(), eng, l.Strategies[0], lab.Options{}, lab.Hooks{})
	if want := []string{"sha256:stage-of-build-3"}; err == nil || !slices.Equal(res.StageImages, want) {
		t.Errorf("failed build: stage images %q (err %v), want %q", res.StageImages, err, want)
	}
}

// stagesEngine's builds each leave one stage image, then fail with fail, if set.
type stagesEngine struct {
	*cacheEngine
	fail error
}

func (e stagesEngine) Build(ctx context.Context, req engine.BuildRequest, emit func(engine.Event)) (engine.BuildResult, error) {
	res, err := e.cacheEngine.Build(ctx, req, emit)
	res.StageImages = []string{fmt.Sprintf("sha256:stage-of-build-%d", len(e.builds))}
	if e.fail != nil {
		err = e.fail
	}
	return res, err
}

// TestStrategyBuilder: a strategy that needs BuildKit (a cache mount) is built with it when the
// caller leaves the builder to the daemon, and with whatever the caller names otherwise.
func TestStrategyBuilder(t *testing.T) {
	l := load(t, `strategies:
  - id: mount
    title: Mount
    app: py
    dockerfile: b.Dockerfile
    explain: x
    expect: hello
    builder: buildkit
  - id: any
    title: Any
    app: py
    dockerfile: b.Dockerfile
    explain: x
    expect: hello
`, map[string]string{"b.Dockerfile": "FROM python:3.13-slim\nCOPY hello.py /app/\n"})
	tests := []struct {
		strategy int
		asked    engine.Builder
		want     engine.Builder
	}{
		{0, "", engine.BuilderBuildKit},
		{0, engine.BuilderAuto, engine.BuilderBuildKit},
		{0, engine.BuilderLegacy, engine.BuilderLegacy},
		{1, engine.BuilderAuto, engine.BuilderAuto},
		{1, engine.BuilderLegacy, engine.BuilderLegacy},
	}
	for _, tt := range tests {
		eng := &cacheEngine{answers: map[string]engine.RunResult{"": {Output: "hello\n"}}}
		s := l.Strategies[tt.strategy]
		if _, err := lab.Run(context.Background(), eng, s, lab.Options{Builder: tt.asked}, lab.Hooks{}); err != nil {
			t.Fatal(err)
		}
		if got := eng.builds[0].Builder; got != tt.want {
			t.Errorf("%s asked with %q: built with %q, want %q", s.ID, tt.asked, got, tt.want)
		}
	}
}
