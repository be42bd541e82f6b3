package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/inside"
	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/progress"
)

// lessonScreen is a lesson: four panes — the text (or the question list) and the strategy (or
// the answer) on top, the build log and the results below — over the lesson's data and its
// build runner. It routes messages to the panes and moves the focus between them; the panes
// draw themselves.
type lessonScreen struct {
	c      *common
	data   *lessonData
	runner *buildRunner
	qa     *qaState // nil for a lesson without questions
	text   *textPane

	strategy *strategyPane // nil in a lesson with questions
	log      *logPane
	results  *resultsPane
	// panes are the screen's panes in focus order, which is also the order in which they fill
	// the layout's rows: top left, top right, build log, results. A pane of a new kind (an
	// exercise's goals, say) slots in by taking a place here and one in the layout.
	panes []pane
	focus int
}

// cannotBuildMsg tells the build pane why b did nothing.
type cannotBuildMsg struct{ reason string }

func newLessonScreen(c *common, l *lesson.Lesson, opts lab.Options, p *progress.Store, cache *progress.ResultsCache) *lessonScreen {
	data := newLessonData(c, l, p, cache)
	s := &lessonScreen{c: c, data: data, runner: newBuildRunner(c, data, opts)}
	s.text = newTextPane(c, l.ID, l.ID+" · "+l.Title, l.Text)
	log, results := newLogPane(c, s.runner.status, data.logTitle), newResultsPane(c, data)
	s.log, s.results = log, results
	if len(l.Questions) > 0 {
		var answers map[string]int
		if p != nil {
			answers = map[string]int{}
			for id, a := range p.Lesson(l.ID).Answers {
				answers[id] = a.Choice
			}
		}
		s.qa = newQAState(l, answers)
		s.panes = []pane{newQuestionsPane(c, data, s.qa), newAnswerPane(c, s.qa, data, s.text), log, results}
	} else {
		s.text.status = data.statusTitle
		s.strategy = newStrategyPane(c, data)
		s.panes = []pane{s.text, s.strategy, log, results}
	}
	s.panes[0].SetFocused(true)
	return s
}

func (s *lessonScreen) lesson() *lesson.Lesson { return s.data.l }

func (s *lessonScreen) building() bool { return s.runner.building() }

// cancelBuilds stops the build under way and forgets the queue, saying so at once: the build
// log's "Build cancelled." comes when the daemon has stopped and the clean-up is done.
func (s *lessonScreen) cancelBuilds() {
	if s.runner.building() {
		s.log.log.note(logInfo, "Cancelling: stopping the build and removing what it left…")
	}
	s.runner.cancel()
}

// resize renders the lesson text for the width of the pane that shows it, and gathers the
// evidence on screen.
func (s *lessonScreen) resize() tea.Cmd {
	lay := layoutFor(s.c.width, s.c.height-2)
	w := lay.leftW
	if s.qa != nil {
		w = lay.rightW // the introduction shows in the answer pane
	}
	inner, _ := paneInner(w, 0)
	s.text.resize(inner)
	return s.gatherShown()
}

// saveLast records the lesson and strategy on screen, so the menu resumes here next time.
func (s *lessonScreen) saveLast() tea.Cmd {
	if s.data.progress == nil {
		return nil
	}
	s.data.progress.SetLast(s.data.l.ID, s.data.strategy().ID)
	return saveCmd(s.data.progress, nil)
}

// Update routes a message and reports whether it may have changed anything on screen: every
// message may, but those it knows did not (a cancelled build's leftovers, a stale tick).
func (s *lessonScreen) Update(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return s.handleKey(msg), true
	case buildBatchMsg:
		if !s.runner.current(msg) {
			return nil, false // a cancelled build's leftovers
		}
		cur := s.data.cur
		cmd := s.runner.take(msg)
		s.log.Update(msg) // only the build log takes a build's messages
		// The next build in the queue may be another strategy's.
		return tea.Batch(cmd, s.runner.after(msg), s.strategyMoved(cur)), true
	case connectedMsg:
		return s.gatherShown(), true
	case spinner.TickMsg:
		return s.runner.tick(msg)
	case evidenceMsg[inside.Report], evidenceMsg[int], evidenceMsg[[]engine.Layer]:
		s.data.apply(msg)
		return nil, true
	case baseInfoMsg:
		s.data.applyBase(msg)
		return nil, true
	}
	return nil, true // not known to change nothing
}

// broadcast hands a message to every pane.
func (s *lessonScreen) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for i, p := range s.panes {
		var cmd tea.Cmd
		s.panes[i], cmd = p.Update(msg)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// handleKey acts on a key, then gathers the evidence the screen now shows, if it is missing.
func (s *lessonScreen) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	cur := s.data.cur
	cmd := s.key(msg)
	return tea.Batch(cmd, s.strategyMoved(cur), s.gatherShown())
}

// strategyMoved tells the panes when the strategy on screen is no longer the from-th.
func (s *lessonScreen) strategyMoved(from int) tea.Cmd {
	if s.data.cur == from {
		return nil
	}
	return s.broadcast(strategyMsg{})
}

// gatherShown gathers what is missing of the evidence a question shows, once it is answered or
// revealed: the learner asked for it. A result from an earlier session has none yet. The
// results pane does not gather on its own (opening a lesson must not export an image of
// almost a gigabyte unasked); there r looks.
func (s *lessonScreen) gatherShown() tea.Cmd {
	ids := append(s.questionEvidence(), s.diffShown()...)
	return tea.Batch(s.data.gather(ids...), s.gatherBases(ids...))
}

// diffShown lists the two strategies the image diff compares while it is shown (d).
func (s *lessonScreen) diffShown() []string {
	if p := s.data.diffPartner(); s.results.diff && p != "" {
		return []string{s.data.strategy().ID, p}
	}
	return nil
}

func (s *lessonScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k, d := s.c.keys, s.data
	n := len(d.l.Strategies)
	switch {
	case key.Matches(msg, k.NextStrategy), key.Matches(msg, k.PrevStrategy):
		step := 1
		if key.Matches(msg, k.PrevStrategy) {
			step = n - 1
		}
		d.cur = (d.cur + step) % n
		return s.saveLast()
	case key.Matches(msg, k.Build):
		return s.build(d.strategy())
	case key.Matches(msg, k.BuildAll):
		return s.build(d.l.Strategies...)
	case key.Matches(msg, k.Focus):
		s.panes[s.focus].SetFocused(false)
		s.focus = (s.focus + 1) % len(s.panes)
		s.panes[s.focus].SetFocused(true)
		return nil
	case key.Matches(msg, k.Graph) && s.strategy != nil:
		_, cmd := s.strategy.Update(msg)
		return cmd
	case key.Matches(msg, k.Diff):
		s.results.toggleDiff()
		return nil
	case key.Matches(msg, k.Recheck):
		return d.retry(s.evidenceShown()...)
	case s.qa != nil && (key.Matches(msg, k.Answer) || key.Matches(msg, k.Reveal)):
		return s.answer(msg)
	}
	question := s.question()
	var cmd tea.Cmd
	s.panes[s.focus], cmd = s.panes[s.focus].Update(msg)
	if s.question() != question {
		cmd = tea.Batch(cmd, s.broadcast(questionMsg{}))
	}
	return cmd
}

// question is the selected question of a lesson with questions (-1 without).
func (s *lessonScreen) question() int {
	if s.qa == nil {
		return -1
	}
	return s.qa.cursor
}

// build queues strategies, or says why it cannot.
func (s *lessonScreen) build(strategies ...*lesson.Strategy) tea.Cmd {
	if s.runner.building() {
		return nil
	}
	if s.c.eng == nil {
		reason := "still connecting to Docker; try again in a moment"
		if s.c.engErr != nil {
			reason = s.c.engErr.Error()
		}
		return s.broadcast(cannotBuildMsg{reason: reason})
	}
	return s.runner.enqueue(strategies)
}

// answer records an answer (a digit) or reveals the evidence (e) of the selected question.
func (s *lessonScreen) answer(msg tea.KeyPressMsg) tea.Cmd {
	qu := s.qa.question()
	if qu == nil {
		return nil
	}
	if key.Matches(msg, s.c.keys.Reveal) {
		s.qa.revealed[qu.ID] = true
		return s.broadcast(answeredMsg{})
	}
	c := int(msg.String()[0] - '0')
	if c > len(qu.Choices) {
		return nil
	}
	s.qa.answers[qu.ID] = c
	s.qa.revealed[qu.ID] = true
	return tea.Batch(s.broadcast(answeredMsg{}), s.data.recordAnswer(qu, c))
}

// evidenceShown lists the strategies whose evidence is on screen: the strategy's in the results
// pane, and the selected question's.
func (s *lessonScreen) evidenceShown() []string {
	return append(append([]string{s.data.strategy().ID}, s.questionEvidence()...), s.diffShown()...)
}

// questionEvidence lists the strategies whose evidence the selected question shows, once it
// is answered or revealed.
func (s *lessonScreen) questionEvidence() []string {
	if s.qa == nil {
		return nil
	}
	qu := s.qa.question()
	if qu == nil || !s.qa.shown(qu) {
		return nil
	}
	if qu.Compare != "" {
		return []string{qu.Strategy, qu.Compare}
	}
	return []string{qu.Strategy}
}

// View draws the screen's body, height lines tall: the panes, in focus order, fill the
// layout's rows from the top left.
func (s *lessonScreen) View(height int) string {
	var rows []string
	next := 0
	for _, r := range layoutFor(s.c.width, height).rows() {
		var boxes []string
		for _, w := range r.widths {
			if next < len(s.panes) {
				boxes = append(boxes, s.panes[next].View(w, r.height))
				next++
			}
		}
		rows = append(rows, joinRow(boxes...))
	}
	return strings.Join(rows, "\n")
}

// bindings lists the lesson's keys that do something now, most useful first, then the
// focused pane's.
func (s *lessonScreen) bindings() []key.Binding {
	k := s.c.keys
	var out []key.Binding
	if s.runner.building() {
		out = []key.Binding{k.Cancel, k.NextStrategy, k.Focus}
	} else {
		out = []key.Binding{k.Build, k.BuildAll, k.NextStrategy, k.Focus}
	}
	if s.qa != nil {
		if qu := s.qa.question(); qu != nil {
			answer := k.Answer
			answer.SetHelp(fmt.Sprintf("1–%d", len(qu.Choices)), "answer")
			out = append(out, answer)
			if !s.qa.shown(qu) {
				out = append(out, k.Reveal)
			}
		}
	}
	if s.strategy != nil && s.strategy.narrow() {
		out = append(out, k.Graph)
	}
	if s.data.diffPartner() != "" {
		out = append(out, k.Diff)
	}
	switch {
	case len(s.data.failedEvidence(s.evidenceShown()...)) > 0:
		out = append(out, k.Recheck)
	case s.data.notLooked(s.data.strategy().ID):
		look := k.Recheck
		look.SetHelp("r", "look inside")
		out = append(out, look)
	}
	return append(out, s.panes[s.focus].ShortHelp()...)
}

// FullHelp groups every key of the lesson screen and its panes, for the help screen: the
// lesson's own, the questions' or the graph's, then the panes' (scrolling), each key once.
func (s *lessonScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	groups := [][]key.Binding{{k.Build, k.BuildAll, k.Cancel, k.NextStrategy, k.PrevStrategy, k.Focus}}
	if s.qa != nil {
		groups = append(groups, []key.Binding{k.Answer, k.Reveal, k.Recheck})
	} else {
		groups = append(groups, []key.Binding{k.Graph, k.Recheck, k.Diff})
	}
	var panes []key.Binding
	for _, p := range s.panes {
		for _, g := range p.FullHelp() {
			panes = append(panes, g...)
		}
	}
	return append(groups, panes)
}
