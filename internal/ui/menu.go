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

// menuModel is the menu: the course in learning order, each lesson followed by its
// exercises, one row highlighted.
type menuModel struct {
	course   *lesson.Course
	progress *progress.Store
	items    []menuItem
	cursor   int
}

// menuItem is a row of the menu: a lesson, or one of its exercises.
type menuItem struct {
	lesson   *lesson.Lesson
	exercise *lesson.Exercise // nil for the lesson's own row
}

// newMenu starts with the cursor on the lesson the learner last opened, so enter resumes it.
func newMenu(c *lesson.Course, p *progress.Store) menuModel {
	m := menuModel{course: c, progress: p}
	for _, l := range c.Lessons {
		m.items = append(m.items, menuItem{lesson: l})
		for _, ex := range l.Exercises {
			m.items = append(m.items, menuItem{lesson: l, exercise: ex})
		}
	}
	if p != nil {
		last, _ := p.Last()
		for i, it := range m.items {
			if it.exercise == nil && it.lesson.ID == last {
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
	if s.Exercises > 0 {
		parts = append(parts, fmt.Sprintf("%d/%d solved", s.Solved, s.Exercises))
	}
	return strings.Join(parts, " · ")
}

// update moves the cursor; it returns the row to open when the learner picks one.
func (m *menuModel) update(msg tea.KeyPressMsg, k KeyMap) (menuItem, bool) {
	n := len(m.items)
	switch {
	case key.Matches(msg, k.Up):
		m.cursor = (m.cursor - 1 + n) % n
	case key.Matches(msg, k.Down):
		m.cursor = (m.cursor + 1) % n
	case key.Matches(msg, k.Open):
		return m.items[m.cursor], true
	default:
		// Digits jump straight to a lesson.
		if s := msg.String(); len(s) == 1 && s[0] >= '1' && s[0] <= '9' {
			if i := int(s[0] - '1'); i < len(m.course.Lessons) {
				for j, it := range m.items {
					if it.exercise == nil && it.lesson == m.course.Lessons[i] {
						m.cursor = j
						return it, true
					}
				}
			}
		}
	}
	return menuItem{}, false
}

// exerciseStatus is an exercise's mark: ✓ solved, or the most goals met so far.
func (m *menuModel) exerciseStatus(ex *lesson.Exercise, st Styles) string {
	if m.progress == nil {
		return ""
	}
	p := m.progress.Exercise(ex.ID)
	switch {
	case p.Solved:
		return st.OK.Render("✓ solved")
	case p.Total > 0:
		return st.Muted.Render(fmt.Sprintf("%d/%d goals", p.Passed, p.Total))
	}
	return ""
}

// view draws the menu in height lines. When every lesson's summary fits, each shows under its
// lesson; otherwise only the highlighted lesson's shows, at the foot, and the rows scroll to
// keep the cursor in view.
func (m *menuModel) view(c *common, height int) string {
	st := c.styles
	head := st.Title.Render("docktutor") + st.Muted.Render(" — learn how container images are built, by building them")
	foot := st.Muted.Render("Each lesson builds real images on your Docker daemon and shows what they contain.")
	idW, titleW := 0, 0
	for _, it := range m.items {
		id, title := it.lesson.ID, it.lesson.Title
		if it.exercise != nil {
			id, title = "✎ "+it.exercise.ID, it.exercise.Title
		}
		idW, titleW = max(idW, lipgloss.Width(id)), max(titleW, lipgloss.Width(title))
	}
	markW := 0
	for _, it := range m.items {
		if it.exercise == nil {
			markW = max(markW, lipgloss.Width(m.status(it.lesson, st)))
		} else {
			markW = max(markW, lipgloss.Width(m.exerciseStatus(it.exercise, st)))
		}
	}
	titleW = min(titleW, max(10, c.width-idW-9-markW))
	lessonNo := map[*lesson.Lesson]int{}
	for i, l := range m.course.Lessons {
		lessonNo[l] = i + 1
	}
	var rows []string
	cursorRow := 0
	summaries := 0
	for _, it := range m.items {
		if it.exercise == nil && it.lesson.Summary != "" {
			summaries++
		}
	}
	withSummaries := len(m.items)+summaries+4 <= height
	for i, it := range m.items {
		var id, title, mark string
		if it.exercise == nil {
			no := fmt.Sprintf("%d.", lessonNo[it.lesson])
			id, title, mark = fmt.Sprintf("%-*s %s", len(fmt.Sprint(len(m.course.Lessons)))+1, no, it.lesson.ID), it.lesson.Title, m.status(it.lesson, st)
		} else {
			indent := strings.Repeat(" ", len(fmt.Sprint(len(m.course.Lessons)))+2)
			id, title, mark = indent+"✎ "+it.exercise.ID, it.exercise.Title, m.exerciseStatus(it.exercise, st)
		}
		title = truncate(title, titleW)
		line := id + strings.Repeat(" ", max(0, idW+5-lipgloss.Width(id))) + title + strings.Repeat(" ", titleW-lipgloss.Width(title))
		cursor := "  "
		if i == m.cursor {
			cursor, cursorRow = st.Accent.Render("▸ "), len(rows)
			line = st.Selected.Render(line)
		} else if it.exercise != nil {
			line = st.Muted.Render(line)
		}
		rows = append(rows, truncate(cursor+line+" "+mark, c.width))
		if withSummaries && it.exercise == nil && it.lesson.Summary != "" {
			rows = append(rows, "     "+st.Muted.Render(truncate(it.lesson.Summary, c.width-6)))
		}
	}
	if !withSummaries {
		it := m.items[m.cursor]
		about := it.lesson.Summary
		if it.exercise != nil {
			about = "An exercise of " + it.lesson.ID + ": you write the Dockerfile, docktutor builds it and checks it against its goals."
		}
		foot = st.Muted.Render(truncate(about, c.width-2))
	}
	room := max(1, height-4)
	from := 0
	if len(rows) > room {
		from = min(max(0, cursorRow-room/2), len(rows)-room)
		rows = rows[from : from+room]
	}
	return head + "\n\n" + strings.Join(rows, "\n") + "\n\n" + foot
}
