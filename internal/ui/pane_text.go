package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/glamour/v2"
)

// textPane is the lesson's text, rendered with Glamour for the pane's width in the background
// (the raw markdown shows until it arrives) and kept per style and width, so that a resize
// back costs nothing.
type textPane struct {
	c        *common
	lessonID string
	title    string
	text     string            // markdown
	rendered map[string]string // Glamour output by style/width
	width    int               // the width the pane last asked Glamour for
	lines    []string          // the body cut to the pane, for linesFor
	linesFor string            // the rendering and inner width lines were made for
	scrolling
	// status, when set, adds the learner's progress to the title.
	status func() string
}

// markdownMsg carries Glamour's rendering of a lesson's text for one style and width.
type markdownMsg struct {
	lesson, key, out string
}

func newTextPane(c *common, lessonID, title, text string) *textPane {
	return &textPane{c: c, lessonID: lessonID, title: title, text: text, rendered: map[string]string{}, scrolling: newScrolling(c.keys)}
}

func (p *textPane) renderKey(width int) string {
	return fmt.Sprintf("%s/%d", p.c.styles.Markdown, width)
}

// resize starts rendering the text for a body width, unless that rendering is at hand.
func (p *textPane) resize(width int) tea.Cmd {
	p.width = width
	k := p.renderKey(width)
	if _, ok := p.rendered[k]; ok || width < 10 {
		return nil
	}
	return renderMarkdown(p.lessonID, k, p.text, p.c.styles.Markdown, width)
}

// Update takes Glamour's renderings and, with the focus, the scroll keys.
func (p *textPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	switch msg := msg.(type) {
	case markdownMsg:
		if msg.lesson == p.lessonID {
			p.rendered[msg.key] = msg.out
		}
	case tea.KeyPressMsg:
		p.scrollKey(msg)
	}
	return p, nil
}

func renderMarkdown(lessonID, key, text, style string, width int) tea.Cmd {
	return func() tea.Msg {
		r, err := glamour.NewTermRenderer(glamour.WithStandardStyle(style), glamour.WithWordWrap(width))
		if err != nil {
			return nil
		}
		out, err := r.Render(text)
		if err != nil {
			return nil
		}
		return markdownMsg{lesson: lessonID, key: key, out: strings.Trim(out, "\n")}
	}
}

// body is the text for the current width: Glamour's, or the markdown while it renders.
func (p *textPane) body() string {
	if out, ok := p.rendered[p.renderKey(p.width)]; ok {
		return out
	}
	return p.text
}

// View draws the pane.
func (p *textPane) View(width, height int) string {
	w, h := paneInner(width, height)
	if k := fmt.Sprintf("%s/%t/%d", p.renderKey(p.width), p.rendered[p.renderKey(p.width)] != "", w); k != p.linesFor {
		p.lines, p.linesFor = strings.Split(fitWidth(p.body(), w), "\n"), k
	}
	p.scroll.setLines(p.lines, h)
	suffix := p.scroll.hint(p.focused)
	if p.status != nil {
		suffix = p.status() + suffix
	}
	return paneBox(fitTitle(p.title, suffix, width), p.scroll.view(), width, height, p.focused, p.c.styles)
}

// fitWidth cuts every line of s to width; raw markdown shown before Glamour's answer can be
// wider than the pane.
func fitWidth(s string, width int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = truncate(l, width)
	}
	return strings.Join(lines, "\n")
}
