package ui

import (
	"context"
	"strings"
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
	room          Classroom // the classroom the program is served in; nil outside one

	eng      engine.Engine
	info     engine.DaemonInfo
	engErr   error
	checking bool // a connection attempt is under way

	// Background work that creates things on the daemon (builds, image analyses) runs under
	// workCtx and is counted in work, so that quitting can cancel it and wait for its clean-up:
	// a container created for an analysis must be removed even when the learner quits halfway
	// through. Work counts from when it starts; once stopping is set, none starts.
	workCtx    context.Context
	workCancel context.CancelFunc
	work       sync.WaitGroup
	workMu     sync.Mutex
	stopping   bool
}

// beginWork counts a piece of work that is starting, unless the program is stopping.
func (c *common) beginWork() bool {
	c.workMu.Lock()
	defer c.workMu.Unlock()
	if c.stopping {
		return false
	}
	c.work.Add(1)
	return true
}

// goWork runs fn in the background as counted work.
func (c *common) goWork(fn func()) {
	if !c.beginWork() {
		return
	}
	go func() {
		defer c.work.Done()
		fn()
	}()
}

// workCmd is a command that runs as counted work. It counts when Bubble Tea runs it, not when
// it is made: a command that never runs (the learner quit first) must not hold quitting up.
func (c *common) workCmd(fn func(ctx context.Context) tea.Msg) tea.Cmd {
	ctx := c.workCtx
	return func() tea.Msg {
		if !c.beginWork() {
			return nil
		}
		defer c.work.Done()
		return fn(ctx)
	}
}

// stopWork cancels background work and waits, at most timeout, for what started to clean up.
func (c *common) stopWork(timeout time.Duration) {
	c.workMu.Lock()
	c.stopping = true
	c.workMu.Unlock()
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

// typed is a docker command line as the learner would type it to see the same thing: on Podman,
// whose CLI takes the same words, it starts with podman instead.
func (c *common) typed(cmd string) string {
	if rest, ok := strings.CutPrefix(cmd, "docker "); ok && c.info.Podman {
		return "podman " + rest
	}
	return cmd
}
