package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	tea "charm.land/bubbletea/v2"
	"charm.land/glamour/v2"
)

// textPane is the lesson's text, rendered with Glamour for the pane's width and kept per
// style and width, so that a resize back costs nothing. The rendering is done in Update, when
// the size or the style changes, not in a command: it takes a few milliseconds, and the first
// frame is then drawn whole. Drawn first with the raw markdown and again a moment later, it
// cost more than the rendering itself, for the first frame is the largest write of all.
type textPane struct {
	c        *common
	lessonID string
	title    string
	text     string            // markdown
	rendered map[string]string // Glamour output by style/width
	width    int               // the width the pane last rendered for
	lines    []string          // the body cut to the pane, for linesFor
	linesFor string            // the rendering and inner width lines were made for
	scrolling
	// status, when set, adds the learner's progress to the title.
	status func() string
	// toEnd scrolls to the end at the next draw (an exercise's new hint is there).
	toEnd bool
}

func newTextPane(c *common, lessonID, title, text string) *textPane {
	return &textPane{c: c, lessonID: lessonID, title: title, text: text, rendered: map[string]string{}, scrolling: newScrolling(c.keys)}
}

func (p *textPane) renderKey(width int) string {
	return fmt.Sprintf("%s/%d", p.c.styles.Markdown, width)
}

// resize renders the text for a body width, unless that rendering is at hand. Should Glamour
// fail, the markdown shows as it is.
func (p *textPane) resize(width int) {
	p.width = width
	k := p.renderKey(width)
	if _, ok := p.rendered[k]; ok || width < 10 {
		return
	}
	if out, err := renderMarkdown(p.text, p.c.styles.Markdown, width); err == nil {
		p.rendered[k] = out
	}
}

// Update scrolls on the scroll keys while the pane has the focus.
func (p *textPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	p.scrollKey(msg)
	return p, nil
}

// renderMarkdown renders markdown with a Glamour style, wrapped to width.
func renderMarkdown(text, style string, width int) (string, error) {
	r, err := glamour.NewTermRenderer(glamour.WithStandardStyle(style), glamour.WithWordWrap(width))
	if err != nil {
		return "", err
	}
	out, err := r.Render(text)
	return strings.Trim(out, "\n"), err
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
	if p.toEnd {
		p.scroll.bottom()
		p.toEnd = false
	}
	suffix := p.scroll.hint(p.focused)
	if p.status != nil {
		suffix = p.status() + suffix
	}
	title := p.title
	if room := width - 5 - ansi.StringWidth(suffix); ansi.StringWidth(title) > room && p.status != nil {
		// The lesson's id whole rather than its title cut to nothing; when even that does not
		// fit, the scroll hint goes and the status is cut at its end.
		title = p.lessonID
		if len(title) > room {
			suffix = p.status()
			return paneBox(truncate(title+suffix, width-5), p.scroll.view(), width, height, p.focused, p.c.styles)
		}
	}
	return paneBox(fitTitle(title, suffix, width), p.scroll.view(), width, height, p.focused, p.c.styles)
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
