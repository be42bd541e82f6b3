package ui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/docktutor/docktutor/internal/lesson"
)

// A lesson opened from the command line starts with only the part of the course its screen
// shows (Options.FullCourse): the rest is loaded after the first frame, as the daemon is
// connected after it, and takes the part's place here.

// courseLoadedMsg is the whole course, or why it could not be loaded.
type courseLoadedMsg struct {
	c   *lesson.Course
	err error
}

// startCourse loads the whole course once, when only a part of it was given. Like the
// connection it waits for the first frame (startNowMsg).
func (m *Model) startCourse() tea.Cmd {
	if m.courseStarted || m.opts.FullCourse == nil {
		return nil
	}
	m.courseStarted = true
	load := m.opts.FullCourse
	return func() tea.Msg {
		c, err := load()
		return courseLoadedMsg{c: c, err: err}
	}
}

// takeCourse puts the whole course in place of the part the program started with, and reports
// whether the screen shows a difference. The lessons already open keep their screens, and the
// course takes their lessons, so that one lesson is one value wherever it is reached from.
func (m *Model) takeCourse(msg courseLoadedMsg) bool {
	if msg.err != nil {
		m.warnings = append(m.warnings, "course: "+msg.err.Error()+"; only this lesson is available")
		return true
	}
	for i, l := range msg.c.Lessons {
		if s := m.opened[l.ID]; s != nil {
			msg.c.Lessons[i] = s.lesson()
		}
	}
	m.opts.Course, m.c.course = msg.c, msg.c
	m.menu = newMenu(msg.c, m.opts.Progress)
	return m.screen == screenMenu || m.glossary != nil
}
