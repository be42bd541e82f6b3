package lab_test

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/docktutor/docktutor/internal/dockertest"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/lessons"
)

// onDaemon prepares a test that builds real images: skipped with -short, it needs the daemon
// (dockertest.Connect) and the built-in course.
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

// TestMultistageLessonOnDaemon builds all six strategies of the multistage lesson with both
// builders and checks what the lesson claims: every container prints what it should, the sizes
// keep their order, a rebuild comes from the cache, and every image carries docktutor's labels.
func TestMultistageLessonOnDaemon(t *testing.T) {
	eng, course := onDaemon(t)
	l, _ := course.Find("multistage")
	for _, builder := range []engine.Builder{engine.BuilderLegacy, engine.BuilderBuildKit} {
		t.Run(string(builder), func(t *testing.T) {
			ns := "test-" + string(builder)
			opts := lab.Options{Builder: builder, Namespace: ns}
			t.Cleanup(func() { removeNamespace(t, ns) })
			sizes := map[string]int64{}
			for _, s := range l.Strategies {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
				res, err := lab.Run(ctx, eng, s, opts, lab.Hooks{})
				cancel()
				removeStageImages(t, eng, res)
				if err != nil {
					t.Fatalf("%s: %v\noutput: %s", s.ID, err, res.RunOutput)
				}
				if !res.Passed || !strings.Contains(res.RunOutput, s.Expect) {
					t.Errorf("%s: output %q lacks %q", s.ID, res.RunOutput, s.Expect)
				}
				if res.Builder != string(builder) {
					t.Errorf("%s: built with %s, want %s", s.ID, res.Builder, builder)
				}
				if got := dockerInspect(t, res.Image, "{{.Size}}"); got != fmt.Sprint(res.SizeBytes) {
					t.Errorf("%s: size %d, docker image inspect says %s", s.ID, res.SizeBytes, got)
				}
				labels := dockerInspect(t, res.Image, `{{index .Config.Labels "io.docktutor.lesson"}}/{{index .Config.Labels "io.docktutor.strategy"}}/{{index .Config.Labels "io.docktutor.managed"}}`)
				if want := "multistage/" + s.ID + "/true"; labels != want {
					t.Errorf("%s: labels %q, want %q", s.ID, labels, want)
				}
				if res.Layers < 1 || res.Steps < 1 {
					t.Errorf("%s: %d layers, %d steps", s.ID, res.Layers, res.Steps)
				}
				sizes[s.ID] = res.SizeBytes
			}
			order := func(bigger, smaller string, orEqual bool) {
				if sizes[bigger] < sizes[smaller] || (!orEqual && sizes[bigger] == sizes[smaller]) {
					t.Errorf("%s (%d bytes) should be larger than %s (%d bytes)", bigger, sizes[bigger], smaller, sizes[smaller])
				}
			}
			order("python-normal", "python-multistage", false)
			order("python-multistage", "python-distroless", false)
			order("go-single", "go-multistage", false)
			order("go-multistage", "go-distroless", true)

			// A second build of an unchanged strategy is served from the cache.
			s, _ := l.Strategy("go-multistage")
			res, err := lab.Run(context.Background(), eng, s, opts, lab.Hooks{})
			if err != nil {
				t.Fatal(err)
			}
			if res.CachedSteps == 0 {
				t.Errorf("rebuild of go-multistage reports no cached steps (%d steps)", res.Steps)
			}
		})
	}
	// No container docktutor ran is left behind.
	out, err := exec.Command("docker", "ps", "-aq", "--filter", "label=io.docktutor.lesson=multistage").Output()
	if err != nil {
		t.Fatal(err)
	}
	if s := strings.TrimSpace(string(out)); s != "" {
		t.Errorf("containers left behind: %s", s)
	}
}

func dockerInspect(t *testing.T, ref, format string) string {
	t.Helper()
	out, err := exec.Command("docker", "image", "inspect", "--format", format, ref).Output()
	if err != nil {
		t.Fatalf("docker image inspect %s: %v", ref, err)
	}
	return strings.TrimSpace(string(out))
}

// removeStageImages removes the stage images a run left when the test ends. Tests end their
// clean-ups latest first, as stage images must go: a stage built FROM an earlier one holds it.
// One that the strategy's image is built on goes with that image (removeNamespace).
func removeStageImages(t *testing.T, eng engine.Engine, res lab.Result) {
	c, ok := eng.(interface {
		RemoveStageImage(ctx context.Context, id string) error
	})
	if !ok {
		return
	}
	t.Cleanup(func() {
		for _, id := range slices.Backward(res.StageImages) {
			if err := c.RemoveStageImage(context.Background(), id); err != nil && !errors.Is(err, engine.ErrImageInUse) {
				t.Errorf("clean up: %v", err)
			}
		}
	})
}

// removeNamespace deletes the images a test created under docktutor/<ns>/.
func removeNamespace(t *testing.T, ns string) {
	out, err := exec.Command("docker", "images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", "label=io.docktutor.managed=true").Output()
	if err != nil {
		t.Logf("list images: %v", err)
		return
	}
	for _, ref := range strings.Fields(string(out)) {
		if strings.HasPrefix(ref, "docktutor/"+ns+"/") {
			exec.Command("docker", "rmi", ref).Run()
		}
	}
}
