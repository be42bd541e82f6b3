package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/docktutor/docktutor/internal/lesson"
)

// predictPane is a prediction exercise's work: the strategies in the order the learner thinks
// their images weigh, largest first. ↑/↓ choose one, shift+↑/↓ (or K/J) move it; every move is
// saved to the workspace file, and c builds them all and grades the order.
type predictPane struct {
	c       *common
	ex      *exerciseScreen
	predict *lesson.Predict
	cursor  int
	focused bool
}

// predictMovedMsg: the learner moved a strategy; the screen saves the new order to the file.
type predictMovedMsg struct{ content string }

func newPredictPane(c *common, ex *exerciseScreen, p *lesson.Predict) *predictPane {
	return &predictPane{c: c, ex: ex, predict: p}
}

// order is the learner's order: the file's ids that the exercise knows, then any it forgot
// (in the exercise's order), each once.
func (p *predictPane) order() []string {
	var out []string
	for _, line := range strings.Split(p.ex.state.content, "\n") {
		id := strings.TrimSpace(line)
		if slices.Contains(p.predict.Strategies, id) && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	for _, id := range p.predict.Strategies {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func (p *predictPane) SetFocused(f bool) { p.focused = f }

// Update moves the cursor or the strategy under it.
func (p *predictPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || !p.focused {
		return p, nil
	}
	order := p.order()
	keys := p.c.keys
	switch {
	case key.Matches(k, keys.MoveUp) && p.cursor > 0:
		order[p.cursor], order[p.cursor-1] = order[p.cursor-1], order[p.cursor]
		p.cursor--
	case key.Matches(k, keys.MoveDown) && p.cursor < len(order)-1:
		order[p.cursor], order[p.cursor+1] = order[p.cursor+1], order[p.cursor]
		p.cursor++
	case key.Matches(k, keys.Up):
		p.cursor = max(0, p.cursor-1)
		return p, nil
	case key.Matches(k, keys.Down):
		p.cursor = min(len(order)-1, p.cursor+1)
		return p, nil
	default:
		return p, nil
	}
	// The order changes now, the file a moment later: keys typed fast each move the order the
	// previous one left.
	content := strings.Join(order, "\n") + "\n"
	p.ex.state.content = content
	return p, func() tea.Msg { return predictMovedMsg{content: content} }
}

// View draws the pane.
func (p *predictPane) View(width, height int) string {
	st := p.c.styles
	w, h := paneInner(width, height)
	var b strings.Builder
	b.WriteString(st.Muted.Render(wrapText("Largest image first. ↑/↓ choose, shift+↑/↓ or K/J move, c builds them all and grades your order.", w)) + "\n\n")
	for i, id := range p.order() {
		line := fmt.Sprintf("%d. %s", i+1, id)
		if s := p.strategyTitle(id); s != "" {
			line += st.Muted.Render(" — " + s)
		}
		line = truncate(line, w-2)
		if i == p.cursor && p.focused {
			b.WriteString(st.Selected.Render("› "+line) + "\n")
		} else {
			b.WriteString("  " + line + "\n")
		}
	}
	body := strings.Join(strings.Split(strings.TrimRight(b.String(), "\n"), "\n")[:min(h, strings.Count(b.String(), "\n"))], "\n")
	return paneBox(fitTitle("Your prediction", "", width), body, width, height, p.focused, st)
}

// strategyTitle is a strategy's title in the lesson the prediction is about.
func (p *predictPane) strategyTitle(id string) string {
	if l, ok := p.c.course.Find(p.predict.Lesson); ok {
		for _, s := range l.Strategies {
			if s.ID == id {
				return s.Title
			}
		}
	}
	return ""
}

func (p *predictPane) ShortHelp() []key.Binding {
	if !p.focused {
		return nil
	}
	return []key.Binding{p.c.keys.MoveUp, p.c.keys.MoveDown}
}

func (p *predictPane) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }
