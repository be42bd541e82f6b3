package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docktutor/docktutor/internal/dockertest"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/progress"
)

// TestCleanRemovesStageImages (bug 5): the legacy builder leaves the build stages of a
// multi-stage build as untagged images without docktutor's label. `docktutor build` records
// the ones its build made, and `docktutor clean` removes them, counting their space, and forgets
// them. A stage that came whole from the cache of the learner's own build is the learner's: it
// is neither recorded nor removed. On a daemon of its own, like TestCleanRealDaemon, with the
// XDG folders of its own.
func TestCleanRemovesStageImages(t *testing.T) {
	d := dockertest.Start(t)
	d.Load(t, "alpine:3.22")
	t.Setenv("DOCKER_HOST", d.Host)
	cacheHome := t.TempDir()
	t.Setenv(progress.EnvStateDir, "")
	t.Setenv(progress.EnvCacheDir, "")
	t.Setenv("XDG_CACHE_HOME", cacheHome)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv(envNamespace, "")
	marker := strconv.FormatInt(time.Now().UnixNano(), 36)

	shared := "FROM alpine:3.22 AS build\nRUN echo shared-" + marker + " > /shared\n"
	// The learner's own build, first: its stage "build" is the same as docktutor's, its last
	// stage is not (docktutor's would reuse it from the cache otherwise, as a parent of its
	// image, which goes with the image).
	d.DockerIn(t, shared+"FROM alpine:3.22\nCOPY --from=build /shared /learners-copy\n", "build", "-q", "-")
	untagged := func() []string { // sorted: images made in the same second list in any order
		ids := strings.Fields(d.Docker(t, "images", "-q", "--no-trunc", "--filter", "dangling=true"))
		slices.Sort(ids)
		return ids
	}
	learners := untagged()
	if len(learners) != 2 {
		t.Fatalf("the learner's build left %d untagged images, want 2 (its stage and its image)", len(learners))
	}

	dir := oneLesson(t, "stages", shared+
		"FROM alpine:3.22 AS extra\nRUN echo own-"+marker+" > /own\n"+
		"FROM alpine:3.22\nCOPY --from=build /shared /shared\nCOPY --from=extra /own /own\nCMD [\"cat\", \"/own\"]\n",
		"own-"+marker)
	out, stderr, code := runWith(t, connectEngine, "--lessons", dir, "build", "stages", "--builder", "legacy", "-q")
	if code != 0 {
		t.Fatalf("docktutor build: exit %d\n%s%s", code, out, stderr)
	}
	made := slices.DeleteFunc(untagged(), func(id string) bool { return slices.Contains(learners, id) })
	if len(made) != 1 {
		t.Fatalf("docktutor's build left %d new untagged images %q, want 1 (stage extra)", len(made), made)
	}
	results := func() *progress.ResultsCache {
		rc, _, err := progress.OpenResults(filepath.Join(cacheHome, "docktutor"))
		if err != nil {
			t.Fatal(err)
		}
		return rc
	}
	if got := results().StageImages(); !slices.Equal(got, made) {
		t.Errorf("recorded stage images %q, want %q (only the stage docktutor's build made)", got, made)
	}

	const would = "Would remove 1 stage image of docktutor's builds ("
	out, stderr, code = runWith(t, connectEngine, "clean", "--dry-run")
	t.Logf("docktutor clean --dry-run:\n%s", out)
	if code != 0 || !strings.Contains(out, would) || !strings.Contains(out, "Left alone: 2 untagged images") {
		t.Errorf("dry run: exit %d\n%s%s", code, out, stderr)
	}
	jsonOut, _, _ := runWith(t, connectEngine, "clean", "--dry-run", "--json")
	var rep cleanReport
	if err := json.Unmarshal([]byte(jsonOut), &rep); err != nil {
		t.Fatalf("--json: %v\n%s", err, jsonOut)
	}
	if len(rep.StageImages) != 1 || rep.StageImages[0].ID != made[0] || rep.StageImages[0].FreedBytes <= 0 ||
		rep.FreedBytes < rep.StageImages[0].FreedBytes || rep.UntaggedImages != 2 {
		t.Errorf("dry run report: %+v", rep)
	}

	// A container of the learner's uses the stage image: the daemon refuses, clean says so and
	// keeps the ID for the next time, without failing.
	d.Docker(t, "create", "--name", "uses-the-stage", made[0], "true")
	out, stderr, code = runWith(t, connectEngine, "clean")
	t.Logf("docktutor clean, the stage image in use:\n%s", out)
	if code != 0 || !strings.Contains(out, "Left in place: 1 stage image of docktutor's builds:") || !strings.Contains(out, stageInUse) {
		t.Errorf("clean: exit %d\n%s%s", code, out, stderr)
	}
	if got := results().StageImages(); !slices.Equal(got, made) {
		t.Errorf("recorded after the refusal: %q, want %q", got, made)
	}
	if tags := d.Docker(t, "images", "--format", "{{.Repository}}", "docktutor/stages"); tags != "" {
		t.Errorf("docktutor's image is still there: %s", tags)
	}

	d.Docker(t, "rm", "uses-the-stage")
	out, stderr, code = runWith(t, connectEngine, "clean")
	t.Logf("docktutor clean:\n%s", out)
	if code != 0 || !strings.Contains(out, "Removed 1 stage image of docktutor's builds (") {
		t.Errorf("clean: exit %d\n%s%s", code, out, stderr)
	}
	if left := untagged(); !slices.Equal(left, learners) {
		t.Errorf("untagged images after clean: %q, want the learner's %q", left, learners)
	}
	if got := results().StageImages(); len(got) != 0 {
		t.Errorf("stage images still recorded after clean: %q", got)
	}
}

// TestCleanStageImagesWithFake: of the recorded stage images, the untagged ones are listed and
// their space counted; one in use stays recorded without failing clean, a failure fails it, and
// the ones gone are forgotten.
func TestCleanStageImagesWithFake(t *testing.T) {
	isolateFiles(t)
	seed, _, err := progress.OpenResults(os.Getenv(progress.EnvCacheDir))
	if err != nil {
		t.Fatal(err)
	}
	// u1 and u2 are untagged (see newFakeCleaner), gone is not there any more.
	seed.AddStageImages("sha256:u1", "sha256:u2", "sha256:gone")
	if err := seed.Save(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		fail     map[string]error
		code     int
		text     []string
		recorded []string
	}{
		{"dry run", []string{"--dry-run"}, nil, 0, []string{"Would remove 2 stage images of docktutor's builds (123.0MB).",
			"Would free at least 150.0MB", "Left alone: 1 untagged image without docktutor's label"},
			[]string{"sha256:u1", "sha256:u2", "sha256:gone"}},
		{"one in use, one failing", nil, map[string]error{
			"sha256:u1": fmt.Errorf("remove stage image u1: %w (conflict)", engine.ErrImageInUse),
			"sha256:u2": errors.New("remove stage image u2: the daemon broke"),
		}, 1, []string{"Left in place: 1 stage image of docktutor's builds:\n  <untagged> u1", stageInUse,
			"Could not remove:\n  <untagged> u2", "the daemon broke", "Freed at least 27.0MB"},
			[]string{"sha256:u1", "sha256:u2"}},
		{"clean", nil, nil, 0, []string{"Removed 2 stage images of docktutor's builds (123.0MB)."}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanFake(t, tt.fail, tt.code, tt.text, tt.args...)
			rc, _, _ := progress.OpenResults(os.Getenv(progress.EnvCacheDir))
			if got := rc.StageImages(); !slices.Equal(got, tt.recorded) {
				t.Errorf("recorded after clean: %q, want %q", got, tt.recorded)
			}
		})
	}
}
