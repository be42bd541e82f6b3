package exercise

import (
	"context"
	"fmt"
	"slices"

	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/lesson"
)

// CheckImage decides goals on an image that is already built — ref, measured as info, from
// the Dockerfile whose graph is g — and returns their verdicts in the goals' order. It takes
// the goals that read only the image's config, the graph and single paths (size_max,
// layers_max, no_shell, no_compiler, no_package_manager, user_not_root, absent, present,
// static_binary, stage_named, copies_from, final_base_not), through one probe, as Check does
// after its build. `docktutor check` judges a learner's own project with it: one goal engine,
// two uses.
func CheckImage(ctx context.Context, eng engine.Engine, g *dockerfile.Graph, ref string, info engine.ImageInfo, goals []lesson.Goal) ([]Verdict, error) {
	for _, goal := range goals {
		switch goal.Check {
		case lesson.CheckBuilds, lesson.CheckRuns, lesson.CheckBuildFailsAt, lesson.CheckCachedAfterEdit,
			lesson.CheckSizeRatioMax, lesson.CheckPredict:
			return nil, fmt.Errorf("goal %s: %s needs more than the built image", goal.ID, goal.Check)
		}
	}
	c := &checker{
		eng: eng, ex: &lesson.Exercise{ID: ref, Goals: goals},
		graph: g, tag: ref, image: ref, info: info,
	}
	// imageGoals orders the goals it is given (cheap ones first): a copy keeps the caller's.
	if err := c.imageGoals(ctx, slices.Clone(goals)); err != nil {
		return nil, err
	}
	return c.finish().Goals, nil
}
