package lesson

import (
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/docktutor/docktutor/internal/dockerfile"
)

// Exercise is a task where the learner writes the Dockerfile (or, for a prediction, a ranking)
// and docktutor checks what it builds against the exercise's goals. It lives in
// lessons/<lesson>/exercises/<id>/.
type Exercise struct {
	ID       string
	LessonID string
	Title    string
	Prompt   string // markdown
	// App is the folder under apps/ whose files are the build context, as for a strategy.
	App   string
	Hints []string // markdown, revealed one at a time
	Goals []Goal
	// Starter is what the learner's workspace file starts as; Solution is one answer that
	// meets every goal. Both are Dockerfiles, or for a prediction exercise (Predict) lists of
	// strategy ids, one a line.
	Starter, Solution []byte
	// Files is the build context without its Dockerfile: apps/<App>/ plus the files the
	// exercise folder adds (anything but exercise.yaml, starter.* and solution.*).
	Files fs.FS
	// SolutionGraph is the solution Dockerfile's stage graph, parsed at load; nil for a
	// prediction exercise.
	SolutionGraph *dockerfile.Graph

	fsys fs.FS // the lessons folder, for build_fails_at's other app
}

// Predict returns the exercise's prediction goal, or nil for a Dockerfile exercise.
func (e *Exercise) Predict() *Predict {
	for i := range e.Goals {
		if e.Goals[i].Predict != nil {
			return e.Goals[i].Predict
		}
	}
	return nil
}

// WorkspaceFile is the name of the file the learner edits: "Dockerfile", or "prediction.txt"
// for a prediction exercise.
func (e *Exercise) WorkspaceFile() string {
	if e.Predict() != nil {
		return "prediction.txt"
	}
	return "Dockerfile"
}

// The kinds of check a goal can have: the YAML key that sets it.
const (
	CheckBuilds           = "builds"
	CheckStageNamed       = "stage_named"
	CheckCopiesFrom       = "copies_from"
	CheckFinalBaseNot     = "final_base_not"
	CheckSizeMax          = "size_max"
	CheckSizeRatioMax     = "size_ratio_max"
	CheckLayersMax        = "layers_max"
	CheckNoShell          = "no_shell"
	CheckAbsent           = "absent"
	CheckPresent          = "present"
	CheckNoCompiler       = "no_compiler"
	CheckNoPackageManager = "no_package_manager"
	CheckUserNotRoot      = "user_not_root"
	CheckStaticBinary     = "static_binary"
	CheckRuns             = "runs"
	CheckBuildFailsAt     = "build_fails_at"
	CheckCachedAfterEdit  = "cached_after_edit"
	CheckPredict          = "predict"
)

// Goal is one thing the learner's image must show. Exactly one check is set; Check names it,
// and only the fields that check uses are filled.
type Goal struct {
	ID    string
	Title string
	// Hint is markdown shown beside a failing verdict: what a failure here usually means
	// ("the toolchain still ships"). Optional.
	Hint  string
	Check string // one of the Check… constants

	Stage     string   // stage_named, copies_from
	Patterns  []string // final_base_not: path.Match globs over the image reference
	SizeMax   int64    // size_max, bytes
	Ratio     *SizeRatio
	LayersMax int
	Paths     []string // absent, present: absolute paths
	Path      string   // static_binary: absolute path of the ELF file
	Run       *RunCheck
	FailsAt   *FailsAt
	Cached    *CachedAfterEdit
	Predict   *Predict
}

// SizeRatio bounds the image's size against a lesson strategy's image: size ≤ Max × size(Of).
type SizeRatio struct {
	Lesson, Strategy string // the strategy measured for comparison
	Max              float64
}

// RunCheck runs the image once (no network, limited memory and processes) and checks what it
// did.
type RunCheck struct {
	Entrypoint []string
	Args       []string
	Expect     string // text the output must contain; empty: any
	ExitCode   int
	Timeout    time.Duration // 0: the engine's default
}

// FailsAt says the build must fail, in Stage, when the context is apps/<WithApp>/ (a broken
// variant of the app): a test stage that stops a broken app from shipping.
type FailsAt struct {
	Stage   string
	WithApp string
}

// CachedAfterEdit says that after an edit to File, a rebuild takes the step whose instruction
// contains Step from the cache.
type CachedAfterEdit struct {
	File string
	Step string
}

// Predict is a prediction exercise's goal: order the Lesson's Strategies by image size, largest
// first; they are built and measured to grade it.
type Predict struct {
	Lesson     string
	Strategies []string
}

// BuildContext is the exercise's build context with dockerfile as its Dockerfile: a copy.
func (e *Exercise) BuildContext(dockerfile []byte) (fs.FS, error) {
	m, err := copyFS(e.Files, ".")
	if err != nil {
		return nil, fmt.Errorf("build context for exercise %s: %w", e.ID, err)
	}
	m.add("Dockerfile", dockerfile, 0o644, time.Time{})
	return m, nil
}

// BuildContextWithApp is BuildContext on another app's folder (build_fails_at's broken
// variant), with the exercise's own extra files on top.
func (e *Exercise) BuildContextWithApp(app string, dockerfile []byte) (fs.FS, error) {
	m, err := copyFS(e.fsys, "apps/"+app)
	if err != nil {
		return nil, fmt.Errorf("build context for exercise %s with app %s: %w", e.ID, app, err)
	}
	m.add("Dockerfile", dockerfile, 0o644, time.Time{})
	return m, nil
}

// EditedContext is BuildContext with a line appended to file, stamped with now so that the
// edit always changes the file.
func (e *Exercise) EditedContext(dockerfile []byte, file string, now time.Time) (fs.FS, error) {
	m, err := copyFS(e.Files, ".")
	if err != nil {
		return nil, err
	}
	f, ok := m.files[file]
	if !ok {
		return nil, fmt.Errorf("edit: no file %s in the build context of exercise %s", file, e.ID)
	}
	edit := Edit{File: file, Append: "# edited at " + EditTimePlaceholder + "\n"}
	m.add(file, edit.Apply(f.data, now), f.mode, now)
	m.add("Dockerfile", dockerfile, 0o644, time.Time{})
	return m, nil
}

// copyFS copies the regular files under root of fsys (leftovers skipped) into a new memFS.
func copyFS(fsys fs.FS, root string) (*memFS, error) {
	m := newMemFS()
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || leftover(d.Name()) {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		name := p
		if root != "." {
			name = strings.TrimPrefix(p, root+"/")
		}
		m.add(name, data, info.Mode().Perm()|0o444, time.Time{})
		return nil
	})
	return m, err
}

// Exercise finds an exercise of any lesson by id.
func (c *Course) Exercise(id string) (*Exercise, bool) {
	for _, l := range c.Lessons {
		for _, e := range l.Exercises {
			if e.ID == id {
				return e, true
			}
		}
	}
	return nil, false
}

// Exercises lists every exercise in course order: by lesson, then as each lesson lists them.
func (c *Course) Exercises() []*Exercise {
	var out []*Exercise
	for _, l := range c.Lessons {
		out = append(out, l.Exercises...)
	}
	return out
}

// ParseSize reads a size such as "25MB", "1.5 GB", "800kB", "64MiB" or "1024" (bytes). MB and
// GB are decimal, as `docker images` prints them; MiB and GiB binary.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   float64
	}{
		{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
		{"kB", 1e3}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1},
	}
	mult := 1.0
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	var f float64
	if _, err := fmt.Sscanf(t, "%g", &f); err != nil || f <= 0 {
		return 0, fmt.Errorf("size %q: want a number and a unit, such as 25MB", s)
	}
	if rest := strings.TrimLeft(t, "0123456789."); rest != "" {
		return 0, fmt.Errorf("size %q: want a number and a unit, such as 25MB", s)
	}
	return int64(f * mult), nil
}
