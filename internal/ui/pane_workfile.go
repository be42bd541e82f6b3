package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/ui/stagegraph"
)

// workPane is the learner's Dockerfile with its line numbers and its stage graph, and once
// asked for (or solved) the solution beside it. A file that does not parse says where.
type workPane struct {
	c  *common
	ex *exerciseScreen
	scrolling
	// parsed is the graph of parsedFrom, the content it was parsed from.
	parsedFrom string
	graph      *dockerfile.Graph
	parseErr   error
}

func newWorkPane(c *common, ex *exerciseScreen) *workPane {
	return &workPane{c: c, ex: ex, scrolling: newScrolling(c.keys), parsedFrom: "\x00"}
}

func (p *workPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	p.scrollKey(msg)
	return p, nil
}

// parse parses the file on screen, once per content.
func (p *workPane) parse() {
	content := p.ex.state.content
	if content == p.parsedFrom {
		return
	}
	p.parsedFrom = content
	p.graph, p.parseErr = dockerfile.Parse([]byte(content), dockerfile.Options{})
}

// View draws the pane: the file and its graph, or the file and the solution side by side.
func (p *workPane) View(width, height int) string {
	st := p.c.styles
	p.parse()
	w, h := paneInner(width, height)
	s := p.ex.state
	var b strings.Builder
	switch {
	case s.readErr != nil:
		b.WriteString(st.Error.Render(wrapText("Cannot read your file: "+oneLine(s.readErr.Error()), w)))
	case p.ex.showSolution:
		b.WriteString(p.sideBySide(w))
	default:
		b.WriteString(RenderDockerfile(s.content, st, w))
		b.WriteString("\n\n")
		if p.parseErr != nil {
			b.WriteString(st.Error.Render(wrapText(oneLine(p.parseErr.Error()), w)))
		} else if p.graph != nil {
			b.WriteString(st.Subtitle.Render("Stages") + "\n")
			b.WriteString(stagegraph.Draw(p.graph, p.ex.stageStates(), st.Graph, stagegraph.Options{Width: w}).Text)
		}
	}
	p.scroll.setText(b.String(), h)
	title := "Your " + p.ex.ex.WorkspaceFile()
	if p.ex.showSolution {
		title += " · and a solution"
	}
	return paneBox(fitTitle(title, p.scroll.hint(p.focused), width), p.scroll.view(), width, height, p.focused, st)
}

// sideBySide is the learner's file and the solution in two columns, or one above the other
// when the pane is too narrow for two.
func (p *workPane) sideBySide(w int) string {
	st := p.c.styles
	mine, theirs := p.ex.state.content, string(p.ex.ex.Solution)
	if w < 70 {
		return st.Subtitle.Render("Yours") + "\n" + RenderDockerfile(mine, st, w) + "\n\n" +
			st.Subtitle.Render("A solution") + "\n" + RenderDockerfile(theirs, st, w)
	}
	colW := (w - 3) / 2
	left := strings.Split(st.Subtitle.Render("Yours")+"\n"+RenderDockerfile(mine, st, colW), "\n")
	right := strings.Split(st.Subtitle.Render("A solution")+"\n"+RenderDockerfile(theirs, st, colW), "\n")
	n := max(len(left), len(right))
	lines := make([]string, n)
	for i := range n {
		var l, r string
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		l = truncate(l, colW)
		lines[i] = l + strings.Repeat(" ", max(0, colW-ansi.StringWidth(l))) + st.Muted.Render(" │ ") + r
	}
	return strings.Join(lines, "\n")
}
