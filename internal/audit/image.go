package audit

import (
	"context"
	"fmt"

	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/exercise"
	"github.com/docktutor/docktutor/internal/lesson"
)

// Limits are the size and layer goals for what ships.
type Limits struct {
	MaxSize   int64 // bytes; 0 means DefaultMaxSize
	MaxLayers int   // filesystem layers; 0 means DefaultMaxLayers
}

// The default goals for what ships. A Python app on python:3.13-slim with a few dependencies
// stays under the size, a Go binary on distroless far under; a toolchain image (golang,
// python:3.13) is well over. Twenty layers is more than any of the lessons' images has.
const (
	DefaultMaxSize   = 250_000_000
	DefaultMaxLayers = 20
)

func (l Limits) withDefaults() Limits {
	if l.MaxSize <= 0 {
		l.MaxSize = DefaultMaxSize
	}
	if l.MaxLayers <= 0 {
		l.MaxLayers = DefaultMaxLayers
	}
	return l
}

// imageGoal is one of docktutor check's default goals on the image: a goal of the exercise
// engine, and how its verdict reads as a finding.
type imageGoal struct {
	goal lesson.Goal
	// fail is the finding's title when the goal is not met; pass, when not empty, makes a
	// met goal a note with that title (the measurements a learner wants either way).
	fail, pass string
	lesson     string
	fix        string
}

// imageGoals are the default goals on what ships, in the order findings list them.
func imageGoals(lim Limits) []imageGoal {
	return []imageGoal{
		{
			goal: lesson.Goal{ID: "size", Title: "the size of what ships", Check: lesson.CheckSizeMax, SizeMax: lim.MaxSize},
			fail: "the image is over the size goal", pass: "the size of the image", lesson: lessonMultistage,
			fix: "build in one stage and ship the result on a small base: only what COPY --from names crosses over",
		},
		{
			goal: lesson.Goal{ID: "layers", Title: "the layers of what ships", Check: lesson.CheckLayersMax, LayersMax: lim.MaxLayers},
			fail: "the image has more layers than the goal", pass: "the layers of the image", lesson: lessonMultistage,
			fix: "ship from a final stage that copies the result in with one COPY --from; join RUNs that belong together",
		},
		{
			goal: lesson.Goal{ID: "shell", Title: "no shell", Check: lesson.CheckNoShell},
			fail: "the image ships a shell", lesson: lessonDistroless,
			fix: "ship on a base without one (distroless, scratch); its :debug variant has a shell for when you need to look inside",
		},
		{
			goal: lesson.Goal{ID: "compiler", Title: "no compiler", Check: lesson.CheckNoCompiler},
			fail: "the image ships a compiler", lesson: lessonMultistage,
			fix: "compile in a build stage and COPY --from it only the result",
		},
		{
			goal: lesson.Goal{ID: "package-manager", Title: "no package manager", Check: lesson.CheckNoPackageManager},
			fail: "the image ships a package manager", lesson: lessonDistroless,
			fix: "install in a build stage, copy what was installed, and ship on a base without a package manager",
		},
		{
			goal: lesson.Goal{ID: "root", Title: "not root", Check: lesson.CheckUserNotRoot},
			fail: "the image runs as root", lesson: lessonDistroless,
			fix: "add USER 65532:65532 (distroless's nonroot) or a user you create, after the last RUN that needs root",
		},
	}
}

// checkImage applies the default image goals through the exercise engine (exercise.CheckImage:
// the same checks an exercise's size_max, layers_max, no_shell, no_compiler,
// no_package_manager and user_not_root make) and turns its verdicts into findings.
func checkImage(ctx context.Context, eng engine.Engine, g *dockerfile.Graph, ref string, info engine.ImageInfo, lim Limits) ([]Finding, error) {
	igs := imageGoals(lim)
	goals := make([]lesson.Goal, len(igs))
	for i, ig := range igs {
		goals[i] = ig.goal
	}
	verdicts, err := exercise.CheckImage(ctx, eng, g, ref, info, goals)
	if err != nil {
		return nil, err
	}
	var out []Finding
	for i, v := range verdicts {
		ig := igs[i]
		if v.Passed && ig.pass == "" {
			continue
		}
		f := Finding{
			ID: ig.goal.ID, Level: Warning, Title: ig.fail, Measured: v.Measured, Want: v.Want,
			Lesson: ig.lesson, Fix: ig.fix,
		}
		if v.Passed {
			f.Level, f.Title = Note, ig.pass
		}
		f.Line, f.Where = where(g, ig.goal.Check)
		if !v.Passed && ig.goal.Check == lesson.CheckLayersMax && v.Where != "" {
			f.Where = v.Where // which instructions make layers, more use than one line
		}
		out = append(out, f)
	}
	return out, nil
}

// where is the Dockerfile line to look at for a goal on the image: the last USER for the user,
// the FROM that chose the image's base for everything else.
func where(g *dockerfile.Graph, check string) (int, string) {
	first := g.Target
	for g.Stages[first].BaseStage >= 0 {
		first = g.Stages[first].BaseStage
	}
	if check == lesson.CheckUserNotRoot {
		for i := g.Target; i >= 0; i = g.Stages[i].BaseStage {
			ins := g.Stages[i].Instructions
			for k := len(ins) - 1; k >= 0; k-- {
				if ins[k].Keyword == "USER" {
					return ins[k].Line, fmt.Sprintf("line %d: %s", ins[k].Line, shorten(dockerfile.Printable(ins[k].Text), 50))
				}
			}
		}
		s := &g.Stages[first]
		return s.Line, fmt.Sprintf("line %d: FROM %s is the image, and no USER follows it", s.Line, shorten(dockerfile.Printable(s.Base), 50))
	}
	s := &g.Stages[first]
	return s.Line, fmt.Sprintf("line %d: FROM %s is the image", s.Line, shorten(dockerfile.Printable(s.Base), 50))
}
