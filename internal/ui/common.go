package ui

import (
	"context"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/progress"
)

// common is what every screen and pane shares: the terminal's size and colours, the keys, the
// course and the daemon connection. There is one per program (per learner, over SSH).
type common struct {
	width, height int
	styles        Styles
	keys          KeyMap
	isDark        bool
	plain         bool
	course        *lesson.Course

	eng      engine.Engine
	info     engine.DaemonInfo
	engErr   error
	checking bool // a connection attempt is under way

	// Background work on the daemon (builds, image analyses) runs under workCtx and is counted
	// in work, so that quitting can cancel it and wait for its clean-up: a container created
	// for an analysis must be removed even when the learner quits halfway through.
	workCtx    context.Context
	workCancel context.CancelFunc
	work       sync.WaitGroup
}

// goWork runs fn in the background as counted work.
func (c *common) goWork(fn func()) {
	c.work.Add(1)
	go func() {
		defer c.work.Done()
		fn()
	}()
}

// workCmd is a command that runs as counted work: it is counted now, while the model owns the
// program, so that quitting waits for its clean-up even if Bubble Tea has not started it yet.
func (c *common) workCmd(fn func(ctx context.Context) tea.Msg) tea.Cmd {
	c.work.Add(1)
	ctx := c.workCtx
	return func() tea.Msg {
		defer c.work.Done()
		return fn(ctx)
	}
}

// stopWork cancels background work and waits, at most timeout, for it to clean up.
func (c *common) stopWork(timeout time.Duration) {
	c.workCancel()
	done := make(chan struct{})
	go func() { c.work.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout):
	}
}

// saveCmd writes progress and results off the UI goroutine. A failure to save is not worth
// interrupting a lesson for; the next save tries again.
func saveCmd(p *progress.Store, r *progress.ResultsCache) tea.Cmd {
	if p == nil && r == nil {
		return nil
	}
	return func() tea.Msg {
		if p != nil {
			_ = p.Save()
		}
		if r != nil {
			_ = r.Save()
		}
		return nil
	}
}
