package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/docktutor/docktutor/internal/lesson"
)

// qaState is where a learner is in a lesson's questions: the question selected (0 is the
// lesson's introduction, i is question i-1), their answers and the questions whose evidence
// they asked to see without answering. The question list and the answer pane share it.
type qaState struct {
	l        *lesson.Lesson
	cursor   int
	answers  map[string]int // question id → chosen choice, 1-based
	revealed map[string]bool
}

func newQAState(l *lesson.Lesson, answers map[string]int) *qaState {
	if answers == nil {
		answers = map[string]int{}
	}
	return &qaState{l: l, answers: answers, revealed: map[string]bool{}}
}

// question is the selected question, nil on the introduction.
func (q *qaState) question() *lesson.Question {
	if q.cursor == 0 {
		return nil
	}
	return q.l.Questions[q.cursor-1]
}

// shown reports whether the selected question's explanation and evidence are on screen.
func (q *qaState) shown(qu *lesson.Question) bool {
	_, answered := q.answers[qu.ID]
	return answered || q.revealed[qu.ID]
}

func maxChoices(l *lesson.Lesson) int {
	n := 2
	for _, q := range l.Questions {
		n = max(n, len(q.Choices))
	}
	return n
}

// questionsPane is the list of a lesson's questions, a mark beside each one answered; ↑/↓
// choose while it has the focus.
type questionsPane struct {
	c    *common
	data *lessonData
	qa   *qaState
	scrolling
	shownCursor int // the selection last brought into view
}

// questionMsg says that another question is selected.
type questionMsg struct{}

func newQuestionsPane(c *common, data *lessonData, qa *qaState) *questionsPane {
	return &questionsPane{c: c, data: data, qa: qa, scrolling: newScrolling(c.keys)}
}

// Update moves the selection on ↑/↓ while the pane has the focus (the lesson screen tells the
// other panes, with questionMsg).
func (p *questionsPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || !p.focused {
		return p, nil
	}
	switch {
	case key.Matches(k, p.c.keys.Up):
		p.qa.cursor = max(0, p.qa.cursor-1)
	case key.Matches(k, p.c.keys.Down):
		p.qa.cursor = min(len(p.qa.l.Questions), p.qa.cursor+1)
	default:
		p.scroll.scroll(k)
	}
	return p, nil
}

// View draws the list, scrolled to keep the selected question in view.
func (p *questionsPane) View(width, height int) string {
	st, qa := p.c.styles, p.qa
	w, h := paneInner(width, height)
	var lines []string
	cursorLine := 0
	row := func(i int, text, mark string) {
		if i == qa.cursor {
			cursorLine = len(lines)
		}
		for j, l := range strings.Split(wrapText(text, w-4), "\n") {
			switch {
			case i == qa.cursor && j == 0:
				l = st.Accent.Render("▸ ") + mark + st.Selected.Render(l)
			case i == qa.cursor:
				l = "    " + st.Selected.Render(l)
			case j == 0:
				l = "  " + mark + l
			default:
				l = "    " + l
			}
			lines = append(lines, l)
		}
	}
	row(0, "About this lesson", "  ")
	answered := 0
	for i, qu := range qa.l.Questions {
		mark := "  "
		if c, ok := qa.answers[qu.ID]; ok {
			answered++
			mark = st.Error.Render("✗ ")
			if qu.Correct(c) {
				mark = st.OK.Render("✓ ")
			}
		}
		row(i+1, fmt.Sprintf("%d. %s", i+1, stripMarkdown(qu.Question)), mark)
	}
	lines = append(lines, "")
	for _, l := range strings.Split(wrapText(fmt.Sprintf("%d of %d answered · ↑/↓ choose · 1–%d answer · e evidence",
		answered, len(qa.l.Questions), maxChoices(qa.l)), w), "\n") {
		lines = append(lines, st.Muted.Render(l))
	}
	p.scroll.setLines(lines, h)
	if p.shownCursor != qa.cursor {
		// Bring a newly selected question into view; otherwise the list stays where the
		// learner scrolled it.
		p.shownCursor = qa.cursor
		p.scroll.show(cursorLine)
	}
	title := qa.l.ID + " · Questions"
	if status := p.data.statusTitle(); status != "" {
		title = fitTitle(qa.l.ID, status, width) // the list says which questions; the title says how far
	}
	return paneBox(title, p.scroll.view(), width, height, p.focused, st)
}

// ShortHelp lists ↑/↓ while the pane has the focus.
func (p *questionsPane) ShortHelp() []key.Binding {
	if !p.focused {
		return nil
	}
	return []key.Binding{p.c.keys.Up, p.c.keys.Down}
}

// FullHelp lists the pane's keys.
func (p *questionsPane) FullHelp() [][]key.Binding {
	k := p.c.keys
	return [][]key.Binding{{k.Up, k.Down, k.Answer, k.Reveal}}
}

// answerPane is the selected question, its choices and, once answered or revealed, the
// explanation and the evidence from the learner's own builds. On the introduction it is the
// lesson's text.
type answerPane struct {
	c    *common
	qa   *qaState
	data *lessonData
	text *textPane // the lesson's introduction, shown while no question is selected
	scrolling
	// toVerdict asks the next View to scroll to the verdict: after an answer the learner reads
	// on from there, and on a small screen the evidence would start out of sight.
	toVerdict bool
}

// answeredMsg says that the selected question was answered or its evidence revealed.
type answeredMsg struct{}

func newAnswerPane(c *common, qa *qaState, data *lessonData, text *textPane) *answerPane {
	return &answerPane{c: c, qa: qa, data: data, text: text, scrolling: newScrolling(c.keys)}
}

// Update scrolls while the pane has the focus, and goes back to the top for another question.
func (p *answerPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	switch msg := msg.(type) {
	case questionMsg:
		p.scroll.top()
	case answeredMsg:
		p.toVerdict = true
	case tea.KeyPressMsg:
		if p.qa.question() == nil {
			p.text.Update(msg)
		} else {
			p.scrollKey(msg)
		}
	}
	return p, nil
}

// SetFocused gives or takes the focus, the introduction's with it.
func (p *answerPane) SetFocused(f bool) {
	p.focused = f
	p.text.SetFocused(f)
}

// View draws the answer, or the introduction.
func (p *answerPane) View(width, height int) string {
	qu := p.qa.question()
	if qu == nil {
		return p.text.View(width, height)
	}
	w, h := paneInner(width, height)
	body, verdict := p.body(qu, w)
	p.scroll.setText(body, h)
	if p.toVerdict {
		p.toVerdict = false
		p.scroll.vp.SetYOffset(verdict)
	}
	return paneBox(fitTitle("Answer & evidence", p.scroll.hint(p.focused), width), p.scroll.view(), width, height, p.focused, p.c.styles)
}

// body is the question, its choices marked, and what follows an answer; verdict is the line
// where that begins.
func (p *answerPane) body(qu *lesson.Question, width int) (text string, verdict int) {
	st, qa := p.c.styles, p.qa
	var b strings.Builder
	b.WriteString(st.Title.Render(wrapText(stripMarkdown(qu.Question), width)) + "\n\n")
	chosen, answered := qa.answers[qu.ID]
	for i, c := range qu.Choices {
		n := i + 1
		mark, style := "  ", st.Subtitle
		switch {
		case qa.shown(qu) && qu.Correct(n):
			mark, style = "✓ ", st.OK
		case answered && n == chosen:
			mark, style = "✗ ", st.Error
		}
		// "✓ 1) " leads the first line; the lines after it start under the choice's text.
		lines := strings.Split(wrapText(stripMarkdown(c), width-5), "\n")
		for j, l := range lines {
			lead := fmt.Sprintf("%s%d) ", mark, n)
			if j > 0 {
				lead = "     "
			}
			b.WriteString(style.Render(lead+l) + "\n")
		}
	}
	if !qa.shown(qu) {
		b.WriteString("\n" + st.Muted.Render(wrapText(fmt.Sprintf("Press 1–%d to answer; the explanation and the evidence from your own builds follow. e shows them without answering.", len(qu.Choices)), width)))
		return b.String(), 0
	}
	verdict = strings.Count(b.String(), "\n") + 1
	switch {
	case answered && qu.Correct(chosen):
		b.WriteString("\n" + st.OK.Render("Right.") + "\n")
	case answered:
		b.WriteString("\n" + st.Error.Render(wrapText(fmt.Sprintf("Not quite: you chose %d; the answer is %d.", chosen, qu.Answer), width)) + "\n")
	default:
		b.WriteString("\n")
	}
	b.WriteString(wrapText(stripMarkdown(qu.Explain), width) + "\n\n")
	from := " — from your build of " + qu.Strategy
	if len("Evidence"+from) > width {
		from = "\n" + strings.TrimPrefix(from, " — ")
	}
	b.WriteString(st.PaneTitle.Render("Evidence") + st.Muted.Render(from) + "\n")
	b.WriteString(evidenceView(p.data, qu, st, width))
	return b.String(), verdict
}

// ShortHelp lists the scroll keys of the answer, or of the introduction, while the pane has
// the focus.
func (p *answerPane) ShortHelp() []key.Binding {
	if p.qa.question() == nil {
		return p.text.ShortHelp()
	}
	return p.scrolling.ShortHelp()
}
