package ui

import (
	"fmt"
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

	// inside, images and layers are the evidence gathered about each strategy's image (see
	// gather.go): what is inside, how many images its build tagged, its layer history.
	inside map[string]evidence[inside.Report]
	images map[string]evidence[int]
	layers map[string]evidence[[]engine.Layer]
	// bases is what the daemon says of each base image (digest.go), by reference.
	bases map[string]evidence[engine.ImageInfo]

	// status is the learner's progress in the lesson, kept here so that drawing a frame never
	// waits for the store (whose lock a save holds across the disk write).
	status progress.Status

	trackers map[string]*stagegraph.Tracker

	progress *progress.Store
	cache    *progress.ResultsCache
}

func newLessonData(c *common, l *lesson.Lesson, p *progress.Store, cache *progress.ResultsCache) *lessonData {
	d := &lessonData{
		c: c, l: l, progress: p, cache: cache,
		results: map[string]lab.Result{}, failed: map[string]string{}, measured: map[string]time.Time{},
		inside: map[string]evidence[inside.Report]{}, images: map[string]evidence[int]{},
		layers: map[string]evidence[[]engine.Layer]{}, bases: map[string]evidence[engine.ImageInfo]{},
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
		d.status = p.Status(l)
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
	if mark := statusText(d.status); mark != "" {
		return " · " + mark
	}
	return ""
}

// recordAnswer records an answer to one of the lesson's questions.
func (d *lessonData) recordAnswer(q *lesson.Question, choice int) tea.Cmd {
	if d.progress == nil {
		return nil
	}
	d.progress.RecordAnswer(d.l.ID, q.ID, choice, q.Correct(choice))
	d.status = d.progress.Status(d.l)
	return saveCmd(d.progress, nil)
}

// finish records how a strategy's run ended and starts gathering the evidence about its image.
func (d *lessonData) finish(s *lesson.Strategy, res lab.Result, err error) tea.Cmd {
	if d.cache != nil && len(res.StageImages) > 0 {
		// Failed or not, the build left them: docktutor clean removes them.
		d.cache.AddStageImages(res.StageImages...)
	}
	t := d.trackers[s.ID]
	switch {
	case err != nil && lab.IsCanceled(err):
		if t != nil {
			t.Cancel()
		}
		return saveCmd(nil, d.cache) // what was there before stays, dated as it was
	case t != nil:
		// The image exists once the build step succeeded, even if the run then failed.
		t.Finish(res.ImageID != "")
	}
	if err != nil {
		d.failed[s.ID] = termtext.PlainLines(err.Error())
		if res.SizeBytes == 0 {
			return saveCmd(nil, d.cache)
		}
		// The image exists even though its run or a check failed: still worth a look.
		d.store(s.ID, res)
		return tea.Batch(saveCmd(nil, d.cache), d.gather(s.ID), d.gatherBase(s.BaseImage()))
	}
	delete(d.failed, s.ID)
	d.store(s.ID, res)
	if d.progress != nil {
		d.progress.MarkBuilt(d.l.ID, s.ID)
		d.status = d.progress.Status(d.l)
	}
	if d.cache != nil {
		d.cache.Put(res)
	}
	return tea.Batch(saveCmd(d.progress, d.cache), d.gather(s.ID), d.gatherBase(s.BaseImage()))
}

// store keeps a fresh result: measured now, its layers at hand, the image count to be redone.
func (d *lessonData) store(id string, res lab.Result) {
	delete(d.measured, id)
	d.results[id] = res
	d.layers[id] = evidence[[]engine.Layer]{imageID: res.ImageID, value: res.Info.Layers}
	delete(d.images, id)
}

// logTitle is the build pane's title while nothing builds: in a lesson with questions, the
// strategy its builds are of (the answer pane shows no strategy).
func (d *lessonData) logTitle() string {
	if len(d.l.Questions) > 0 {
		return fmt.Sprintf("Build · strategy %d/%d: %s", d.cur+1, len(d.l.Strategies), d.strategy().ID)
	}
	return "Build"
}
