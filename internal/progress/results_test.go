package progress

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/lab"
)

func openResults(t *testing.T, dir string) *ResultsCache {
	t.Helper()
	c, warnings, err := OpenResults(dir)
	if err != nil {
		t.Fatalf("OpenResults: %v", err)
	}
	if len(warnings) > 0 {
		t.Fatalf("OpenResults: unexpected warnings %v", warnings)
	}
	return c
}

func TestResultsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	finished := time.Date(2026, 11, 22, 14, 5, 0, 0, time.UTC)
	now := finished.Add(time.Hour)
	passed := lab.Result{
		Lesson: "multistage", Strategy: "go-multistage", Image: "docktutor/multistage:go-multistage",
		BaseImage: "golang:1.27-alpine", Builder: "buildkit", SizeBytes: 12345678, Layers: 3,
		BuildSeconds: 4.5, Steps: 9, CachedSteps: 4, RunOutput: "Hello", Passed: true, Finished: finished,
		Info: engine.ImageInfo{Size: 12345678},
	}
	tests := []struct {
		name   string
		put    lab.Result
		stored bool
		when   time.Time
	}{
		{"passed", passed, true, finished},
		{"no finish time uses now", func() lab.Result { r := passed; r.Finished = time.Time{}; return r }(), true, now},
		{"failed is not kept", func() lab.Result { r := passed; r.Passed = false; r.Error = "boom"; return r }(), false, time.Time{}},
		{"no lesson", func() lab.Result { r := passed; r.Lesson = ""; return r }(), false, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Start from a clean slate each time.
			if err := os.Remove(filepath.Join(dir, ResultsFileName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				t.Fatal(err)
			}
			c := openResults(t, dir)
			c.now = func() time.Time { return now }
			if got := c.Put(tt.put); got != tt.stored {
				t.Fatalf("Put = %v, want %v", got, tt.stored)
			}
			if err := c.Save(); err != nil {
				t.Fatal(err)
			}
			r := openResults(t, dir)
			got, ok := r.Get("multistage", "go-multistage")
			if ok != tt.stored {
				t.Fatalf("Get after restart: ok = %v, want %v", ok, tt.stored)
			}
			if !ok {
				return
			}
			want := tt.put
			want.Info = engine.ImageInfo{} // not saved
			if !got.Measured.Equal(tt.when) {
				t.Errorf("Measured = %v, want %v", got.Measured, tt.when)
			}
			if got.Result.SizeBytes != want.SizeBytes || got.Result.Image != want.Image || got.Result.Layers != want.Layers ||
				got.Result.RunOutput != want.RunOutput || !got.Result.Finished.Equal(want.Finished) {
				t.Errorf("Result = %+v, want %+v", got.Result, want)
			}
			if list := r.Lesson("multistage"); len(list) != 1 {
				t.Errorf("Lesson() = %d results, want 1", len(list))
			}
		})
	}
}

func TestResultsLatestWins(t *testing.T) {
	c := openResults(t, t.TempDir())
	for _, size := range []int64{100, 200} {
		c.Put(lab.Result{Lesson: "normal", Strategy: "py-full", SizeBytes: size, Passed: true})
	}
	c.Put(lab.Result{Lesson: "normal", Strategy: "py-full", SizeBytes: 300, Passed: false})
	if got, _ := c.Get("normal", "py-full"); got.Result.SizeBytes != 200 {
		t.Errorf("size = %d, want the last passing 200", got.Result.SizeBytes)
	}
}

func TestResultsCorruptFileIsMovedAside(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ResultsFileName)
	const broken = `{"version": 1, "results": {"multistage": {"go-multistage": {"measured": "yesterday"`
	if err := os.WriteFile(path, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	c, warnings, err := OpenResults(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || !strings.HasPrefix(warnings[0].MovedTo, path+".corrupt-") {
		t.Fatalf("warnings = %v", warnings)
	}
	if kept, _ := os.ReadFile(warnings[0].MovedTo); string(kept) != broken {
		t.Errorf("moved-aside file = %q, want the original", kept)
	}
	if _, ok := c.Get("multistage", "go-multistage"); ok {
		t.Error("cache not empty after recovery")
	}
	c.Put(lab.Result{Lesson: "multistage", Strategy: "go-multistage", Passed: true})
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if _, ok := openResults(t, dir).Get("multistage", "go-multistage"); !ok {
		t.Error("result saved after recovery was not read back")
	}
}

// TestStageImages: the stage images docktutor's builds left are recorded once each, survive a
// restart, and are forgotten once gone.
func TestStageImages(t *testing.T) {
	dir := t.TempDir()
	c := openResults(t, dir)
	c.AddStageImages("sha256:a", "sha256:b")
	c.AddStageImages("sha256:b", "", "sha256:c") // b again, and an empty ID: neither recorded twice
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	r := openResults(t, dir)
	if got, want := r.StageImages(), []string{"sha256:a", "sha256:b", "sha256:c"}; !slices.Equal(got, want) {
		t.Fatalf("after a restart: %q, want %q", got, want)
	}
	r.ForgetStageImages("sha256:b", "sha256:unknown")
	r.StageImages()[0] = "changed" // a copy: the cache's own list stays
	if err := r.Save(); err != nil {
		t.Fatal(err)
	}
	if got, want := openResults(t, dir).StageImages(), []string{"sha256:a", "sha256:c"}; !slices.Equal(got, want) {
		t.Errorf("after forgetting b: %q, want %q", got, want)
	}
}

// TestStageImagesTwoProcesses: `docktutor build` records stage images while the TUI, opened
// before, records its own and docktutor clean forgets one: every change survives every save.
func TestStageImagesTwoProcesses(t *testing.T) {
	dir := t.TempDir()
	seed := openResults(t, dir)
	seed.AddStageImages("sha256:old")
	if err := seed.Save(); err != nil {
		t.Fatal(err)
	}
	tui, build, clean := openResults(t, dir), openResults(t, dir), openResults(t, dir)
	tui.AddStageImages("sha256:tui")
	build.AddStageImages("sha256:build")
	build.Put(lab.Result{Lesson: "multistage", Strategy: "go-multistage", Passed: true})
	clean.ForgetStageImages("sha256:old")
	clean.AddStageImages("sha256:readded")
	clean.ForgetStageImages("sha256:readded") // the last change to an ID wins
	for _, c := range []*ResultsCache{build, clean, tui} {
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := openResults(t, dir).StageImages(), []string{"sha256:build", "sha256:tui"}; !slices.Equal(got, want) {
		t.Errorf("stage images %q, want %q", got, want)
	}
	if got, want := tui.StageImages(), []string{"sha256:build", "sha256:tui"}; !slices.Equal(got, want) {
		t.Errorf("the last process to save sees %q, want %q", got, want)
	}
	if _, ok := openResults(t, dir).Get("multistage", "go-multistage"); !ok {
		t.Error("the build's result was lost")
	}
}

// TestStageImagesCorruptFile: a results.json gone bad is moved aside, and the stage images
// recorded meanwhile are saved in a fresh one.
func TestStageImagesCorruptFile(t *testing.T) {
	dir := t.TempDir()
	c := openResults(t, dir)
	c.AddStageImages("sha256:a")
	path := filepath.Join(dir, ResultsFileName)
	if err := os.WriteFile(path, []byte(`{"version": 1, "stage_images": "not a list"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if moved, _ := filepath.Glob(path + ".corrupt-*"); len(moved) != 1 {
		t.Errorf("moved aside: %v, want one file", moved)
	}
	if got := openResults(t, dir).StageImages(); !slices.Equal(got, []string{"sha256:a"}) {
		t.Errorf("stage images %q after recovery", got)
	}
	if err := os.WriteFile(path, []byte(`{"version": 1, "stage_images": 3}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r, warnings, err := OpenResults(dir)
	if err != nil || len(warnings) != 1 || len(r.StageImages()) != 0 {
		t.Errorf("open a corrupt file: %v, warnings %v, stage images %q", err, warnings, r.StageImages())
	}
}
