package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/inside"
	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/progress"
	"github.com/docktutor/docktutor/internal/termtext"
	"github.com/docktutor/docktutor/internal/ui/stagegraph"
)

// lessonData is what one lesson's panes show: the strategy on screen, the measured results,
// what is inside each image and how many images each build tagged, the stage graphs lit by the
// latest builds, and the learner's progress. The lesson screen and the build runner write it;
// the panes only read it.
type lessonData struct {
	c   *common
	l   *lesson.Lesson
	cur int // index of the strategy on screen

	results map[string]lab.Result
	failed  map[string]string // why the strategy's latest build, run or checks failed
	// measured says when a result shown was measured, for results carried over from an earlier
	// session (no daemon now, or not rebuilt yet); fresh results have no entry.
	measured map[string]time.Time

	// inside and images are the evidence gathered after each build.
	inside map[string]insideEvidence
	images map[string]imagesEvidence

	trackers map[string]*stagegraph.Tracker

	progress *progress.Store
	cache    *progress.ResultsCache
}

// insideEvidence is what Contents found in a strategy's image, or why it could not look.
type insideEvidence struct {
	imageID string // the image analysed: a rebuild to the same ID needs no new analysis
	report  inside.Report
	err     error
	pending bool
}

// imagesEvidence is how many images of the learner's lesson repository carry a strategy's
// label: what `docker images --filter label=… --filter reference=…` lists.
type imagesEvidence struct {
	repo    string // e.g. docktutor/qa
	n       int
	err     error
	pending bool
}

func newLessonData(c *common, l *lesson.Lesson, p *progress.Store, cache *progress.ResultsCache) *lessonData {
	d := &lessonData{
		c: c, l: l, progress: p, cache: cache,
		results: map[string]lab.Result{}, failed: map[string]string{}, measured: map[string]time.Time{},
		inside: map[string]insideEvidence{}, images: map[string]imagesEvidence{},
		trackers: map[string]*stagegraph.Tracker{},
	}
	if cache != nil {
		for _, cr := range cache.Lesson(l.ID) {
			if _, ok := l.Strategy(cr.Result.Strategy); ok {
				d.results[cr.Result.Strategy] = cr.Result
				d.measured[cr.Result.Strategy] = cr.Measured
			}
		}
	}
	if p != nil {
		if id := p.Lesson(l.ID).Strategy; id != "" {
			d.show(id)
		}
	}
	return d
}

// strategy is the strategy on screen.
func (d *lessonData) strategy() *lesson.Strategy { return d.l.Strategies[d.cur] }

// show puts the strategy with the given id on screen.
func (d *lessonData) show(id string) {
	for i, s := range d.l.Strategies {
		if s.ID == id {
			d.cur = i
		}
	}
}

// statusTitle is what a pane title says of the learner's progress in the lesson: " · ✓ done",
// " · 2/6 built"; "" before anything is done or when progress is not kept.
func (d *lessonData) statusTitle() string {
	if d.progress == nil {
		return ""
	}
	if mark := statusText(d.progress.Status(d.l)); mark != "" {
		return " · " + mark
	}
	return ""
}

// finish records how a strategy's run ended and starts gathering the evidence about its image.
func (d *lessonData) finish(s *lesson.Strategy, res lab.Result, err error) tea.Cmd {
	delete(d.measured, s.ID)
	if d.cache != nil && len(res.StageImages) > 0 {
		// Failed or not, the build left them: docktutor clean removes them.
		d.cache.AddStageImages(res.StageImages...)
	}
	if t := d.trackers[s.ID]; t != nil {
		// The image exists once the build step succeeded, even if the run then failed.
		t.Finish(res.ImageID != "")
	}
	switch {
	case err != nil && lab.IsCanceled(err):
		return saveCmd(nil, d.cache)
	case err != nil:
		d.failed[s.ID] = termtext.PlainLines(err.Error())
		if res.SizeBytes == 0 {
			return saveCmd(nil, d.cache)
		}
		// The image exists even though its run or a check failed: still worth a look.
		d.results[s.ID] = res
		return tea.Batch(saveCmd(nil, d.cache), d.gather(s.ID, res))
	}
	delete(d.failed, s.ID)
	d.results[s.ID] = res
	if d.progress != nil {
		d.progress.MarkBuilt(d.l.ID, s.ID)
	}
	if d.cache != nil {
		d.cache.Put(res)
	}
	return tea.Batch(saveCmd(d.progress, d.cache), d.gather(s.ID, res))
}

// gather looks inside a built image and counts the images its strategy tagged, unless that
// image was analysed already: exporting a toolchain image takes seconds, and a cached rebuild
// gives the same image ID.
func (d *lessonData) gather(strategy string, res lab.Result) tea.Cmd {
	if d.c.eng == nil {
		return nil
	}
	var cmds []tea.Cmd
	if ev, ok := d.inside[strategy]; !ok || res.ImageID == "" || ev.imageID != res.ImageID || ev.err != nil {
		d.inside[strategy] = insideEvidence{imageID: res.ImageID, pending: true}
		cmds = append(cmds, lookInsideCmd(d.c, strategy, res))
	}
	repo := repository(res.Image)
	d.images[strategy] = imagesEvidence{repo: repo, pending: true}
	cmds = append(cmds, countImagesCmd(d.c, strategy, repo))
	return tea.Batch(cmds...)
}

// failedEvidence lists the strategies among ids whose evidence could not be gathered.
func (d *lessonData) failedEvidence(ids ...string) []string {
	var out []string
	for _, id := range ids {
		if d.inside[id].err != nil || d.images[id].err != nil {
			out = append(out, id)
		}
	}
	return out
}

// retry gathers the evidence of the given strategies again.
func (d *lessonData) retry(ids ...string) tea.Cmd {
	var cmds []tea.Cmd
	for _, id := range ids {
		if res, ok := d.results[id]; ok {
			delete(d.inside, id)
			cmds = append(cmds, d.gather(id, res))
		}
	}
	return tea.Batch(cmds...)
}

// insideMsg carries what Contents found in a strategy's image.
type insideMsg struct {
	strategy string
	imageID  string
	report   inside.Report
	err      error
}

// imagesMsg carries how many images carry a strategy's label in the learner's repository.
type imagesMsg struct {
	strategy string
	count    int
	err      error
}

// apply records a gathered piece of evidence, unless a newer build asked for it again.
func (d *lessonData) apply(msg tea.Msg) {
	switch msg := msg.(type) {
	case insideMsg:
		if ev := d.inside[msg.strategy]; ev.pending && ev.imageID == msg.imageID {
			d.inside[msg.strategy] = insideEvidence{imageID: msg.imageID, report: msg.report, err: msg.err}
		}
	case imagesMsg:
		if ev := d.images[msg.strategy]; ev.pending {
			d.images[msg.strategy] = imagesEvidence{repo: ev.repo, n: msg.count, err: msg.err}
		}
	}
}

// lookInsideCmd analyses a strategy's image, named by its ID when the build reported one:
// another process may have moved the tag since.
func lookInsideCmd(c *common, strategy string, res lab.Result) tea.Cmd {
	eng, ref := c.eng, res.Image
	if res.ImageID != "" {
		ref = res.ImageID
	}
	return c.workCmd(func(parent context.Context) tea.Msg {
		ctx, cancel := context.WithTimeout(parent, 2*time.Minute)
		defer cancel()
		rep, err := eng.Contents(ctx, ref)
		return insideMsg{strategy: strategy, imageID: res.ImageID, report: rep, err: err}
	})
}

// imageLister is the part of an engine that lists docktutor's images.
type imageLister interface {
	ListManaged(ctx context.Context) (engine.Managed, error)
}

// countImagesCmd counts the images of the learner's lesson repository (e.g. docktutor/qa) that
// carry the strategy's label, as the evidence's docker command would list them.
func countImagesCmd(c *common, strategy, repo string) tea.Cmd {
	eng := c.eng
	return c.workCmd(func(parent context.Context) tea.Msg {
		lister, ok := eng.(imageLister)
		if !ok {
			return imagesMsg{strategy: strategy, err: fmt.Errorf("this engine (%T) cannot list images", eng)}
		}
		ctx, cancel := context.WithTimeout(parent, 30*time.Second)
		defer cancel()
		all, err := lister.ListManaged(ctx)
		if err != nil {
			return imagesMsg{strategy: strategy, err: err}
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
		return imagesMsg{strategy: strategy, count: n}
	})
}

// repository is an image reference without its tag: docktutor/qa for docktutor/qa:shipped.
func repository(ref string) string {
	if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
		return ref[:i]
	}
	return ref
}
