package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/docktutor/docktutor/internal/lesson"
)

// glossaryView is the glossary drawn over a lesson (G): every term of the course, the ones the
// lesson uses first. Terms are "linked" from the lesson by use, not by markup: the lesson's
// text, explanations and questions are searched for each term and its aliases
// (lesson.Course.TermsIn), so a lesson author writes plain prose, Glamour's rendering of it
// stays untouched, and a new term in glossary.yaml reaches every lesson that already uses it.
type glossaryView struct {
	c      *common
	lesson *lesson.Lesson
	used   []*lesson.Term
	other  []*lesson.Term
	scroll scroller
}

func newGlossaryView(c *common, l *lesson.Lesson) *glossaryView {
	g := &glossaryView{c: c, lesson: l, scroll: newScroller(c.keys)}
	if c.course == nil {
		return g
	}
	// The terms the lesson teaches first, then the others it uses, each in glossary order.
	g.used = c.course.TermsIn(l)
	slices.SortStableFunc(g.used, func(a, b *lesson.Term) int {
		return cmp.Compare(taughtElsewhere(a, l), taughtElsewhere(b, l))
	})
	in := map[string]bool{}
	for _, t := range g.used {
		in[t.ID] = true
	}
	for _, t := range c.course.Glossary {
		if !in[t.ID] {
			g.other = append(g.other, t)
		}
	}
	return g
}

func taughtElsewhere(t *lesson.Term, l *lesson.Lesson) int {
	if t.Lesson == l.ID {
		return 0
	}
	return 1
}

// closes reports whether a key closes the glossary: G again, esc, or the help key.
func (g *glossaryView) closes(msg tea.KeyPressMsg) bool {
	k := g.c.keys
	return key.Matches(msg, k.Glossary) || msg.String() == "esc" || key.Matches(msg, k.Help)
}

// update scrolls on the scroll keys.
func (g *glossaryView) update(msg tea.KeyPressMsg) { g.scroll.scroll(msg) }

// maxGlossaryWidth keeps the glossary's lines short enough to read on a wide screen.
const maxGlossaryWidth = 100

// View draws the glossary in a frame at most maxGlossaryWidth wide, centred in width×height.
func (g *glossaryView) View(width, height int) string {
	if width > maxGlossaryWidth {
		return lipgloss.PlaceHorizontal(width, lipgloss.Center, g.View(maxGlossaryWidth, height))
	}
	w, h := paneInner(width, height)
	g.scroll.setText(RenderGlossary(g.lesson.ID, g.used, g.other, g.c.styles, w), h)
	title := fmt.Sprintf("Glossary · %d terms in %s", len(g.used), g.lesson.ID)
	return paneBox(fitTitle(title, g.scroll.hint(true), width), g.scroll.view(), width, height, true, g.c.styles)
}

// bindings are the keys the glossary answers.
func (g *glossaryView) bindings() []key.Binding {
	closeKey := key.NewBinding(key.WithKeys("G", "esc"), key.WithHelp("G/esc", "close glossary"))
	return append([]key.Binding{closeKey}, g.scroll.bindings()...)
}

// RenderGlossary is the glossary's text for a width: the terms lesson uses, then the others,
// each with its definition and the lesson that teaches it.
func RenderGlossary(lessonID string, used, other []*lesson.Term, st Styles, width int) string {
	var b strings.Builder
	section := func(head string, terms []*lesson.Term) {
		if len(terms) == 0 {
			return
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(st.Subtitle.Render(wrapText(head, width)))
		for _, t := range terms {
			b.WriteString("\n\n" + glossaryEntry(t, lessonID, st, width))
		}
	}
	if len(used)+len(other) == 0 {
		return st.Muted.Render(wrapText("This course has no glossary (lessons/glossary.yaml).", width))
	}
	section("Used in "+lessonID, used)
	section("Other terms", other)
	return b.String()
}

// glossaryEntry is one term: its name and where it is taught, then its definition.
func glossaryEntry(t *lesson.Term, lessonID string, st Styles, width int) string {
	where := "taught in " + t.Lesson
	if t.Lesson == lessonID {
		where = "taught here"
	}
	head := st.Title.Render(t.Term) + st.Muted.Render(" · "+where)
	if len(t.Aliases) > 0 {
		head += st.Muted.Render(" · also " + strings.Join(t.Aliases, ", "))
	}
	return wrapText(head, width) + "\n" + indentLines(wrapAtSpaces(inlineCode(stripEmphasis(t.Definition), st), width-2), "  ")
}

// stripEmphasis joins a definition's lines into paragraphs and drops bold marks; code spans
// stay, for inlineCode.
func stripEmphasis(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "**", "")
	paras := strings.Split(s, "\n\n")
	for i, p := range paras {
		paras[i] = strings.Join(strings.Fields(p), " ")
	}
	return strings.Join(paras, "\n\n")
}

// inlineCode draws markdown code spans (`…`) in the accent colour, without the backticks.
func inlineCode(s string, st Styles) string {
	parts := strings.Split(s, "`")
	if len(parts)%2 == 0 {
		return s // an unpaired backtick: leave the text as written
	}
	for i := 1; i < len(parts); i += 2 {
		parts[i] = st.Accent.Render(parts[i])
	}
	return strings.Join(parts, "")
}

// wrapAtSpaces wraps text (which may hold colours) at spaces only, so that a flag such as
// --from=alpine stays whole (lipgloss and ansi.Wrap also break at hyphens); a word wider than
// the line is cut hard.
func wrapAtSpaces(s string, width int) string {
	width = max(width, 10)
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			switch {
			case line == "":
				line = w
			case ansi.StringWidth(line)+1+ansi.StringWidth(w) <= width:
				line += " " + w
			default:
				out = append(out, line)
				line = w
			}
			for ansi.StringWidth(line) > width {
				out = append(out, ansi.Truncate(line, width, ""))
				line = ansi.TruncateLeft(line, width, "")
			}
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// indentLines puts prefix before every line of s.
func indentLines(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

// glossaryKey opens the glossary on G in a lesson and, while it is open, gives it every key
// but quit. It reports whether it took the key.
func (m *Model) glossaryKey(msg tea.KeyPressMsg) bool {
	k := m.c.keys
	switch {
	case m.glossary != nil && key.Matches(msg, k.Quit):
		return false
	case m.glossary != nil && m.glossary.closes(msg):
		m.glossary = nil
	case m.glossary != nil:
		m.glossary.update(msg)
	case key.Matches(msg, k.Glossary) && m.screen == screenLesson && m.lesson != nil && !m.fullHelp:
		m.glossary = newGlossaryView(m.c, m.lesson.lesson())
	default:
		return false
	}
	return true
}
