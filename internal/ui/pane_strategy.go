package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/ui/stagegraph"
)

// strategyPane is the strategy on screen: its explanation and Dockerfile, and the Dockerfile's
// stage graph, lit by the latest build. From wideWidth columns the graph has a box of its own
// beside the Dockerfile; on narrower screens g switches between the two.
type strategyPane struct {
	// drawn keeps the last drawing of each kind (the Dockerfile with its explanation, the
	// graph), keyed by what it was drawn from: a frame that only moves the spinner draws
	// neither again.
	drawn map[string]drawing
	c     *common
	data  *lessonData
	scrolling
	showGraph bool // narrow screens: the graph instead of the Dockerfile
}

// strategyMsg says that another strategy is on screen.
type strategyMsg struct{}

// drawing is a cached drawing and what it was drawn from.
type drawing struct {
	from string
	text string
}

func newStrategyPane(c *common, data *lessonData) *strategyPane {
	return &strategyPane{c: c, data: data, scrolling: newScrolling(c.keys), drawn: map[string]drawing{}}
}

// draw returns the drawing of a kind made from from, drawing it again only when from changed.
func (p *strategyPane) draw(kind, from string, fn func() string) string {
	if d, ok := p.drawn[kind]; ok && d.from == from {
		return d.text
	}
	text := fn()
	p.drawn[kind] = drawing{from: from, text: text}
	return text
}

// Update switches between Dockerfile and graph (g, on narrow screens), scrolls on the scroll
// keys, and goes back to the top for another strategy.
func (p *strategyPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	switch msg := msg.(type) {
	case strategyMsg:
		p.scroll.top()
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, p.c.keys.Graph) && p.narrow():
			p.showGraph = !p.showGraph
			p.scroll.top()
		default:
			p.scrollKey(msg)
		}
	}
	return p, nil
}

// narrow reports whether the graph shares the pane with the Dockerfile.
func (p *strategyPane) narrow() bool { return p.c.width < wideWidth }

// View draws the pane, and beside it the graph's box when there is room: width is for both.
func (p *strategyPane) View(width, height int) string {
	st, s := p.c.styles, p.data.strategy()
	graphW := 0
	if !p.narrow() {
		graphW = layoutFor(p.c.width, p.c.height).graphW
	}
	stratW := width - graphW
	w, h := paneInner(stratW, height)
	title := fmt.Sprintf("Strategy %d/%d · %s", p.data.cur+1, len(p.data.l.Strategies), s.ID)
	if graphW == 0 && p.showGraph {
		title += " · stage graph"
		p.scroll.setText(p.graph(s, w, 0), h)
	} else {
		p.scroll.setText(p.draw("dockerfile", fmt.Sprintf("%s/%d/%s", s.ID, w, st.Markdown), func() string {
			explain := wrapText(stripMarkdown(s.Explain), w)
			return st.Subtitle.Render(s.Title) + "\n" + explain + "\n\n" + RenderDockerfile(s.Dockerfile, st, w)
		}), h)
	}
	box := paneBox(fitTitle(title, p.scroll.hint(p.focused), stratW), p.scroll.view(), stratW, height, p.focused, st)
	if graphW == 0 {
		return box
	}
	gw, gh := paneInner(graphW, height)
	return joinRow(box, paneBox(graphTitle(s), p.graph(s, gw, gh), graphW, height, false, st))
}

func graphTitle(s *lesson.Strategy) string {
	if s.Target != "" {
		return "Stages · --target " + s.Target
	}
	return "Stages"
}

// graph draws the strategy's stage graph, lit with the states of its latest build.
func (p *strategyPane) graph(s *lesson.Strategy, width, height int) string {
	g := s.Graph
	if g == nil {
		return p.c.styles.Muted.Render("This Dockerfile has no stage graph.")
	}
	t := p.data.trackers[s.ID]
	revision := -1
	if t != nil {
		revision = t.Revision()
	}
	return p.draw("graph", fmt.Sprintf("%s/%d/%d/%s/%p/%d", s.ID, width, height, p.c.styles.Markdown, t, revision), func() string {
		var states map[int]stagegraph.State
		if t != nil {
			states = t.States()
		}
		return stagegraph.Draw(g, states, p.c.styles.Graph, stagegraph.Options{Width: width, Height: height}).Text
	})
}

// FullHelp lists the pane's keys: scrolling, and g (which the lesson screen offers on narrow
// screens).
func (p *strategyPane) FullHelp() [][]key.Binding {
	return append(p.scrolling.FullHelp(), []key.Binding{p.c.keys.Graph})
}
