package audit

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sync"

	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/engine"
)

// Engine is what a check needs of the daemon: docktutor's engine, and the layer listing that
// only the secret scan needs (engine.Client.Layers; the fake has it too).
type Engine interface {
	engine.Engine
	Layers(ctx context.Context, ref string) ([]engine.LayerContents, error)
}

// Request is one check of a learner's project. The Dockerfile is read and parsed by the
// caller, so that a broken one is reported before anything talks to a daemon.
type Request struct {
	Context    fs.FS             // the build context; its .dockerignore applies
	Dockerfile string            // the Dockerfile's path inside Context
	Source     []byte            // the Dockerfile as read
	Graph      *dockerfile.Graph // Source parsed for Target
	Target     string            // --target, or empty for the last stage
	Tag        string            // the image's name, in docktutor's namespace
	Labels     map[string]string // docktutor's labels for the image
	Builder    engine.Builder
	Limits     Limits
}

// Report is what a check found. Its JSON form is part of `docktutor check --json`.
type Report struct {
	Image     string `json:"image"`
	ImageID   string `json:"image_id,omitempty"`
	Builder   string `json:"builder,omitempty"`
	SizeBytes int64  `json:"size_bytes"`
	Layers    int    `json:"layers"`
	// Findings are sorted: warnings first, then by line (Sort).
	Findings []Finding `json:"findings"`
	// StageImages are the untagged stage images the legacy builder left behind, for clean.
	StageImages []string `json:"-"`
}

// BuildFailedError says the learner's build failed: the Dockerfile's doing (a RUN that exits
// non-zero, a missing file), not the daemon's. Err is the builder's reason, often an
// *engine.BuildError with the failing step.
type BuildFailedError struct{ Err error }

// Error is the builder's reason.
func (e *BuildFailedError) Error() string { return e.Err.Error() }

// Unwrap gives the builder's error.
func (e *BuildFailedError) Unwrap() error { return e.Err }

// Check builds the project, measures the image and applies the default goals. The Dockerfile's
// own findings are in the report whatever happens next; an error says the image could not be
// built (*BuildFailedError, the Dockerfile's fault) or measured (a *engine.DaemonError is the
// daemon's). emit receives the build's events.
func Check(ctx context.Context, eng Engine, req Request, emit func(engine.Event)) (Report, error) {
	rep := Report{Image: req.Tag, Findings: Static(req.Graph, req.Source)}
	defer func() { Sort(rep.Findings) }()

	res, err := eng.Build(ctx, engine.BuildRequest{
		Context: req.Context, Dockerfile: req.Dockerfile, Tag: req.Tag, Target: req.Target,
		Builder: req.Builder, Labels: req.Labels,
	}, emit)
	rep.Builder, rep.StageImages = string(res.Builder), res.StageImages
	var de *engine.DaemonError
	switch {
	case err == nil:
	case errors.As(err, &de) || ctx.Err() != nil:
		return rep, err
	default:
		return rep, &BuildFailedError{Err: err}
	}
	rep.ImageID = res.ImageID
	info, err := eng.Inspect(ctx, res.ImageID)
	if err != nil {
		return rep, fmt.Errorf("inspect: %w", err)
	}
	rep.SizeBytes, rep.Layers = info.Size, len(info.DiffIDs)
	// The goals read single paths through a probe, in milliseconds; the layer scan streams the
	// whole image. Side by side, the check takes as long as the scan.
	var (
		image, secrets []Finding
		errs           [2]error
		wg             sync.WaitGroup
	)
	wg.Go(func() { image, errs[0] = checkImage(ctx, eng, req.Graph, res.ImageID, info, req.Limits.withDefaults()) })
	wg.Go(func() { secrets, errs[1] = layerScan(ctx, eng, req.Graph, res.ImageID, info) })
	wg.Wait()
	rep.Findings = append(append(rep.Findings, image...), secrets...)
	return rep, errors.Join(errs[:]...)
}

// layerScan lists every layer of the image and looks for secrets in those above the base
// image's (the base's own layers hold its certificate bundles, which are no secrets of the
// learner's).
func layerScan(ctx context.Context, eng Engine, g *dockerfile.Graph, ref string, info engine.ImageInfo) ([]Finding, error) {
	base, err := baseLayers(ctx, eng, g, info)
	if err != nil {
		return nil, err
	}
	layers, err := eng.Layers(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("list the layers: %w", err)
	}
	return secretFindings(g, layers, min(base, len(layers))), nil
}

// baseLayers counts the layers the image has from the image its target stage starts FROM
// (through stages it starts FROM): the common start of the two images' layer lists. scratch
// gives none.
func baseLayers(ctx context.Context, eng Engine, g *dockerfile.Graph, info engine.ImageInfo) (int, error) {
	i := g.Target
	for g.Stages[i].BaseStage >= 0 {
		i = g.Stages[i].BaseStage
	}
	base := g.Stages[i].Base
	if base == "scratch" {
		return 0, nil
	}
	bi, err := eng.Inspect(ctx, base)
	var de *engine.DaemonError
	switch {
	case errors.As(err, &de) || ctx.Err() != nil:
		return 0, err
	case err != nil:
		return 0, nil // the base is known by another name here: judge every layer
	}
	n := 0
	for n < len(bi.DiffIDs) && n < len(info.DiffIDs) && bi.DiffIDs[n] == info.DiffIDs[n] {
		n++
	}
	if !slices.Equal(bi.DiffIDs, info.DiffIDs[:n]) {
		// Not the image the build started from (a tag moved since): judge every layer rather
		// than guess.
		return 0, nil
	}
	return n, nil
}
