package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/human"
)

// The legacy builder leaves the build stages of a multi-stage build as untagged images without
// the build's labels: nothing on the daemon says they are docktutor's. The builds record their
// IDs in the results cache (lab.Result.StageImages), and clean removes those.

// stageCleaner removes the stage images docktutor's builds left (engine.Client implements it).
type stageCleaner interface {
	RemoveStageImage(ctx context.Context, id string) error
}

// splitUntagged separates, among the untagged images without docktutor's label, the stage images
// docktutor's builds recorded from the rest, which clean leaves alone.
func splitUntagged(untagged, recorded []string) (stages, rest []string) {
	for _, id := range untagged {
		if slices.Contains(recorded, id) {
			stages = append(stages, id)
		} else {
			rest = append(rest, id)
		}
	}
	return stages, rest
}

// stageInUse is why a stage image stays: the daemon will not remove it yet.
const stageInUse = "in use by a container or another image"

// removeStages removes the recorded stage images and reports the listed ones, those still
// untagged and on their own when clean started, with their own space. The other recorded ones are
// tried too, without a report: most went with the image built on them. It returns the report,
// the IDs to forget (gone, or tagged by someone since: no longer docktutor's) and how many
// removals failed. An image in use stays recorded, for the next clean, and is no failure.
func (o *cleanOptions) removeStages(ctx context.Context, sc stageCleaner, listed, recorded []string, space map[string]int64) (report []cleanedImage, forget []string, failed int) {
	report = []cleanedImage{}
	for _, id := range listed {
		report = append(report, cleanedImage{ID: id, Tags: []string{}, SizeBytes: space[id], FreedBytes: space[id]})
	}
	if o.dryRun {
		return report, nil, 0
	}
	// Latest first: a stage built FROM an earlier one holds it, and takes it along when it goes.
	for _, id := range slices.Backward(recorded) {
		err := sc.RemoveStageImage(ctx, id)
		if err == nil || errors.Is(err, engine.ErrNotManaged) {
			forget = append(forget, id)
		}
		i := slices.IndexFunc(report, func(im cleanedImage) bool { return im.ID == id })
		if i < 0 {
			continue
		}
		im := &report[i]
		switch {
		case err == nil:
			im.Removed = true
			continue
		case errors.Is(err, engine.ErrImageInUse):
			im.Kept = stageInUse
		case errors.Is(err, engine.ErrNotManaged):
			im.Kept = err.Error()
		default:
			im.Error = err.Error()
			failed++
		}
		im.FreedBytes = 0
	}
	return report, forget, failed
}

// printStages writes what became of the stage images; the ones that could not be removed are
// listed with the other failures.
func printStages(w io.Writer, rep cleanReport, verb string, line func(cleanedImage) string) {
	var gone, kept []cleanedImage
	var freed int64
	for _, im := range rep.StageImages {
		switch {
		case im.Kept != "":
			kept = append(kept, im)
		case im.Error == "":
			gone = append(gone, im)
			freed += im.FreedBytes
		}
	}
	if len(gone) > 0 {
		fmt.Fprintf(w, "%s %s of docktutor's builds (%s).\n", verb, human.Plural(len(gone), "stage image", "stage images"), human.Size(freed))
	}
	if len(kept) > 0 {
		fmt.Fprintf(w, "Left in place: %s of docktutor's builds:\n", human.Plural(len(kept), "stage image", "stage images"))
		for _, im := range kept {
			fmt.Fprintln(w, line(im)+"  "+dockerfile.Printable(im.Kept))
		}
	}
}
