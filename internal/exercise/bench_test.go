package exercise_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/docktutor/docktutor/internal/dockertest"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/exercise"
	"github.com/docktutor/docktutor/internal/lesson"
)

// benchDockerfile makes a 900 MB image (python:3.13) with a shell, a compiler and package
// managers: the case where an export-based check would be slowest, and every path goal
// fails at its first find.
const benchDockerfile = "FROM python:3.13\nWORKDIR /app\nCOPY hello.py .\nCMD [\"python\", \"hello.py\"]\n"

// benchExercise has one goal of each cheap kind, eight in all.
func benchExercise() *lesson.Exercise {
	return &lesson.Exercise{
		ID: "bench-verdicts", LessonID: "bench",
		Files: fstest.MapFS{"hello.py": {Data: []byte("print('Hello from hello.py')\n")}},
		Goals: []lesson.Goal{
			{ID: "runs", Title: "runs", Check: lesson.CheckRuns, Run: &lesson.RunCheck{Expect: "Hello"}},
			{ID: "size", Title: "size", Check: lesson.CheckSizeMax, SizeMax: 25e6},
			{ID: "layers", Title: "layers", Check: lesson.CheckLayersMax, LayersMax: 3},
			{ID: "shell", Title: "shell", Check: lesson.CheckNoShell},
			{ID: "compiler", Title: "compiler", Check: lesson.CheckNoCompiler},
			{ID: "pm", Title: "package manager", Check: lesson.CheckNoPackageManager},
			{ID: "user", Title: "user", Check: lesson.CheckUserNotRoot},
			{ID: "absent", Title: "absent", Check: lesson.CheckAbsent, Paths: []string{"/usr/bin/gcc", "/root/.cache"}},
		},
	}
}

// BenchmarkVerdictsCached times exercise.Check on a fully cached build of a 900 MB image: the
// build (all steps from the cache), the inspect, the probe's path goals and the run.
func BenchmarkVerdictsCached(b *testing.B) {
	eng := dockertest.Connect(b, engine.New)
	dockertest.NeedImage(b, eng.Inspect, "python:3.13")
	ex := benchExercise()
	opts := exercise.Options{Namespace: "bench-exercises"}
	b.Cleanup(func() { _ = eng.Remove(context.Background(), exercise.Tag(opts.Namespace, ex.ID)) })
	ctx := context.Background()
	if _, err := exercise.Check(ctx, eng, ex, []byte(benchDockerfile), opts, exercise.Hooks{}); err != nil {
		b.Fatal(err)
	}
	var slowest, image time.Duration
	for b.Loop() {
		start := time.Now()
		// image: when the last verdict that needs no container run is known.
		hooks := exercise.Hooks{Goal: func(v exercise.Verdict) {
			if v.ID != "runs" {
				image = max(image, time.Since(start))
			}
		}}
		rep, err := exercise.Check(ctx, eng, ex, []byte(benchDockerfile), opts, hooks)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Passed || len(rep.Goals) != 8 {
			b.Fatalf("report %+v", rep)
		}
		slowest = max(slowest, time.Since(start))
	}
	b.ReportMetric(slowest.Seconds(), "slowest-s")
	b.ReportMetric(image.Seconds(), "image-verdicts-slowest-s")
}

// BenchmarkDockerCLICached is what a script-based checker does for the same eight goals:
// `docker build` (cached) and one `docker run` per goal.
func BenchmarkDockerCLICached(b *testing.B) {
	if _, err := exec.LookPath("docker"); err != nil {
		b.Skip("no docker CLI")
	}
	dir := b.TempDir()
	for name, data := range map[string]string{"Dockerfile": benchDockerfile, "hello.py": "print('Hello from hello.py')\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	const tag = "docktutor/bench-exercises/cli:bench"
	b.Cleanup(func() { _ = exec.Command("docker", "rmi", tag).Run() })
	run := func(args ...string) {
		if out, err := exec.Command("docker", args...).CombinedOutput(); err != nil {
			b.Fatalf("docker %v: %v\n%s", args, err, out)
		}
	}
	build := []string{"build", "-q", "--label", "io.docktutor.managed=true", "-t", tag, dir}
	run(build...)
	for b.Loop() {
		run(build...)
		for range len(benchExercise().Goals) {
			run("run", "--rm", "--network", "none", "--label", "io.docktutor.managed=true", tag, "sh", "-c", "test -e /usr/bin/gcc; true")
		}
	}
}
