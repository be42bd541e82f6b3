package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
)

// pane is one box of the lesson screen, built like a bubbles component: it takes the messages
// the screen routes to it, draws itself into the room it is given, and says which keys it
// answers (help.KeyMap) so the help line lists them while it has the focus. The lesson screen
// owns the layout and the focus; a new pane (exercise goals, the instructor's dashboard) slots
// in by implementing this.
type pane interface {
	// Update takes a message: a key while the pane has the focus, or any message the screen
	// hands every pane (a resize, a restyle, a finished analysis).
	Update(msg tea.Msg) (pane, tea.Cmd)
	// View draws the whole pane, frame and title included, in exactly width×height cells.
	View(width, height int) string
	// SetFocused tells the pane whether it has the focus: its frame shows it, and its keys
	// (scrolling) act only then.
	SetFocused(bool)
	help.KeyMap
}

// scroller is the scrolling of a pane's body: a bubbles viewport keeps the offset and moves it
// on the scroll keys, over lines the pane draws itself. The frame around them is paneBox's,
// drawn by hand, as every pane's is: lipgloss borders measured 2–3× slower per frame, and the
// viewport's View renders through lipgloss too.
type scroller struct {
	vp    viewport.Model
	keys  KeyMap
	lines []string
}

func newScroller(keys KeyMap) scroller {
	vp := viewport.New()
	vp.SetWidth(1 << 16) // no horizontal scrolling: panes cut or wrap their lines
	return scroller{vp: vp, keys: keys}
}

// setLines gives the scroller its content and the room it has; the offset stays where it was,
// as far as the new content allows. An entry holding several lines counts as several: the
// viewport splits them, and the scroller must count what the viewport counts.
func (s *scroller) setLines(lines []string, height int) {
	for _, l := range lines {
		if strings.Contains(l, "\n") {
			lines = strings.Split(strings.Join(lines, "\n"), "\n")
			break
		}
	}
	s.lines = lines
	s.vp.SetHeight(max(1, height))
	s.vp.SetContentLines(lines)
	s.vp.SetYOffset(s.vp.YOffset()) // clamps
}

// setText is setLines for text of several lines.
func (s *scroller) setText(text string, height int) {
	s.setLines(strings.Split(text, "\n"), height)
}

// view is the lines in view.
func (s *scroller) view() string {
	from, to := s.window()
	return strings.Join(s.lines[from:to], "\n")
}

// window is the range of lines in view.
func (s *scroller) window() (from, to int) {
	from = min(s.vp.YOffset(), len(s.lines))
	return from, min(from+s.vp.Height(), len(s.lines))
}

// blank holds the empty lines setCount hands the viewport.
var blank = make([]string, maxLogLines)

// setCount is setLines for a pane that draws only the lines in view itself (the build log, of
// up to maxLogLines): the viewport needs their number, not their text.
func (s *scroller) setCount(n, height int) {
	s.setLines(blank[:min(n, len(blank))], height)
}

// scroll moves the offset for a scroll key and reports whether the key was one.
func (s *scroller) scroll(msg tea.KeyPressMsg) bool {
	k := s.keys
	switch {
	case key.Matches(msg, k.Up):
		s.vp.ScrollUp(1)
	case key.Matches(msg, k.Down):
		s.vp.ScrollDown(1)
	case key.Matches(msg, k.PageUp):
		s.vp.PageUp()
	case key.Matches(msg, k.PageDn):
		s.vp.PageDown()
	default:
		return false
	}
	return true
}

// top and bottom move to either end.
func (s *scroller) top()           { s.vp.GotoTop() }
func (s *scroller) bottom()        { s.vp.GotoBottom() }
func (s *scroller) atBottom() bool { return s.vp.AtBottom() }

// show scrolls as little as needed to bring line into view, a third of the way down when it
// must move.
func (s *scroller) show(line int) {
	h := s.vp.Height()
	if off := s.vp.YOffset(); line < off || line >= off+h {
		s.vp.SetYOffset(line - h/3)
	}
}

// scrollable reports whether there is more than fits.
func (s *scroller) scrollable() bool { return len(s.lines) > s.vp.Height() }

// hint is what a pane's title adds about scrolling: that more lies below, or, with the focus
// and scrolled, how far down the pane is.
func (s *scroller) hint(focused bool) string {
	switch {
	case !s.scrollable() || s.vp.AtBottom():
		return ""
	case focused && !s.vp.AtTop():
		return fmt.Sprintf(" · %d%%", int(s.vp.ScrollPercent()*100))
	}
	return " · ↓ more"
}

// bindings is the scroll keys as one entry, for a pane's help while it has the focus and can
// scroll; the full help lists them one by one.
func (s *scroller) bindings() []key.Binding {
	if !s.scrollable() {
		return nil
	}
	return []key.Binding{key.NewBinding(key.WithKeys("up", "down", "pgup", "pgdown"), key.WithHelp("↑/↓/pgdn", "scroll"))}
}

// scrolling is what the panes that scroll share: the scroller, the focus, and the keys these
// give the pane. Panes embed it and add their own.
type scrolling struct {
	scroll  scroller
	focused bool
}

func newScrolling(keys KeyMap) scrolling { return scrolling{scroll: newScroller(keys)} }

// SetFocused tells the pane whether it has the focus.
func (s *scrolling) SetFocused(f bool) { s.focused = f }

// scrollKey scrolls on a scroll key while the pane has the focus.
func (s *scrolling) scrollKey(msg tea.Msg) {
	if k, ok := msg.(tea.KeyPressMsg); ok && s.focused {
		s.scroll.scroll(k)
	}
}

// ShortHelp lists the scroll keys while the pane has the focus and something to scroll.
func (s *scrolling) ShortHelp() []key.Binding {
	if !s.focused {
		return nil
	}
	return s.scroll.bindings()
}

// FullHelp lists the scroll keys.
func (s *scrolling) FullHelp() [][]key.Binding {
	k := s.scroll.keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDn}}
}
