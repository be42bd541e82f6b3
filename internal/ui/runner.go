package ui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/ui/stagegraph"
)

// buildRunner runs a lesson's builds one at a time: the build under way, the ones queued
// behind it (B), the spinner that shows it is alive, and its cancellation. It knows nothing of
// panes; the lesson screen hands what it reports to them.
type buildRunner struct {
	c       *common
	data    *lessonData
	opts    lab.Options
	job     *buildJob
	queue   []*lesson.Strategy
	nextID  int
	spinner spinner.Model
	now     time.Time // of the latest spinner tick, for the elapsed time shown
}

// buildJob is the build running now. Its id tags every message it sends, so messages from a
// cancelled build are recognised and dropped.
type buildJob struct {
	id       int
	strategy *lesson.Strategy
	cancel   context.CancelFunc
	msgs     chan tea.Msg
	started  time.Time
	phase    lab.Phase
	steps    *engine.Steps // the steps of the build under way (a new record for a rebuild)
}

// The messages a build sends, in order: its tag, then events and phase changes, and last how
// it ended. They reach the program in batches (buildBatchMsg).
type (
	// buildTagMsg: the tag the image gets (lab chooses it; on a shared daemon it may not be
	// the plain one). A cache lesson's rebuild sends one more, for the edited copy.
	buildTagMsg struct {
		strategy *lesson.Strategy
		tag      string
	}
	// buildEventMsg: one engine event. The runner fills steps and step when it takes the
	// batch: the build's step record and the index in it of the step the event is about (-1
	// for none).
	buildEventMsg struct {
		ev    engine.Event
		steps *engine.Steps
		step  int
	}
	// buildPhaseMsg: the run moved on to another phase (inspect, run, check, rebuild), of the
	// image tagged tag.
	buildPhaseMsg struct {
		strategy *lesson.Strategy
		phase    lab.Phase
		tag      string
	}
	// buildDoneMsg: the run ended; err says why it failed.
	buildDoneMsg struct {
		strategy *lesson.Strategy
		res      lab.Result
		err      error
	}
)

// buildBatchMsg carries every message of a build that was waiting when the program read its
// channel: one screen update per batch, not per log line, keeps up with builds that print a
// lot. closed says the build has sent its last.
type buildBatchMsg struct {
	id     int
	items  []tea.Msg
	closed bool
}

// maxBatch bounds a batch, so that a flood of output still gives the screen a turn.
const maxBatch = 4096

func newBuildRunner(c *common, data *lessonData, opts lab.Options) *buildRunner {
	return &buildRunner{c: c, data: data, opts: opts, spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
}

func (r *buildRunner) building() bool { return r.job != nil }

// enqueue queues strategies and starts the first; it returns nil when a build is already under
// way or the daemon is not connected.
func (r *buildRunner) enqueue(strategies []*lesson.Strategy) tea.Cmd {
	if r.job != nil || r.c.eng == nil {
		return nil
	}
	r.queue = append([]*lesson.Strategy(nil), strategies...)
	return r.next()
}

// next starts the next queued build, if any.
func (r *buildRunner) next() tea.Cmd {
	if len(r.queue) == 0 {
		return nil
	}
	s := r.queue[0]
	r.queue = r.queue[1:]
	r.nextID++
	ctx, cancel := context.WithCancel(r.c.workCtx)
	job := &buildJob{
		id: r.nextID, strategy: s, cancel: cancel, msgs: make(chan tea.Msg, 256),
		started: time.Now(), phase: lab.PhaseBuild, steps: &engine.Steps{},
	}
	r.job, r.now = job, job.started
	r.data.show(s.ID)
	r.track(job)
	eng, opts, quit := r.c.eng, r.opts, r.c.workCtx.Done()
	r.c.goWork(func() { runJob(ctx, eng, s, opts, job.msgs, quit) })
	return tea.Batch(waitForBuild(job.id, job.msgs), r.spinner.Tick)
}

// cancel stops the build under way and forgets the queue.
func (r *buildRunner) cancel() {
	r.queue = nil
	if r.job != nil {
		r.job.cancel()
	}
}

// runJob runs in its own goroutine and reports through ch, which it closes at the end. Once
// quit is closed (the program is ending) nobody reads ch any more, so sends give up.
func runJob(ctx context.Context, eng engine.Engine, s *lesson.Strategy, opts lab.Options, ch chan<- tea.Msg, quit <-chan struct{}) {
	defer close(ch)
	send := func(msg tea.Msg) {
		select {
		case ch <- msg:
		case <-quit:
		}
	}
	var tag string
	res, err := lab.Run(ctx, eng, s, opts, lab.Hooks{
		Event: func(ev engine.Event) { send(&buildEventMsg{ev: ev}) },
		Phase: func(p lab.Phase) { send(buildPhaseMsg{strategy: s, phase: p, tag: tag}) },
		Tag: func(t string) {
			tag = t
			send(buildTagMsg{strategy: s, tag: t})
		},
	})
	send(buildDoneMsg{strategy: s, res: res, err: err})
}

// waitForBuild waits for the build's next message, then takes every other one already waiting.
func waitForBuild(id int, ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		first, ok := <-ch
		if !ok {
			return buildBatchMsg{id: id, closed: true}
		}
		batch := buildBatchMsg{id: id, items: []tea.Msg{first}}
		for len(batch.items) < maxBatch {
			select {
			case msg, ok := <-ch:
				if !ok {
					batch.closed = true
					return batch
				}
				batch.items = append(batch.items, msg)
			default:
				return batch
			}
		}
		return batch
	}
}

// current reports whether a batch belongs to the build under way; a cancelled build's
// leftovers do not.
func (r *buildRunner) current(b buildBatchMsg) bool { return r.job != nil && b.id == r.job.id }

// take records a batch of the build under way, before the panes see it: each event in the
// build's step record and the stage graph's tracker (and learns the index of its step), the
// end of the run in the lesson's results.
func (r *buildRunner) take(b buildBatchMsg) tea.Cmd {
	job, data := r.job, r.data
	tracker := data.trackers[job.strategy.ID] // looked up once a batch, not once an event
	var cmds []tea.Cmd
	for _, it := range b.items {
		switch msg := it.(type) {
		case *buildEventMsg:
			msg.steps, msg.step = job.steps, job.steps.Observe(msg.ev)
			if tracker != nil {
				tracker.Observe(msg.ev)
			}
		case buildDoneMsg:
			if msg.err != nil && lab.IsCanceled(msg.err) {
				r.queue = nil
			} else if r.c.room != nil {
				r.c.room.Built(msg.err == nil)
			}
			cmds = append(cmds, data.finish(msg.strategy, msg.res, msg.err))
		case buildPhaseMsg:
			job.phase = msg.phase
			if tracker != nil && msg.phase == lab.PhaseInspect {
				tracker.Finish(true) // the image is built: its stages are done while it runs
			}
			if msg.phase == lab.PhaseRebuild {
				// The edit-and-rebuild of a cache lesson: the events that follow are a second
				// build, with steps of its own, and the graph starts over for it.
				job.steps = &engine.Steps{}
				r.track(job)
				tracker = data.trackers[job.strategy.ID]
			}
		}
	}
	return tea.Batch(cmds...)
}

// track starts the stage graph's tracker for the job's build.
func (r *buildRunner) track(job *buildJob) {
	if g := job.strategy.Graph; g != nil {
		r.data.trackers[job.strategy.ID] = stagegraph.NewTracker(g, job.steps)
	}
}

// after is what follows a batch: the next batch of the same build, or when it closed, the
// next build in the queue.
func (r *buildRunner) after(b buildBatchMsg) tea.Cmd {
	if b.closed {
		r.job = nil
		return r.next()
	}
	return waitForBuild(r.job.id, r.job.msgs)
}

// buildStatus is what the screen shows of the build under way.
type buildStatus struct {
	strategy string
	spinner  string
	elapsed  time.Duration
	phase    lab.Phase
	queued   int
}

// status describes the build under way; ok is false when none is.
func (r *buildRunner) status() (st buildStatus, ok bool) {
	job := r.job
	if job == nil {
		return buildStatus{}, false
	}
	return buildStatus{strategy: job.strategy.ID, spinner: r.spinner.View(), elapsed: r.now.Sub(job.started), phase: job.phase, queued: len(r.queue)}, true
}

// tick advances the spinner while a build runs; it reports whether anything on screen changed.
func (r *buildRunner) tick(msg spinner.TickMsg) (tea.Cmd, bool) {
	if r.job == nil || msg.ID != r.spinner.ID() {
		return nil, false
	}
	r.now = msg.Time
	var cmd tea.Cmd
	r.spinner, cmd = r.spinner.Update(msg)
	return cmd, true
}
