package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/progress"
)

// menuModel is the lesson menu: the course in learning order, one lesson highlighted.
type menuModel struct {
	course   *lesson.Course
	progress *progress.Store
	cursor   int
}

// newMenu starts with the cursor on the lesson the learner last opened, so enter resumes it.
func newMenu(c *lesson.Course, p *progress.Store) menuModel {
	m := menuModel{course: c, progress: p}
	if p != nil {
		last, _ := p.Last()
		for i, l := range c.Lessons {
			if l.ID == last {
				m.cursor = i
			}
		}
	}
	return m
}

// status is a lesson's progress mark for the menu: ✓ done, or what is built and answered.
func (m *menuModel) status(l *lesson.Lesson, st Styles) string {
	if m.progress == nil {
		return ""
	}
	return statusMark(m.progress.Status(l), st)
}

// statusMark is statusText styled for the menu.
func statusMark(s progress.Status, st Styles) string {
	if s.Done() {
		return st.OK.Render(statusText(s))
	}
	return st.Muted.Render(statusText(s))
}

// statusText says how far a learner is in a lesson, in the words the menu and the lesson screen
// share: "✓ done", "2/6 built", "2/2 built · 0/6 answered"; "" before anything is done.
func statusText(s progress.Status) string {
	switch {
	case s.Done():
		return "✓ done"
	case !s.Started():
		return ""
	}
	var parts []string
	if s.Strategies > 0 {
		parts = append(parts, fmt.Sprintf("%d/%d built", s.Built, s.Strategies))
	}
	if s.Questions > 0 {
		parts = append(parts, fmt.Sprintf("%d/%d answered", s.Answered, s.Questions))
	}
	return strings.Join(parts, " · ")
}

// update moves the cursor; it returns the lesson to open when the learner picks one.
func (m *menuModel) update(msg tea.KeyPressMsg, k KeyMap) (*lesson.Lesson, bool) {
	n := len(m.course.Lessons)
	switch {
	case key.Matches(msg, k.Up):
		m.cursor = (m.cursor - 1 + n) % n
	case key.Matches(msg, k.Down):
		m.cursor = (m.cursor + 1) % n
	case key.Matches(msg, k.Open):
		return m.course.Lessons[m.cursor], true
	default:
		// Digits jump straight to a lesson.
		if s := msg.String(); len(s) == 1 && s[0] >= '1' && s[0] <= '9' {
			if i := int(s[0] - '1'); i < n {
				m.cursor = i
				return m.course.Lessons[i], true
			}
		}
	}
	return nil, false
}

func (m *menuModel) view(c *common, height int) string {
	st := c.styles
	var sb strings.Builder
	sb.WriteString(st.Title.Render("docktutor") + st.Muted.Render(" — learn how container images are built, by building them") + "\n\n")
	idW, titleW := 0, 0
	for _, l := range m.course.Lessons {
		idW, titleW = max(idW, len(l.ID)), max(titleW, lipgloss.Width(l.Title))
	}
	titleW = min(titleW, max(10, c.width-idW-20))
	for i, l := range m.course.Lessons {
		cursor, title := "  ", truncate(l.Title, titleW)
		line := fmt.Sprintf("%d. %-*s  %s%s", i+1, idW, l.ID, title, strings.Repeat(" ", titleW-lipgloss.Width(title)))
		if i == m.cursor {
			cursor = st.Accent.Render("▸ ")
			line = st.Selected.Render(line)
		}
		sb.WriteString(cursor + line + " " + m.status(l, st) + "\n")
		if l.Summary != "" {
			sb.WriteString("     " + st.Muted.Render(truncate(l.Summary, c.width-6)) + "\n")
		}
	}
	sb.WriteString("\n" + st.Muted.Render("Each lesson builds real images on your Docker daemon and shows what they contain."))
	return sb.String()
}
