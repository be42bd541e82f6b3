package lab_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/lesson"
)

// TestEveryLessonOnDaemon builds every strategy of every lesson with the daemon's default
// builder, runs it and its checks, and holds each lesson to what its text claims: exit codes
// and output (broken recipes fail as promised), every check, the cache lesson's rebuild
// reusing the install in the good order and re-running it in the bad one, the stages each
// builder really built for the target and workflow lessons, and the size orderings the
// lessons point at.
func TestEveryLessonOnDaemon(t *testing.T) {
	eng, course := onDaemon(t)
	// Its own namespace per run: two people testing on one daemon must not remove each other's
	// images when they clean up.
	ns := fmt.Sprintf("test-lessons-%d", os.Getpid())
	t.Cleanup(func() { removeNamespace(t, ns) })
	opts := lab.Options{Builder: engine.BuilderAuto, Namespace: ns}

	results := map[string]map[string]lab.Result{}
	for _, l := range course.Lessons {
		results[l.ID] = map[string]lab.Result{}
		t.Run(l.ID, func(t *testing.T) {
			for _, s := range l.Strategies {
				res := runStrategy(t, eng, s, opts)
				results[l.ID][s.ID] = res
			}
		})
	}

	t.Run("normal/sizes", func(t *testing.T) {
		r := results["normal"]
		if r["python"].SizeBytes < 100e6 || r["go"].SizeBytes < 100e6 {
			t.Errorf("single-stage images should weigh hundreds of MB: python %d, go %d", r["python"].SizeBytes, r["go"].SizeBytes)
		}
	})
	t.Run("distroless/sizes", func(t *testing.T) {
		r := results["distroless"]
		smaller(t, r, "python-distroless", "python-slim")
		smaller(t, r, "python-distroless", "python-debug")
		smaller(t, r, "go-distroless", "go-alpine")
		smaller(t, r, "go-distroless", "go-debug")
	})
	t.Run("cache/rebuild", func(t *testing.T) {
		r := results["cache"]
		for id, wantInstallCached := range map[string]bool{"bad": false, "good": true} {
			rb := r[id].Rebuild
			if rb == nil {
				t.Fatalf("%s: no rebuild", id)
			}
			install := findStep(t, rb.StepResults, "RUN pip install")
			if install.Cached != wantInstallCached {
				t.Errorf("%s: after the edit the install step was cached=%v, want %v\nsteps: %+v", id, install.Cached, wantInstallCached, rb.StepResults)
			}
			if !strings.Contains(rb.RunOutput, "hello.py edited at ") {
				t.Errorf("%s: the rebuilt image does not run the edited hello.py: %q", id, rb.RunOutput)
			}
		}
		if copySrc := findStep(t, r["good"].Rebuild.StepResults, "COPY hello.py"); copySrc.Cached {
			t.Error("good: the edited hello.py was copied from the cache")
		}
		if copyAll := findStep(t, r["bad"].Rebuild.StepResults, "COPY . ."); copyAll.Cached {
			t.Error("bad: COPY . . of an edited folder came from the cache")
		}
	})
	t.Run("cache/go", func(t *testing.T) {
		r := results["cache"]
		for _, id := range []string{"go-modfirst", "cache-mount"} {
			rb := r[id].Rebuild
			if rb == nil {
				t.Fatalf("%s: no rebuild", id)
			}
			if s := findStep(t, rb.StepResults, "RUN go mod download"); !s.Cached {
				t.Errorf("%s: after editing main.go, go mod download ran again", id)
			}
			if s := findStep(t, rb.StepResults, "COPY main.go"); s.Cached {
				t.Errorf("%s: the edited main.go came from the cache", id)
			}
		}
		if b := r["cache-mount"].Builder; b != string(engine.BuilderBuildKit) {
			t.Errorf("cache-mount was built with %s; a cache mount needs BuildKit", b)
		}
	})
	t.Run("context/rebuild", func(t *testing.T) {
		r := results["context"]
		for id, wantCached := range map[string]bool{"no-ignore": false, "ignored": true} {
			rb := r[id].Rebuild
			if rb == nil {
				t.Fatalf("%s: no rebuild", id)
			}
			if s := findStep(t, rb.StepResults, "COPY . ."); s.Cached != wantCached {
				t.Errorf("%s: after editing README.md, COPY . . cached=%v, want %v", id, s.Cached, wantCached)
			}
			if s := findStep(t, rb.StepResults, "RUN pip install"); s.Cached != wantCached {
				t.Errorf("%s: after editing README.md, the install cached=%v, want %v", id, s.Cached, wantCached)
			}
		}
	})
	t.Run("scratch/files", func(t *testing.T) {
		checkScratch(t, results["scratch"])
	})
	t.Run("target/stages", func(t *testing.T) {
		checkTargetStages(t, results["target"])
		checkWorkflowStages(t, results["workflow"])
	})
	t.Run("qa/sizes", func(t *testing.T) {
		r := results["qa"]
		if b, s := r["builder"].SizeBytes, r["shipped"].SizeBytes; b < 10*s {
			t.Errorf("the builder (%d bytes) should be over ten times the shipped image (%d bytes)", b, s)
		}
	})

	// Every lesson builds, runs and passes its checks with the other builder too, and the stage
	// claims of the target and workflow lessons hold for it. A strategy that needs BuildKit (a
	// cache mount) is left to choose its own builder.
	other := engine.BuilderBuildKit
	if results["target"]["runtime"].Builder == string(engine.BuilderBuildKit) {
		other = engine.BuilderLegacy
	}
	t.Run("with "+string(other), func(t *testing.T) {
		for _, l := range course.Lessons {
			r := map[string]lab.Result{}
			for _, s := range l.Strategies {
				b := other
				if s.Builder != "" {
					b = engine.BuilderAuto
				}
				r[s.ID] = runStrategy(t, eng, s, lab.Options{Builder: b, Namespace: ns})
			}
			switch l.ID {
			case "target":
				checkTargetStages(t, r)
			case "workflow":
				checkWorkflowStages(t, r)
			case "scratch":
				checkScratch(t, r)
			}
		}
	})

	// No container of this test's images is left behind.
	out, err := exec.Command("docker", "ps", "-a", "--filter", "label=io.docktutor.managed=true", "--format", "{{.ID}} {{.Image}}").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if id, image, _ := strings.Cut(line, " "); strings.HasPrefix(image, "docktutor/"+ns+"/") {
			t.Errorf("container %s of %s left behind", id, image)
		}
	}
}

// runStrategy runs one strategy and checks what every strategy promises.
func runStrategy(t *testing.T, eng engine.Engine, s *lesson.Strategy, opts lab.Options) lab.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	res, err := lab.Run(ctx, eng, s, opts, lab.Hooks{})
	removeStageImages(t, eng, res)
	name := s.Lesson() + "/" + s.ID
	if err != nil {
		t.Errorf("%s (%s): %v\noutput: %s", name, res.Builder, err, res.RunOutput)
		return res
	}
	if !res.Passed || res.ExitCode != s.ExpectExit || !strings.Contains(res.RunOutput, s.Expect) {
		t.Errorf("%s: passed %v, exit %d (want %d), output %q (want %q)", name, res.Passed, res.ExitCode, s.ExpectExit, res.RunOutput, s.Expect)
	}
	if len(res.Checks) != len(s.Checks) {
		t.Errorf("%s: %d check results for %d checks", name, len(res.Checks), len(s.Checks))
	}
	for i, c := range res.Checks {
		if !c.Passed || c.Failed != s.Checks[i].ExpectFail {
			t.Errorf("%s: check %q: %+v", name, c.Title, c)
		}
	}
	if (s.Edit != nil) != (res.Rebuild != nil) {
		t.Errorf("%s: edit %v but rebuild %v", name, s.Edit, res.Rebuild)
	}
	if len(res.StepResults) != res.Steps || res.Steps == 0 {
		t.Errorf("%s: %d step results for %d steps", name, len(res.StepResults), res.Steps)
	}
	return res
}

func smaller(t *testing.T, r map[string]lab.Result, small, big string) {
	t.Helper()
	if r[small].SizeBytes >= r[big].SizeBytes {
		t.Errorf("%s (%d bytes) should be smaller than %s (%d bytes)", small, r[small].SizeBytes, big, r[big].SizeBytes)
	}
}

func findStep(t *testing.T, steps []lab.StepResult, prefix string) lab.StepResult {
	t.Helper()
	for _, s := range steps {
		if strings.HasPrefix(s.Name, prefix) {
			return s
		}
	}
	t.Fatalf("no step %q in %+v", prefix, steps)
	return lab.StepResult{}
}

// stagesRun lists the stages that had steps in a build, in order.
func stagesRun(r lab.Result) []string {
	var out []string
	for _, s := range r.StepResults {
		if s.Stage != "" && !slices.Contains(out, s.Stage) {
			out = append(out, s.Stage)
		}
	}
	return out
}

// checkTargetStages holds the target lesson's text to its builds: BuildKit builds only what
// the target needs, the legacy builder every stage up to the target.
func checkTargetStages(t *testing.T, r map[string]lab.Result) {
	t.Helper()
	want := map[string][]string{
		"build":   {"build"},
		"test":    {"build", "test"},
		"runtime": {"build", "runtime"},
	}
	if r["runtime"].Builder == string(engine.BuilderLegacy) {
		want["test"] = []string{"build", "lint", "test"}
		want["runtime"] = []string{"build", "lint", "test", "runtime"}
	}
	for id, stages := range want {
		got := stagesRun(r[id])
		slices.Sort(got)
		slices.Sort(stages)
		if !slices.Equal(got, stages) {
			t.Errorf("target/%s with %s built stages %v, want %v", id, r[id].Builder, got, stages)
		}
	}
}

// checkWorkflowStages: the runtime image copies from test, so every builder runs the tests.
func checkWorkflowStages(t *testing.T, r map[string]lab.Result) {
	t.Helper()
	got := stagesRun(r["runtime"])
	if !slices.Contains(got, "test") {
		t.Errorf("workflow/runtime with %s did not run the test stage: stages %v", r["runtime"].Builder, got)
	}
	if s := findStep(t, r["runtime"].StepResults, "RUN /out/webapp -selftest"); s.Stage != "test" {
		t.Errorf("the self-test ran in stage %q, want test", s.Stage)
	}
	if fmt.Sprint(stagesRun(r["dev"])) != "[dev]" {
		t.Errorf("workflow/dev built stages %v, want [dev]", stagesRun(r["dev"]))
	}
}

// checkScratch holds the scratch lesson to its text: on scratch alone each of the three files
// is missing, and each is there on distroless and once copied in.
func checkScratch(t *testing.T, r map[string]lab.Result) {
	t.Helper()
	fails := []string{"FAIL CA certificates: none", "FAIL time zone: unknown time zone Europe/Paris", "FAIL user 65532: open /etc/passwd"}
	works := []string{"ok   CA certificates:", "ok   time zone Europe/Paris: 12:00 UTC is 14:00 CEST", "ok   user 65532 is nonroot"}
	for _, want := range fails {
		if !strings.Contains(r["scratch"].RunOutput, want) {
			t.Errorf("scratch (%s): no %q in %q", r["scratch"].Builder, want, r["scratch"].RunOutput)
		}
	}
	for _, id := range []string{"distroless", "scratch-fixed"} {
		for _, want := range works {
			if !strings.Contains(r[id].RunOutput, want) {
				t.Errorf("%s (%s): no %q in %q", id, r[id].Builder, want, r[id].RunOutput)
			}
		}
	}
}
