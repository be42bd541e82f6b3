package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/termtext"
)

// tooSmall says the terminal is too small in the longest of a few wordings that fits it.
func tooSmall(w, h int) string {
	for _, msg := range []string{
		fmt.Sprintf("docktutor needs at least %d×%d\nthis terminal is %d×%d\n\nmake it larger, or press q to quit", minWidth, minHeight, w, h),
		fmt.Sprintf("needs at least %d×%d\nthis one is %d×%d\nenlarge it; q quits", minWidth, minHeight, w, h),
		fmt.Sprintf("needs %d×%d\nq quits", minWidth, minHeight),
	} {
		lines := strings.Split(msg, "\n")
		fits := len(lines) <= h
		for _, l := range lines {
			fits = fits && lipgloss.Width(l) <= w
		}
		if fits {
			return msg
		}
	}
	return truncate("too small", w)
}

func (m *Model) render() string {
	w, h := m.c.width, m.c.height
	st := m.c.styles
	if w == 0 || h == 0 {
		return ""
	}
	if w < minWidth || h < minHeight {
		return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, st.Warn.Render(tooSmall(w, h)))
	}
	switch {
	case len(m.warnings) > 0:
		return m.renderWarnings()
	case m.fullHelp:
		return m.renderHelp()
	}
	var body string
	switch m.screen {
	case screenMenu:
		body = m.menu.view(m.c, h-2)
	case screenLesson:
		body = m.lesson.View(h - 2)
		if m.glossary != nil {
			body = m.glossary.View(w, h-2)
		}
	case screenExercise:
		body = m.exercise.View(h - 2)
	}
	return fitBlock(body, w, h-2) + "\n" + m.statusLine() + "\n" + m.helpLine()
}

// statusLine says which daemon builds go to, or why they cannot.
func (m *Model) statusLine() string {
	st, c := m.c.styles, m.c
	var s string
	class := m.classroomStatus()
	switch {
	case m.confirmQuit:
		s = st.Warn.Render("A build is running. Press q again to cancel it and quit, any other key to stay.")
	case class != "":
		s = class
	case m.screen == screenExercise && m.exercise.status() != "":
		s = st.Warn.Render(m.exercise.status())
	case c.checking:
		s = st.Muted.Render("Connecting to Docker…")
	case c.engErr != nil:
		s = st.Error.Render("Builds unavailable: ") + oneLine(c.engErr.Error()) + st.Muted.Render("  (r retries)")
	case c.eng != nil:
		builder, daemon := c.info.Default, "Docker"
		if m.opts.Builder != "" && m.opts.Builder != engine.BuilderAuto {
			builder = m.opts.Builder
		}
		if c.info.Podman { // buildah builds whatever is asked for
			builder, daemon = engine.BuilderBuildah, "Podman"
		}
		where := c.info.Endpoint
		if c.info.Context != "" {
			where = fmt.Sprintf("context %s: %s", c.info.Context, c.info.Endpoint)
		}
		s = st.OK.Render("●") + st.Status.Render(fmt.Sprintf(" %s %s · API %s · builder %s · %s",
			daemon, c.info.ServerVersion, c.info.APIVersion, builder, where))
	}
	return truncate(s, c.width)
}

func (m *Model) helpLine() string {
	return truncate(m.help.ShortHelpView(m.bindings()), m.c.width)
}

// bindings lists the keys that do something right now, most useful first; in a classroom,
// the hand right after quit.
func (m *Model) bindings() []key.Binding {
	b := m.screenBindings()
	editing := m.screen == screenExercise && (m.exercise.editing() || m.exercise.confirm != "")
	if m.c.room == nil || editing || m.glossary != nil {
		return b
	}
	// Right after quit: a narrow help line is cut from the end, and a learner stuck needs h.
	at := len(b)
	for i, kb := range b {
		if kb.Help().Key == "q" {
			at = i + 1
			break
		}
	}
	return slices.Insert(b, at, handBinding(m.class.hand))
}

// screenBindings lists the current screen's keys that do something right now.
func (m *Model) screenBindings() []key.Binding {
	k := m.c.keys
	var out []key.Binding
	if m.c.engErr != nil && !m.c.checking {
		out = append(out, k.Retry) // the way out comes first when builds are unavailable
	}
	quit := k.Quit
	quit.SetHelp("q", "quit")
	switch m.screen {
	case screenMenu:
		return append(out, k.Up, k.Down, k.Open, k.Help, quit)
	case screenExercise:
		if m.exercise.editing() || m.exercise.confirm != "" {
			return m.exercise.bindings()
		}
		main := m.exercise.bindings()
		n := min(3, len(main))
		out = append(out[:0], main[:n]...) // on this screen c, not r, retries Docker
		return append(append(append(out, k.Help, quit), main[n:]...), k.Back)
	}
	// The lesson's main keys, then help and quit, then the rest: on a narrow terminal the
	// line is cut from the end, and ? lists everything.
	if m.glossary != nil {
		return append(out, append(m.glossary.bindings(), quit)...)
	}
	main := m.lesson.bindings()
	n := min(3, len(main))
	out = append(out, main[:n]...)
	out = append(out, k.Help, quit, k.Glossary)
	out = append(out, main[n:]...)
	if !m.lesson.building() {
		if m.nextLesson() != nil {
			out = append(out, k.NextLesson)
		}
		out = append(out, k.Back)
	}
	return out
}

func (m *Model) renderHelp() string {
	st, k := m.c.styles, m.c.keys
	groups := [][]key.Binding{{k.Up, k.Down, k.Open}}
	if m.lesson != nil && m.screen == screenLesson {
		groups = m.lesson.FullHelp()
		groups[len(groups)-1] = append(groups[len(groups)-1], k.NextLesson, k.Back)
	}
	if m.screen == screenExercise {
		groups = m.exercise.FullHelp()
		groups[len(groups)-1] = append(groups[len(groups)-1], k.Back)
	}
	// The program's own keys share the second column, the shortest: an 80-column screen has
	// room for three.
	app := []key.Binding{k.Help, k.Quit, k.Retry}
	if m.screen == screenLesson {
		app = append(app, k.Glossary)
	}
	if len(groups) > 1 {
		groups[1] = append(groups[1], app...)
	} else {
		groups = append(groups, app)
	}
	groups = onceEach(groups)
	width := m.c.width - 8 // the frame and its padding
	fh := m.help
	fh.ShowAll = true
	fh.SetWidth(width)
	body := st.Title.Render("docktutor — keys") + "\n\n" + fh.FullHelpView(groups) + "\n\n" +
		st.Muted.Render(wrapText("Builds run on your own Docker daemon; images are tagged docktutor/<lesson>:<strategy> "+
			"and labelled io.docktutor.*, so `docktutor clean` removes them and nothing else.", width)+
			"\n\n"+"Press ? or esc to close this help.")
	return fitBlock(lipgloss.Place(m.c.width, m.c.height, lipgloss.Center, lipgloss.Center,
		m.c.styles.Pane.Padding(1, 2).Render(body)), m.c.width, m.c.height)
}

// onceEach drops the bindings listed before (the same key for the same thing), and the groups
// left empty.
func onceEach(groups [][]key.Binding) [][]key.Binding {
	seen := map[string]bool{}
	var out [][]key.Binding
	for _, g := range groups {
		var kept []key.Binding
		for _, b := range g {
			if h := b.Help().Key + " " + b.Help().Desc; !seen[h] {
				seen[h] = true
				kept = append(kept, b)
			}
		}
		if len(kept) > 0 {
			out = append(out, kept)
		}
	}
	return out
}

// renderWarnings shows the warnings found while starting, over the whole screen, until a key.
func (m *Model) renderWarnings() string {
	st := m.c.styles
	width := min(m.c.width-8, 90)
	var b strings.Builder
	b.WriteString(st.Warn.Render("⚠ Before you start") + "\n")
	for _, w := range m.warnings {
		b.WriteString("\n" + wrapText(termtext.PlainLines(w), width) + "\n")
	}
	b.WriteString("\n" + st.Muted.Render("Nothing was lost. Press any key to continue."))
	return lipgloss.Place(m.c.width, m.c.height, lipgloss.Center, lipgloss.Center,
		st.Pane.Padding(1, 2).Render(b.String()))
}
