package lab_test

import (
	"context"
	"errors"
	"testing"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/lab"
)

// brokenEngine fails one call the way the real engine does: with what only it knows (the failing
// step, the daemon's reason), never the image reference it was handed.
type brokenEngine struct {
	*cacheEngine
	build, inspect, run error
	timedOut            bool
}

func (e brokenEngine) Build(ctx context.Context, req engine.BuildRequest, emit func(engine.Event)) (engine.BuildResult, error) {
	res, err := e.cacheEngine.Build(ctx, req, emit)
	if e.build != nil {
		return res, e.build
	}
	return res, err
}

func (e brokenEngine) Inspect(ctx context.Context, ref string) (engine.ImageInfo, error) {
	if e.inspect != nil {
		return engine.ImageInfo{}, e.inspect
	}
	return e.cacheEngine.Inspect(ctx, ref)
}

func (e brokenEngine) Run(ctx context.Context, req engine.RunRequest) (engine.RunResult, error) {
	res, err := e.cacheEngine.Run(ctx, req)
	switch {
	case e.run != nil:
		return engine.RunResult{}, e.run
	case e.timedOut:
		return engine.RunResult{TimedOut: true, ExitCode: 137}, nil
	}
	return res, err
}

// TestErrorsSayEachThingOnce: every layer adds to an error only what it alone knows. The engine
// says what failed (the step, the daemon's reason); lab says once which strategy's build, or
// which image's run or inspection, it was.
func TestErrorsSayEachThingOnce(t *testing.T) {
	l := load(t, `strategies:
  - id: py-normal
    title: Normal
    app: py
    dockerfile: n.Dockerfile
    explain: x
    expect: hello
`, map[string]string{"n.Dockerfile": "FROM python:3.13\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n"})
	buildErr := &engine.BuildError{
		Step: 3, Name: "RUN pip install -r /app/requirements.txt",
		Msg:    "The command '/bin/sh -c pip install -r /app/requirements.txt' returned a non-zero code: 1",
		Output: []string{"ERROR: No matching distribution found for banner==1.0"},
	}
	daemonGone := &engine.DaemonError{Hint: "Docker is not running at unix:///var/run/docker.sock — start it"}
	tests := []struct {
		name string
		eng  brokenEngine
		want string
	}{
		{"build", brokenEngine{build: buildErr},
			`build py-normal: RUN pip install -r /app/requirements.txt: The command '/bin/sh -c pip install -r /app/requirements.txt' returned a non-zero code: 1 (last output: "ERROR: No matching distribution found for banner==1.0")`},
		{"inspect", brokenEngine{inspect: errors.New("No such image: sha256:0123")},
			"inspect docktutor/demo:py-normal: No such image: sha256:0123"},
		{"run cannot start", brokenEngine{run: &engine.StartError{Image: "sha256:0123", Reason: `exec: "python": executable file not found in $PATH`}},
			`run docktutor/demo:py-normal: cannot start the container: exec: "python": executable file not found in $PATH`},
		{"run without a daemon", brokenEngine{run: daemonGone},
			"run docktutor/demo:py-normal: Docker is not running at unix:///var/run/docker.sock — start it"},
		// A strategy without a timeout of its own runs with the engine's default, and says so.
		{"run timed out", brokenEngine{timedOut: true},
			"run docktutor/demo:py-normal: still running after 30s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := *l.Strategies[0]
			s.Timeout = 0
			tt.eng.cacheEngine = &cacheEngine{answers: map[string]engine.RunResult{"": {Output: "hello\n"}}}
			res, err := lab.Run(context.Background(), tt.eng, &s, lab.Options{}, lab.Hooks{})
			if err == nil || err.Error() != tt.want || res.Error != tt.want {
				t.Errorf("error\n got %v\nwant %s", err, tt.want)
			}
			for _, r := range tt.eng.runs {
				if r.Timeout != 0 {
					t.Errorf("run with timeout %s, want 0 (the engine's default)", r.Timeout)
				}
			}
		})
	}
}
