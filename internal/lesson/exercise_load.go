package lesson

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/docktutor/docktutor/internal/dockerfile"
)

// The exercise file structs mirror exercise.yaml's keys, decoded strictly like the lesson
// files; lessons/README.md documents each key.

type exerciseFile struct {
	Title  string     `yaml:"title"`
	Prompt string     `yaml:"prompt"`
	App    string     `yaml:"app"`
	Hints  []string   `yaml:"hints"`
	Goals  []goalFile `yaml:"goals"`
}

// goalFile has one pointer per check, so that "absent" and "false" differ and a goal with two
// checks (or none) is caught.
type goalFile struct {
	ID               string         `yaml:"id"`
	Title            string         `yaml:"title"`
	Hint             string         `yaml:"hint"`
	Builds           *bool          `yaml:"builds"`
	StageNamed       *string        `yaml:"stage_named"`
	CopiesFrom       *string        `yaml:"copies_from"`
	FinalBaseNot     *[]string      `yaml:"final_base_not"`
	SizeMax          *string        `yaml:"size_max"`
	SizeRatioMax     *sizeRatioFile `yaml:"size_ratio_max"`
	LayersMax        *int           `yaml:"layers_max"`
	NoShell          *bool          `yaml:"no_shell"`
	Absent           *[]string      `yaml:"absent"`
	Present          *[]string      `yaml:"present"`
	NoCompiler       *bool          `yaml:"no_compiler"`
	NoPackageManager *bool          `yaml:"no_package_manager"`
	UserNotRoot      *bool          `yaml:"user_not_root"`
	StaticBinary     *string        `yaml:"static_binary"`
	Runs             *runsFile      `yaml:"runs"`
	BuildFailsAt     *failsAtFile   `yaml:"build_fails_at"`
	CachedAfterEdit  *cachedFile    `yaml:"cached_after_edit"`
	Predict          *predictFile   `yaml:"predict"`
}

type sizeRatioFile struct {
	Of  string  `yaml:"of"`
	Max float64 `yaml:"max"`
}

type runsFile struct {
	Entrypoint []string `yaml:"entrypoint"`
	Args       []string `yaml:"args"`
	Expect     string   `yaml:"expect"`
	ExitCode   int      `yaml:"exit_code"`
	Timeout    string   `yaml:"timeout"`
}

type failsAtFile struct {
	Stage   string `yaml:"stage"`
	WithApp string `yaml:"with_app"`
}

type cachedFile struct {
	Edit string `yaml:"edit"`
	Step string `yaml:"step"`
}

type predictFile struct {
	Lesson     string   `yaml:"lesson"`
	Strategies []string `yaml:"strategies"`
}

// exerciseFixed are the names of an exercise folder that are not build-context files.
func exerciseFixed(name string) bool {
	return name == "exercise.yaml" || strings.HasPrefix(name, "starter.") || strings.HasPrefix(name, "solution.")
}

// loadExercises reads lessons/<lessonID>/exercises/*/ in name order. A lesson without an
// exercises folder has none.
func loadExercises(fsys fs.FS, lessonID string, v *validator) []*Exercise {
	dir := path.Join(lessonID, "exercises")
	entries, err := fs.ReadDir(fsys, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		v.add("%s: %v", dir, err)
		return nil
	}
	var out []*Exercise
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if !idPattern.MatchString(e.Name()) {
			v.add("%s/%s: exercise id %q: use lower-case letters, digits and dashes", dir, e.Name(), e.Name())
			continue
		}
		if ex := loadExercise(fsys, lessonID, path.Join(dir, e.Name()), v); ex != nil {
			out = append(out, ex)
		}
	}
	return out
}

func loadExercise(fsys fs.FS, lessonID, dir string, v *validator) *Exercise {
	file := path.Join(dir, "exercise.yaml")
	var ef exerciseFile
	if err := readYAML(fsys, file, &ef); err != nil {
		v.add("%v", err)
		return nil
	}
	ex := &Exercise{ID: path.Base(dir), LessonID: lessonID, Title: ef.Title, Prompt: ef.Prompt, App: ef.App, Hints: ef.Hints, fsys: fsys}
	if ef.Title == "" {
		v.add("%s: title is missing", file)
	}
	if strings.TrimSpace(ef.Prompt) == "" {
		v.add("%s: prompt is missing", file)
	}
	if len(ef.Goals) == 0 {
		v.add("%s: has no goals", file)
	}
	for i, h := range ef.Hints {
		if strings.TrimSpace(h) == "" {
			v.add("%s: hint %d is empty", file, i+1)
		}
	}
	predict := slices.ContainsFunc(ef.Goals, func(g goalFile) bool { return g.Predict != nil })
	ext := ".Dockerfile"
	if predict {
		ext = ".txt"
		if len(ef.Goals) != 1 {
			v.add("%s: a predict goal is the exercise's only goal", file)
		}
	}
	for _, name := range []string{"starter", "solution"} {
		p := path.Join(dir, name+ext)
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			v.add("%s: %v", file, err)
			continue
		}
		if name == "starter" {
			ex.Starter = data
		} else {
			ex.Solution = data
		}
		if !predict {
			g, err := dockerfile.Parse(data, dockerfile.Options{})
			if err != nil {
				v.add("%s", dockerfileProblem(p, err))
			} else if name == "solution" {
				ex.SolutionGraph = g
			}
		}
	}
	if dirInfo, err := fs.Stat(fsys, path.Join("apps", ef.App)); !predict && (ef.App == "" || err != nil || !dirInfo.IsDir()) {
		v.add("%s: app %q: no folder apps/%s", file, ef.App, ef.App)
	} else if !predict {
		files, err := copyFS(fsys, path.Join("apps", ef.App))
		if err == nil {
			err = addExtraFiles(fsys, dir, files)
		}
		if err != nil {
			v.add("%s: build context: %v", file, err)
		}
		ex.Files = files
	}
	seen := map[string]bool{}
	for i, gf := range ef.Goals {
		where := v.checkID(file, "goal", i, gf.ID, seen)
		if g, ok := loadGoal(fsys, ex, gf, where, v); ok {
			ex.Goals = append(ex.Goals, g)
		}
	}
	return ex
}

// addExtraFiles puts the exercise folder's own files (not exercise.yaml, starter.*,
// solution.*) into the build context, over the app's.
func addExtraFiles(fsys fs.FS, dir string, m *memFS) error {
	extra, err := copyFS(fsys, dir)
	if err != nil {
		return err
	}
	for name, f := range extra.files {
		if !strings.Contains(name, "/") && exerciseFixed(name) {
			continue
		}
		m.add(name, f.data, f.mode, f.modTime)
	}
	return nil
}

// loadGoal reads one goal and checks its values against the exercise's solution.
func loadGoal(fsys fs.FS, ex *Exercise, gf goalFile, where string, v *validator) (Goal, bool) {
	g := Goal{ID: gf.ID, Title: gf.Title, Hint: gf.Hint}
	if gf.Title == "" {
		v.add("%s: title is missing", where)
	}
	var set []string
	mark := func(present bool, key string) bool {
		if present {
			set = append(set, key)
		}
		return present
	}
	flag := func(b *bool, key string) {
		if mark(b != nil, key) && !*b {
			v.add("%s: %s: false checks nothing; write true or leave the key out", where, key)
		}
	}
	sol := ex.SolutionGraph
	stageExists := func(key, name string) {
		if name == "" {
			v.add("%s: %s: name a stage", where, key)
		} else if sol != nil && !slices.ContainsFunc(sol.Stages, func(s dockerfile.Stage) bool { return s.Name == strings.ToLower(name) }) {
			v.add("%s: %s %q: the solution has no stage of that name", where, key, name)
		}
	}
	absPaths := func(key string, ps []string) {
		if len(ps) == 0 {
			v.add("%s: %s: list at least one path", where, key)
		}
		for _, p := range ps {
			if !path.IsAbs(p) || path.Clean(p) != p {
				v.add("%s: %s: %q: want an absolute, clean path such as /usr/bin/gcc", where, key, p)
			}
		}
	}

	flag(gf.Builds, CheckBuilds)
	flag(gf.NoShell, CheckNoShell)
	flag(gf.NoCompiler, CheckNoCompiler)
	flag(gf.NoPackageManager, CheckNoPackageManager)
	flag(gf.UserNotRoot, CheckUserNotRoot)
	if mark(gf.StageNamed != nil, CheckStageNamed) {
		g.Stage = strings.ToLower(*gf.StageNamed)
		stageExists(CheckStageNamed, *gf.StageNamed)
	}
	if mark(gf.CopiesFrom != nil, CheckCopiesFrom) {
		g.Stage = strings.ToLower(*gf.CopiesFrom)
		stageExists(CheckCopiesFrom, *gf.CopiesFrom)
	}
	if mark(gf.FinalBaseNot != nil, CheckFinalBaseNot) {
		g.Patterns = *gf.FinalBaseNot
		if len(g.Patterns) == 0 {
			v.add("%s: final_base_not: list at least one image pattern", where)
		}
		for _, p := range g.Patterns {
			if _, err := path.Match(p, ""); err != nil {
				v.add("%s: final_base_not: pattern %q: %v", where, p, err)
			}
		}
	}
	if mark(gf.SizeMax != nil, CheckSizeMax) {
		n, err := ParseSize(*gf.SizeMax)
		if err != nil {
			v.add("%s: size_max: %v", where, err)
		}
		g.SizeMax = n
	}
	if mark(gf.SizeRatioMax != nil, CheckSizeRatioMax) {
		r := gf.SizeRatioMax
		g.Ratio = &SizeRatio{Lesson: ex.LessonID, Strategy: r.Of, Max: r.Max}
		if l, s, ok := strings.Cut(r.Of, "/"); ok {
			g.Ratio.Lesson, g.Ratio.Strategy = l, s
		}
		if r.Of == "" || r.Max <= 0 || r.Max > 1 {
			v.add("%s: size_ratio_max: want of (a strategy, or lesson/strategy) and max between 0 and 1", where)
		}
	}
	if mark(gf.LayersMax != nil, CheckLayersMax) {
		g.LayersMax = *gf.LayersMax
		if g.LayersMax < 1 {
			v.add("%s: layers_max: want at least 1", where)
		}
	}
	if mark(gf.Absent != nil, CheckAbsent) {
		g.Paths = *gf.Absent
		absPaths(CheckAbsent, g.Paths)
	}
	if mark(gf.Present != nil, CheckPresent) {
		g.Paths = *gf.Present
		absPaths(CheckPresent, g.Paths)
	}
	if mark(gf.StaticBinary != nil, CheckStaticBinary) {
		g.Path = *gf.StaticBinary
		absPaths(CheckStaticBinary, []string{g.Path})
	}
	if mark(gf.Runs != nil, CheckRuns) {
		r := gf.Runs
		g.Run = &RunCheck{Entrypoint: r.Entrypoint, Args: r.Args, Expect: r.Expect, ExitCode: r.ExitCode}
		if r.Timeout != "" {
			d, err := time.ParseDuration(r.Timeout)
			if err != nil || d <= 0 {
				v.add("%s: runs: timeout %q: want a duration such as 30s", where, r.Timeout)
			}
			g.Run.Timeout = d
		}
		if r.ExitCode < 0 || r.ExitCode > 255 {
			v.add("%s: runs: exit_code %d: an exit code is 0 to 255", where, r.ExitCode)
		}
	}
	if mark(gf.BuildFailsAt != nil, CheckBuildFailsAt) {
		f := gf.BuildFailsAt
		g.FailsAt = &FailsAt{Stage: strings.ToLower(f.Stage), WithApp: f.WithApp}
		stageExists("build_fails_at: stage", f.Stage)
		if d, err := fs.Stat(fsys, path.Join("apps", f.WithApp)); f.WithApp == "" || err != nil || !d.IsDir() {
			v.add("%s: build_fails_at: with_app %q: no folder apps/%s", where, f.WithApp, f.WithApp)
		}
	}
	if mark(gf.CachedAfterEdit != nil, CheckCachedAfterEdit) {
		c := gf.CachedAfterEdit
		g.Cached = &CachedAfterEdit{File: c.Edit, Step: c.Step}
		if c.Step == "" {
			v.add("%s: cached_after_edit: step (text of the instruction that must stay cached) is missing", where)
		}
		if ex.Files != nil {
			if _, err := fs.Stat(ex.Files, c.Edit); c.Edit == "" || !fs.ValidPath(c.Edit) || err != nil {
				v.add("%s: cached_after_edit: edit %q: no such file in the build context", where, c.Edit)
			}
		}
	}
	if mark(gf.Predict != nil, CheckPredict) {
		p := gf.Predict
		g.Predict = &Predict{Lesson: p.Lesson, Strategies: p.Strategies}
		if len(p.Strategies) < 2 {
			v.add("%s: predict: list at least two strategies", where)
		}
	}
	switch len(set) {
	case 0:
		v.add("%s: no check: give exactly one of the check keys (lessons/README.md lists them)", where)
		return g, false
	case 1:
		g.Check = set[0]
	default:
		v.add("%s: %d checks (%s): a goal has exactly one", where, len(set), strings.Join(set, ", "))
		return g, false
	}
	return g, true
}

// checkExercises checks what only the whole course can tell: exercise ids are unique across
// lessons, and the strategies a goal measures against exist.
func checkExercises(c *Course, v *validator) {
	seen := map[string]string{}
	for _, l := range c.Lessons {
		for _, ex := range l.Exercises {
			file := path.Join(l.ID, "exercises", ex.ID, "exercise.yaml")
			if other, ok := seen[ex.ID]; ok {
				v.add("%s: exercise id %q is also used in lesson %s: exercise ids are unique across the course", file, ex.ID, other)
			}
			seen[ex.ID] = l.ID
			for _, g := range ex.Goals {
				where := fmt.Sprintf("%s: goal %q", file, g.ID)
				if g.Ratio != nil && !hasStrategy(c, g.Ratio.Lesson, g.Ratio.Strategy) {
					v.add("%s: size_ratio_max: of %q: no strategy %s in lesson %s", where, g.Ratio.Strategy, g.Ratio.Strategy, g.Ratio.Lesson)
				}
				if p := g.Predict; p != nil {
					checkPrediction(c, p, where, ex, v)
				}
			}
		}
	}
}

func hasStrategy(c *Course, lessonID, strategyID string) bool {
	l, ok := c.Find(lessonID)
	if !ok {
		return false
	}
	_, ok = l.Strategy(strategyID)
	return ok
}

// checkPrediction checks a predict goal's strategies, and that the exercise's starter and
// solution are orderings of them.
func checkPrediction(c *Course, p *Predict, where string, ex *Exercise, v *validator) {
	for i, s := range p.Strategies {
		if !hasStrategy(c, p.Lesson, s) {
			v.add("%s: predict: %q: no strategy %s in lesson %q", where, s, s, p.Lesson)
		}
		if slices.Contains(p.Strategies[:i], s) {
			v.add("%s: predict: %q is listed twice", where, s)
		}
	}
	for name, data := range map[string][]byte{"starter.txt": ex.Starter, "solution.txt": ex.Solution} {
		if _, err := ParsePrediction(data, p.Strategies); err != nil {
			v.add("%s: %s: %v", where, name, err)
		}
	}
}

// ParsePrediction reads a prediction file: one strategy id a line, largest image first; blank
// lines and lines starting with # are ignored. Every strategy must be listed exactly once. The
// error names the line.
func ParsePrediction(data []byte, strategies []string) ([]string, error) {
	var out []string
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		switch {
		case !slices.Contains(strategies, line):
			return nil, fmt.Errorf("line %d: %q is not one of %s", i+1, line, strings.Join(strategies, ", "))
		case slices.Contains(out, line):
			return nil, fmt.Errorf("line %d: %q is listed twice", i+1, line)
		}
		out = append(out, line)
	}
	if len(out) != len(strategies) {
		var missing []string
		for _, s := range strategies {
			if !slices.Contains(out, s) {
				missing = append(missing, s)
			}
		}
		return nil, fmt.Errorf("missing %s: rank all %d strategies", strings.Join(missing, ", "), len(strategies))
	}
	return out, nil
}
