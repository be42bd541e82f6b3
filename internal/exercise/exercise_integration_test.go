package exercise_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/docktutor/docktutor/internal/dockertest"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/exercise"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/lessons"
)

// onDaemon connects to the shared daemon and loads the built-in course.
func onDaemon(t *testing.T) (*engine.Client, *lesson.Course) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds real images; skipped with -short")
	}
	eng := dockertest.Connect(t, engine.New)
	course, err := lesson.Load(lessons.FS)
	if err != nil {
		t.Fatal(err)
	}
	return eng, course
}

// removeNamespace removes the images the test built under docktutor/<ns>/.
func removeNamespace(t *testing.T, ns string) {
	out, err := exec.Command("docker", "images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", "label=io.docktutor.managed=true").Output()
	if err != nil {
		t.Logf("list images: %v", err)
		return
	}
	for _, ref := range strings.Fields(string(out)) {
		if strings.HasPrefix(ref, "docktutor/"+ns+"/") {
			_ = exec.Command("docker", "rmi", ref).Run()
		}
	}
}

// TestEveryExerciseOnDaemon is the exercises' CI check, like `rustlings dev check`: every
// solution meets all its goals, every starter misses at least one, on the real daemon; and no
// container is left behind.
func TestEveryExerciseOnDaemon(t *testing.T) {
	eng, course := onDaemon(t)
	const ns = "test-exercises"
	t.Cleanup(func() { removeNamespace(t, ns) })
	opts := exercise.Options{Builder: engine.BuilderAuto, Namespace: ns, Course: course}
	var images []string // the IDs of the images the checks built, whose containers must be gone
	for _, ex := range course.Exercises() {
		t.Run(ex.ID, func(t *testing.T) {
			for _, which := range []string{"solution", "starter"} {
				src := ex.Solution
				if which == "starter" {
					src = ex.Starter
				}
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
				start := time.Now()
				rep, err := exercise.Check(ctx, eng, ex, src, opts, exercise.Hooks{})
				cancel()
				if err != nil {
					t.Fatalf("%s: %v", which, err)
				}
				for _, v := range rep.Goals {
					t.Logf("%s %s: passed=%v %s", which, v.ID, v.Passed, v)
				}
				t.Logf("%s checked in %s", which, time.Since(start).Round(time.Millisecond))
				if rep.Image != "" {
					if info, err := eng.Inspect(context.Background(), rep.Image); err == nil {
						images = append(images, info.ID)
					}
				}
				if which == "solution" && !rep.Passed {
					t.Errorf("the solution does not pass: %s", rep.Error)
				}
				if which == "starter" && rep.Passed {
					t.Errorf("the starter passes every goal")
				}
			}
		})
	}
	for _, id := range images {
		out, err := exec.Command("docker", "ps", "-a", "-q", "--filter", "ancestor="+id).Output()
		if err != nil {
			t.Fatal(err)
		}
		if s := strings.TrimSpace(string(out)); s != "" {
			t.Errorf("containers of %.19s left behind: %s", id, s)
		}
	}
	if len(images) == 0 {
		t.Error("no image was built")
	}
}
