package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/exercise"
	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/lesson"
)

// checkJob is an exercise check under way: the learner's file built and its goals measured.
// Its id tags every message it sends, as a build's does, so a check replaced by a newer one
// (the learner saved again) cannot repaint the screen.
type checkJob struct {
	id      int
	content string // the file being checked
	cancel  context.CancelFunc
	msgs    chan tea.Msg
	started time.Time
	phase   lab.Phase
	steps   *engine.Steps
}

// The messages a check sends besides its build's events (*buildEventMsg), in batches
// (buildBatchMsg).
type (
	// checkPhaseMsg: the check moved on (build, run, rebuild…).
	checkPhaseMsg struct{ phase lab.Phase }
	// checkGoalMsg: one goal's verdict is known.
	checkGoalMsg struct{ v exercise.Verdict }
	// checkDoneMsg: the check ended; err is an infrastructure failure (no daemon, cancelled),
	// a failed build is a report that did not pass.
	checkDoneMsg struct {
		rep exercise.Report
		err error
	}
)

// startCheck checks content in the background and returns the job and the command that reads
// its first messages.
func startCheck(c *common, id int, ex *lesson.Exercise, content string, opts exercise.Options) (*checkJob, tea.Cmd) {
	ctx, cancel := context.WithCancel(c.workCtx)
	job := &checkJob{id: id, content: content, cancel: cancel, msgs: make(chan tea.Msg, 256),
		started: time.Now(), phase: lab.PhaseBuild, steps: &engine.Steps{}}
	eng, quit := c.eng, c.workCtx.Done()
	c.goWork(func() { runCheck(ctx, eng, ex, []byte(content), opts, job.msgs, quit) })
	return job, waitForBuild(id, job.msgs)
}

// runCheck runs in its own goroutine and reports through ch, which it closes at the end.
func runCheck(ctx context.Context, eng engine.Engine, ex *lesson.Exercise, content []byte, opts exercise.Options, ch chan<- tea.Msg, quit <-chan struct{}) {
	defer close(ch)
	send := func(msg tea.Msg) {
		select {
		case ch <- msg:
		case <-quit:
		}
	}
	rep, err := exercise.Check(ctx, eng, ex, content, opts, exercise.Hooks{
		Event: func(ev engine.Event) { send(&buildEventMsg{ev: ev}) },
		Phase: func(p lab.Phase) { send(checkPhaseMsg{phase: p}) },
		Goal:  func(v exercise.Verdict) { send(checkGoalMsg{v: v}) },
	})
	send(checkDoneMsg{rep: rep, err: err})
}
