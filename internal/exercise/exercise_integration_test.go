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
	started := time.Now()
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
	// Checked again and again, an exercise must not leave untagged images behind: edited
	// rebuilds and the image a rebuild replaced are removed.
	out, err := exec.Command("docker", "images", "-q", "--no-trunc", "--filter", "dangling=true", "--filter", "label="+exercise.LabelExercise).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range strings.Fields(string(out)) {
		info, err := eng.Inspect(context.Background(), id)
		if err != nil || info.Created.Before(started) {
			continue
		}
		if _, ours := course.Exercise(info.Labels[exercise.LabelExercise]); ours {
			t.Errorf("untagged image %.19s of exercise %s left behind", id, info.Labels[exercise.LabelExercise])
		}
	}
}

// TestShipThinGoAcceptsEveryBase: a goal checks what the image does and holds, not one
// spelling: the Go binary shipped on scratch, distroless/static or alpine all pass.
func TestShipThinGoAcceptsEveryBase(t *testing.T) {
	eng, course := onDaemon(t)
	const ns = "test-exercises-bases"
	t.Cleanup(func() { removeNamespace(t, ns) })
	ex, _ := course.Exercise("ship-thin-go")
	build := "FROM golang:1.27 AS build\nWORKDIR /src\nCOPY main.go ./\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/webapp main.go\n"
	for base, ship := range map[string]string{
		"scratch":    "FROM scratch\nCOPY --from=build /out/webapp /webapp\nENTRYPOINT [\"/webapp\"]\n",
		"distroless": "FROM gcr.io/distroless/static-debian13\nCOPY --from=build /out/webapp /app/webapp\nUSER nonroot\nENTRYPOINT [\"/app/webapp\"]\n",
		"alpine":     "FROM alpine:3.22\nCOPY --from=build /out/webapp /usr/local/bin/webapp\nENTRYPOINT [\"webapp\"]\n",
	} {
		t.Run(base, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			rep, err := exercise.Check(ctx, eng, ex, []byte(build+ship), exercise.Options{Namespace: ns + "-" + base, Course: course}, exercise.Hooks{})
			t.Cleanup(func() { removeNamespace(t, ns+"-"+base) })
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Passed {
				for _, v := range rep.Goals {
					t.Logf("%s: %s", v.ID, v)
				}
				t.Errorf("%s does not pass: %s", base, rep.Error)
			}
		})
	}
}
