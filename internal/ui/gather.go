package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/inside"
)

// evidence is one thing gathered about a strategy's image for the panes to show: what is inside
// it, how many images its build tagged, its layers. It is pending while being gathered, holds
// an error when that failed (r retries), and is absent while nobody asked for it: results
// carried over from an earlier session have none until a pane shows them.
type evidence[T any] struct {
	imageID string // the image it is about: a rebuild to another ID needs it again
	value   T
	err     error
	pending bool
}

// ready reports whether the value is there to show.
func (e evidence[T]) ready() bool { return !e.pending && e.err == nil }

// gather starts gathering the evidence about a strategy's image that is missing or about
// another image: after a build, and when a question shows a strategy measured in an earlier
// session. Exporting a toolchain image takes seconds, so what is there for this image is
// never gathered twice.
func (d *lessonData) gather(ids ...string) tea.Cmd {
	return d.gatherIf(func(e errorState) bool { return e.missing }, ids...)
}

// retry gathers what is missing of the given strategies' evidence and, again, what failed to
// be gathered; what is there stays (r: nothing that worked is exported twice).
func (d *lessonData) retry(ids ...string) tea.Cmd {
	return d.gatherIf(func(e errorState) bool { return e.missing || e.failed }, ids...)
}

// errorState is what gatherIf asks of a piece of evidence.
type errorState struct{ missing, failed bool }

func stateOf[T any](m map[string]evidence[T], id, imageID string) errorState {
	e, ok := m[id]
	return errorState{missing: !ok || (e.imageID != imageID && !e.pending), failed: ok && e.err != nil}
}

func (d *lessonData) gatherIf(want func(errorState) bool, ids ...string) tea.Cmd {
	if d.c.eng == nil {
		return nil
	}
	var cmds []tea.Cmd
	for _, id := range ids {
		res, ok := d.results[id]
		if !ok || res.Image == "" {
			continue
		}
		ref := res.Image
		if res.ImageID != "" {
			ref = res.ImageID // what was built, even if another process has moved the tag since
		}
		if want(stateOf(d.inside, id, res.ImageID)) {
			d.inside[id] = evidence[inside.Report]{imageID: res.ImageID, pending: true}
			cmds = append(cmds, lookInsideCmd(d.c, id, ref, res.ImageID))
		}
		if want(stateOf(d.images, id, res.ImageID)) {
			d.images[id] = evidence[int]{imageID: res.ImageID, pending: true}
			cmds = append(cmds, countImagesCmd(d.c, id, res.ImageID, repository(res.Image)))
		}
		if want(stateOf(d.layers, id, res.ImageID)) {
			d.layers[id] = evidence[[]engine.Layer]{imageID: res.ImageID, pending: true}
			cmds = append(cmds, layersCmd(d.c, id, ref, res.ImageID))
		}
	}
	return tea.Batch(cmds...)
}

// notLooked reports whether a strategy has a result whose image nobody has looked inside yet
// in this session (a result carried over from an earlier one).
func (d *lessonData) notLooked(id string) bool {
	res, ok := d.results[id]
	_, looked := d.inside[id]
	return ok && res.Image != "" && !looked && d.c.eng != nil
}

// failedEvidence lists the strategies among ids whose evidence could not be gathered.
func (d *lessonData) failedEvidence(ids ...string) []string {
	var out []string
	for _, id := range ids {
		if d.inside[id].err != nil || d.images[id].err != nil || d.layers[id].err != nil {
			out = append(out, id)
		}
	}
	return out
}

// evidenceMsg carries one gathered piece of evidence.
type evidenceMsg[T any] struct {
	strategy string
	found    evidence[T]
}

// apply records a gathered piece of evidence, unless it is about an image the strategy no
// longer has (a newer build asked again).
func (d *lessonData) apply(msg tea.Msg) {
	switch msg := msg.(type) {
	case evidenceMsg[inside.Report]:
		keep(d.inside, msg)
	case evidenceMsg[int]:
		keep(d.images, msg)
	case evidenceMsg[[]engine.Layer]:
		keep(d.layers, msg)
	}
}

func keep[T any](m map[string]evidence[T], msg evidenceMsg[T]) {
	if e := m[msg.strategy]; e.pending && e.imageID == msg.found.imageID {
		m[msg.strategy] = msg.found
	}
}

// lookInsideCmd analyses an image. It creates a container, so it runs as counted work.
func lookInsideCmd(c *common, strategy, ref, imageID string) tea.Cmd {
	eng := c.eng
	return c.workCmd(func(parent context.Context) tea.Msg {
		ctx, cancel := context.WithTimeout(parent, 2*time.Minute)
		defer cancel()
		rep, err := eng.Contents(ctx, ref)
		return evidenceMsg[inside.Report]{strategy, evidence[inside.Report]{imageID: imageID, value: rep, err: err}}
	})
}

// layersCmd reads an image's history, for a result carried over from an earlier session
// (results are kept without it).
func layersCmd(c *common, strategy, ref, imageID string) tea.Cmd {
	eng, parent := c.eng, c.workCtx
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, 30*time.Second)
		defer cancel()
		info, err := eng.Inspect(ctx, ref)
		if err != nil {
			err = fmt.Errorf("the image is not there any more (docktutor clean?); build it again: %w", err)
		}
		return evidenceMsg[[]engine.Layer]{strategy, evidence[[]engine.Layer]{imageID: imageID, value: info.Layers, err: err}}
	}
}

// imageLister is the part of an engine that lists docktutor's images.
type imageLister interface {
	ListManaged(ctx context.Context) (engine.Managed, error)
}

// countImagesCmd counts the images of the learner's lesson repository (e.g. docktutor/qa) that
// carry the strategy's label, as the evidence's docker command would list them. It only reads,
// so quitting need not wait for it.
func countImagesCmd(c *common, strategy, imageID, repo string) tea.Cmd {
	eng, parent := c.eng, c.workCtx
	found := func(n int, err error) tea.Msg {
		return evidenceMsg[int]{strategy, evidence[int]{imageID: imageID, value: n, err: err}}
	}
	return func() tea.Msg {
		lister, ok := eng.(imageLister)
		if !ok {
			return found(0, fmt.Errorf("this engine (%T) cannot list images", eng))
		}
		ctx, cancel := context.WithTimeout(parent, 30*time.Second)
		defer cancel()
		all, err := lister.ListManaged(ctx)
		if err != nil {
			return found(0, err)
		}
		n := 0
		for _, img := range all.Images {
			if img.Labels[engine.LabelStrategy] != strategy {
				continue
			}
			for _, t := range img.Tags {
				if repository(t) == repo {
					n++
					break
				}
			}
		}
		return found(n, nil)
	}
}

// repository is an image reference without its tag: docktutor/qa for docktutor/qa:shipped.
func repository(ref string) string {
	if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
		return ref[:i]
	}
	return ref
}
