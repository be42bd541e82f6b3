package ui

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Classroom connects a learner's program to the room it is served in (docktutor serve): the
// room learns where the learner is, how their builds end, whether their hand is up and what
// their screen shows, so that the instructor's dashboard can. Nil when the tutorial runs on the
// learner's own machine. Its methods are called from the program's event loop and must not
// block.
type Classroom interface {
	Moved(where string)
	Built(ok bool)
	RaiseHand(up bool)
	Drew(frame string)
}

// AnnounceMsg is a line from the instructor, shown on every learner's status line for
// announceFor.
type AnnounceMsg struct{ Text string }

const announceFor = 2 * time.Minute

// announceOverMsg ends the announcement numbered seq, unless a newer one replaced it.
type announceOverMsg struct{ seq int }

// classroomState is what the program keeps of the room it is in (common.room).
type classroomState struct {
	hand     bool
	where    string
	announce string
	seq      int
}

// handBinding is the key that raises and lowers a hand in a classroom. There h is the hand on
// every screen, so an exercise's hint moves to i.
func handBinding(up bool) key.Binding {
	if up {
		return key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "lower hand"))
	}
	return key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "raise hand"))
}

// classroomKeys adapts the key map to a classroom.
func classroomKeys(k KeyMap) KeyMap {
	k.Hint = key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "hint"))
	return k
}

// announced shows the instructor's line and schedules its end.
func (m *Model) announced(msg AnnounceMsg) tea.Cmd {
	cs := &m.class
	cs.seq++
	cs.announce = oneLine(msg.Text)
	seq := cs.seq
	return tea.Tick(announceFor, func(time.Time) tea.Msg { return announceOverMsg{seq: seq} })
}

// toggleHand raises or lowers the learner's hand and tells the room.
func (m *Model) toggleHand() {
	m.class.hand = !m.class.hand
	m.c.room.RaiseHand(m.class.hand)
}

// tellRoom reports where the learner is when it changed. It runs after every message.
func (m *Model) tellRoom() {
	if m.c.room == nil {
		return
	}
	if w := m.where(); w != m.class.where {
		m.class.where = w
		m.c.room.Moved(w)
	}
}

// where says, for the instructor, which screen the learner is on.
func (m *Model) where() string {
	switch m.screen {
	case screenLesson:
		return "lesson " + m.lesson.lesson().ID
	case screenExercise:
		ex := m.exercise
		return fmt.Sprintf("exercise %s · %d/%d goals", ex.ex.ID, ex.state.passed(), len(ex.ex.Goals))
	}
	return "menu"
}

// classroomStatus is the status line's classroom part: the instructor's announcement, else the
// raised hand; "" when neither.
func (m *Model) classroomStatus() string {
	st := m.c.styles
	switch {
	case m.class.announce != "":
		return st.Warn.Render("✉ instructor: ") + m.class.announce
	case m.class.hand:
		return st.Warn.Render("✋ your hand is up") + st.Muted.Render(" — the instructor sees it; h lowers it")
	}
	return ""
}
