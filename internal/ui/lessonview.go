package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/glamour/v2"
	"charm.land/lipgloss/v2"
	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/inside"
	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/progress"
	"github.com/docktutor/docktutor/internal/termtext"
	"github.com/docktutor/docktutor/internal/ui/stagegraph"
)

type focus int

const (
	focusText focus = iota
	focusStrategy
	focusLog
	focusResults
	focusCount
)

// lessonModel is the lesson screen: text and Dockerfile on top, the live build and the measured
// results below.
type lessonModel struct {
	c    *common
	l    *lesson.Lesson
	opts lab.Options
	cur  int // index of the strategy shown

	text     viewport.Model
	rendered map[string]string // Glamour output by style+width, so a resize back is free
	focus    focus
	// stratScroll is how far the strategy pane (explanation + Dockerfile) is scrolled down.
	stratScroll int

	log     buildLog
	spinner spinner.Model
	job     *buildJob
	queue   []*lesson.Strategy
	nextID  int
	now     time.Time

	results map[string]lab.Result
	lastErr map[string]string
	// measured says when a result shown was measured, for results carried over from an earlier
	// session (no daemon now, or not rebuilt yet); fresh results have no entry.
	measured map[string]time.Time

	progress *progress.Store
	cache    *progress.ResultsCache

	// graphs holds each strategy's stage graph (nil when its Dockerfile does not parse);
	// trackers the stage states of the strategy's latest build, live while it runs.
	graphs    map[string]*dockerfile.Graph
	trackers  map[string]*stagegraph.Tracker
	showGraph bool // on narrow screens the strategy pane shows the graph instead of the Dockerfile

	// inside holds what each built image contains; imageCount how many images each strategy's
	// build tagged. Both are gathered after every successful build.
	inside     map[string]inside.Report
	insideOf   map[string]string // the image ID each inside report was made from
	imageCount map[string]int
	// qa is the question view, for lessons that have questions.
	qa *qaModel
	// resScroll is how far the results pane is scrolled.
	resScroll int
}

// buildJob is the build running now. Its id tags every message it sends, so messages from a
// cancelled build are recognised and dropped.
type buildJob struct {
	id       int
	strategy *lesson.Strategy
	cancel   context.CancelFunc
	events   chan jobMsg
	started  time.Time
	stage    lab.Phase
	tag      string // the image's tag, once lab chose it
}

// jobMsg is one thing a running build reports: an engine event, a stage change or the end.
type jobMsg struct {
	event *engine.Event
	stage lab.Phase
	tag   string
	done  *lab.Result
	err   error
}

// buildBatchMsg carries every jobMsg that was waiting when the UI read the channel: one screen
// update per batch, not per log line, keeps up with builds that print a lot.
type buildBatchMsg struct {
	id     int
	items  []jobMsg
	closed bool
}

type markdownMsg struct {
	lesson, key, out string
}

func newLessonModel(c *common, l *lesson.Lesson, opts lab.Options, p *progress.Store, cache *progress.ResultsCache) *lessonModel {
	m := &lessonModel{
		c: c, l: l, opts: opts, progress: p, cache: cache, measured: map[string]time.Time{},
		graphs: map[string]*dockerfile.Graph{}, trackers: map[string]*stagegraph.Tracker{},
		inside: map[string]inside.Report{}, insideOf: map[string]string{}, imageCount: map[string]int{},
		text:     viewport.New(),
		rendered: map[string]string{},
		log:      newBuildLog(),
		spinner:  spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		results:  map[string]lab.Result{},
		lastErr:  map[string]string{},
	}
	m.text.SetContent(l.Text)
	for _, s := range l.Strategies {
		// The lesson loader already checked that every Dockerfile parses.
		if g, err := dockerfile.Parse([]byte(s.Dockerfile), dockerfile.Options{Target: s.Target}); err == nil {
			m.graphs[s.ID] = g
		}
	}
	if cache != nil {
		for _, cr := range cache.Lesson(l.ID) {
			if _, ok := l.Strategy(cr.Result.Strategy); ok {
				m.results[cr.Result.Strategy] = cr.Result
				m.measured[cr.Result.Strategy] = cr.Measured
			}
		}
	}
	if len(l.Questions) > 0 {
		var answers map[string]int
		if p != nil {
			answers = map[string]int{}
			for id, a := range p.Lesson(l.ID).Answers {
				answers[id] = a.Choice
			}
		}
		m.qa = newQA(l, answers)
	}
	if p != nil {
		if id := p.Lesson(l.ID).Strategy; id != "" {
			for i, s := range l.Strategies {
				if s.ID == id {
					m.cur = i
				}
			}
		}
	}
	return m
}

// saveLast records the lesson and strategy on screen, so the menu resumes here next time.
func (m *lessonModel) saveLast() tea.Cmd {
	if m.progress == nil {
		return nil
	}
	m.progress.SetLast(m.l.ID, m.strategy().ID)
	return saveCmd(m.progress, nil)
}

// saveCmd writes progress and results off the UI goroutine. A failure to save is not worth
// interrupting a lesson for; the next save tries again.
func saveCmd(p *progress.Store, c *progress.ResultsCache) tea.Cmd {
	return func() tea.Msg {
		if p != nil {
			_ = p.Save()
		}
		if c != nil {
			_ = c.Save()
		}
		return nil
	}
}

func (m *lessonModel) init() tea.Cmd { return m.resize() }

func (m *lessonModel) strategy() *lesson.Strategy { return m.l.Strategies[m.cur] }

func (m *lessonModel) building() bool { return m.job != nil }

// wideWidth is the width from which the stage graph gets a column of its own beside the
// Dockerfile; narrower screens show one or the other in the strategy pane (key g).
const wideWidth = 110

// layout splits the screen: the top row (text | strategy [| graph]) and the bottom row
// (build | results). leftW is the text and build column; rightW the rest of the width.
func (m *lessonModel) layout(height int) (leftW, rightW, topH, botH int) {
	w := m.c.width
	leftW = w / 2
	if w >= wideWidth {
		leftW = w * 34 / 100
	}
	rightW = w - leftW
	topH = height * 11 / 20
	botH = height - topH
	return
}

// graphColumn is the width of the graph pane when it has its own column, else 0.
func (m *lessonModel) graphColumn() int {
	if m.c.width < wideWidth {
		return 0
	}
	_, rightW, _, _ := m.layout(0)
	return rightW * 46 / 100
}

func (m *lessonModel) markdownKey(width int) string {
	return fmt.Sprintf("%s/%d", m.c.styles.Markdown, width)
}

// resize fits the text viewport to the screen and renders the lesson text for the new width in
// the background; until it arrives, the raw markdown shows.
func (m *lessonModel) resize() tea.Cmd {
	leftW, _, topH, _ := m.layout(m.c.height - 2)
	m.text.SetWidth(maxInt(1, leftW-4))
	m.text.SetHeight(maxInt(1, topH-2))
	k := m.markdownKey(leftW - 4)
	if out, ok := m.rendered[k]; ok {
		m.text.SetContent(out)
		return nil
	}
	return renderMarkdown(m.l.ID, k, m.l.Text, m.c.styles.Markdown, leftW-4)
}

func (m *lessonModel) restyle() tea.Cmd { return m.resize() }

func renderMarkdown(lessonID, key, text, style string, width int) tea.Cmd {
	if width < 10 {
		return nil
	}
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

func (m *lessonModel) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case markdownMsg:
		if msg.lesson != m.l.ID {
			return nil
		}
		m.rendered[msg.key] = msg.out
		leftW, _, _, _ := m.layout(m.c.height - 2)
		if msg.key == m.markdownKey(leftW-4) {
			m.text.SetContent(msg.out)
		}
	case buildBatchMsg:
		return m.applyBatch(msg)
	case insideMsg:
		if msg.err == nil {
			m.inside[msg.strategy] = msg.report
			m.insideOf[msg.strategy] = msg.imageID
		}
	case imagesMsg:
		m.imageCount[msg.strategy] = msg.count
	case spinner.TickMsg:
		if m.job == nil {
			return nil
		}
		m.now = msg.Time
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return cmd
	}
	return nil
}

func (m *lessonModel) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.keys
	if m.qa != nil {
		if cmd, ok := m.qaKey(msg); ok {
			return cmd
		}
	}
	_, _, topH, botH := m.layout(m.c.height - 2)
	switch {
	case key.Matches(msg, k.NextStrategy):
		m.cur = (m.cur + 1) % len(m.l.Strategies)
		m.stratScroll = 0
		return m.saveLast()
	case key.Matches(msg, k.PrevStrategy):
		m.cur = (m.cur - 1 + len(m.l.Strategies)) % len(m.l.Strategies)
		m.stratScroll = 0
		return m.saveLast()
	case key.Matches(msg, k.Build):
		if m.job == nil {
			return m.start([]*lesson.Strategy{m.strategy()})
		}
	case key.Matches(msg, k.BuildAll):
		if m.job == nil {
			return m.start(m.l.Strategies)
		}
	case key.Matches(msg, k.Graph) && m.graphColumn() == 0:
		m.showGraph = !m.showGraph
		m.stratScroll = 0
	case key.Matches(msg, k.Focus):
		m.focus = (m.focus + 1) % focusCount
	default:
		m.scroll(msg, topH-2, botH-2)
	}
	return nil
}

// scroll moves the focused pane by a line (arrows) or a page (pgup/pgdn). topPage and botPage
// are the heights of the panes of the top and the bottom row.
func (m *lessonModel) scroll(msg tea.KeyPressMsg, topPage, botPage int) {
	k := m.c.keys
	page := topPage
	if m.focus == focusLog || m.focus == focusResults {
		page = botPage
	}
	var delta int
	switch {
	case key.Matches(msg, k.Up):
		delta = -1
	case key.Matches(msg, k.Down):
		delta = 1
	case key.Matches(msg, k.PageUp):
		delta = -page
	case key.Matches(msg, k.PageDn):
		delta = page
	default:
		return
	}
	down := func(offset *int) { *offset = maxInt(0, *offset+delta) }
	switch {
	case m.focus == focusStrategy && m.qa != nil:
		down(&m.qa.scroll)
	case m.focus == focusStrategy:
		down(&m.stratScroll)
	case m.focus == focusResults:
		down(&m.resScroll)
	case m.focus == focusLog:
		m.log.scrollBy(-delta, page) // the log counts up from its newest line
	case delta < 0:
		m.text.ScrollUp(-delta)
	default:
		m.text.ScrollDown(delta)
	}
}

// start queues the strategies and starts the first.
func (m *lessonModel) start(strategies []*lesson.Strategy) tea.Cmd {
	if m.c.eng == nil {
		m.log.reset()
		reason := "still connecting to Docker; try again in a moment"
		if m.c.engErr != nil {
			reason = m.c.engErr.Error()
		}
		m.log.add(logError, "Cannot build: "+oneLine(reason))
		return nil
	}
	m.queue = append([]*lesson.Strategy(nil), strategies...)
	return m.next()
}

// next starts the next queued build, if any.
func (m *lessonModel) next() tea.Cmd {
	if len(m.queue) == 0 {
		return nil
	}
	s := m.queue[0]
	m.queue = m.queue[1:]
	for i, x := range m.l.Strategies {
		if x == s {
			m.cur = i
		}
	}
	m.nextID++
	ctx, cancel := context.WithCancel(m.c.workCtx)
	job := &buildJob{id: m.nextID, strategy: s, cancel: cancel, events: make(chan jobMsg, 256), started: time.Now(), stage: lab.PhaseBuild}
	m.job, m.now = job, job.started
	if g := m.graphs[s.ID]; g != nil {
		m.trackers[s.ID] = stagegraph.NewTracker(g)
	}
	m.log.reset()
	eng, opts, events, quit := m.c.eng, m.opts, job.events, m.c.workCtx.Done()
	m.c.goWork(func() { runJob(ctx, eng, s, opts, events, quit) })
	return tea.Batch(waitForBuild(job.id, job.events), m.spinner.Tick)
}

// runJob runs in its own goroutine and reports through ch, which it closes at the end. Once
// quit is closed (the program is ending) nobody reads ch any more, so sends give up.
func runJob(ctx context.Context, eng engine.Engine, s *lesson.Strategy, opts lab.Options, ch chan<- jobMsg, quit <-chan struct{}) {
	defer close(ch)
	send := func(msg jobMsg) {
		select {
		case ch <- msg:
		case <-quit:
		}
	}
	res, err := lab.Run(ctx, eng, s, opts, lab.Hooks{
		Event: func(ev engine.Event) { send(jobMsg{event: &ev}) },
		Phase: func(st lab.Phase) { send(jobMsg{stage: st}) },
		Tag:   func(tag string) { send(jobMsg{tag: tag}) },
	})
	send(jobMsg{done: &res, err: err})
}

// waitForBuild waits for the build's next message, then takes every other one already waiting.
func waitForBuild(id int, ch <-chan jobMsg) tea.Cmd {
	return func() tea.Msg {
		first, ok := <-ch
		if !ok {
			return buildBatchMsg{id: id, closed: true}
		}
		batch := buildBatchMsg{id: id, items: []jobMsg{first}}
		for len(batch.items) < 4096 {
			select {
			case msg, ok := <-ch:
				if !ok {
					batch.closed = true
					return batch
				}
				batch.items = append(batch.items, msg)
			default:
				return batch
			}
		}
		return batch
	}
}

func (m *lessonModel) applyBatch(b buildBatchMsg) tea.Cmd {
	job := m.job
	if job == nil || b.id != job.id {
		return nil // a cancelled build's leftovers
	}
	var cmds []tea.Cmd
	for _, it := range b.items {
		switch {
		case it.event != nil:
			m.log.apply(*it.event)
			if t := m.trackers[job.strategy.ID]; t != nil {
				t.Observe(*it.event)
			}
		case it.tag != "":
			job.tag = it.tag
			s := job.strategy
			m.log.add(logInfo, fmt.Sprintf("docker build -t %s -f %s lessons/apps/%s", it.tag, s.DockerfilePath, s.App))
		case it.done != nil:
			if cmd := m.finish(*it.done, it.err); cmd != nil {
				cmds = append(cmds, cmd)
			}
		case it.stage != "":
			job.stage = it.stage
			switch it.stage {
			case lab.PhaseRun:
				m.log.add(logInfo, lab.DockerRun(job.tag, nil, job.strategy.Args))
			case lab.PhaseCheck:
				m.log.add(logInfo, "checks: extra runs of the image")
			case lab.PhaseRebuild:
				// The edit-and-rebuild of a cache lesson: the events that follow are the second
				// build, so the graph starts over for it.
				if e := job.strategy.Edit; e != nil {
					m.log.add(logStep, "edited "+e.File+"; building again")
				}
				if g := m.graphs[job.strategy.ID]; g != nil {
					m.trackers[job.strategy.ID] = stagegraph.NewTracker(g)
				}
			}
		}
	}
	if b.closed {
		m.job = nil
		return tea.Batch(append(cmds, m.next())...)
	}
	return tea.Batch(append(cmds, waitForBuild(job.id, job.events))...)
}

func (m *lessonModel) finish(res lab.Result, err error) tea.Cmd {
	s := m.job.strategy
	delete(m.measured, s.ID)
	if t := m.trackers[s.ID]; t != nil {
		// The image exists once the build step succeeded, even if the run then failed.
		t.Finish(res.ImageID != "")
	}
	switch {
	case err != nil && lab.IsCanceled(err):
		m.log.add(logError, "Build cancelled.")
		m.queue = nil
	case err != nil:
		m.lastErr[s.ID] = termtext.PlainLines(err.Error())
		m.log.add(logError, oneLine(err.Error()))
		if res.SizeBytes > 0 {
			// The image exists even though its run or a check failed: still worth a look.
			m.results[s.ID] = res
			return m.lookInside(s.ID, res)
		}
	default:
		delete(m.lastErr, s.ID)
		m.results[s.ID] = res
		m.log.add(logInfo, fmt.Sprintf("%s: %s, %s, built in %s (%d/%d steps cached)",
			res.Image, FormatSize(res.SizeBytes), plural(res.Layers, "layer"), elapsed(time.Duration(res.BuildSeconds*float64(time.Second))), res.CachedSteps, res.Steps))
		for _, line := range strings.Split(strings.TrimSpace(res.RunOutput), "\n") {
			m.log.add(logText, termtext.Line(line))
		}
		if m.progress != nil {
			m.progress.MarkBuilt(m.l.ID, s.ID)
		}
		if m.cache != nil {
			m.cache.Put(res)
		}
		return tea.Batch(saveCmd(m.progress, m.cache), m.lookInside(s.ID, res))
	}
	return nil
}

func (m *lessonModel) cancelBuilds() {
	m.queue = nil
	if m.job != nil {
		m.job.cancel()
	}
}

func (m *lessonModel) bindings() []key.Binding {
	k := m.c.keys
	if m.job != nil {
		if m.graphColumn() == 0 {
			return []key.Binding{k.Cancel, k.NextStrategy, k.Graph}
		}
		return []key.Binding{k.Cancel, k.NextStrategy, k.Focus}
	}
	out := []key.Binding{k.Build, k.BuildAll, k.NextStrategy, k.Focus}
	if m.qa != nil {
		return append(out, k.Reveal)
	}
	if m.graphColumn() == 0 {
		out = append(out, k.Graph)
	}
	return out
}

func (m *lessonModel) view(height int) string {
	st := m.c.styles
	leftW, rightW, topH, botH := m.layout(height)
	s := m.strategy()

	if m.qa != nil {
		return m.qaRow(leftW, rightW, topH) + "\n" + m.bottomRow(botH)
	}
	textTitle := fmt.Sprintf("%s · %s", m.l.ID, m.l.Title)
	if !m.text.AtTop() || !m.text.AtBottom() {
		textTitle += fmt.Sprintf(" · %d%%", int(m.text.ScrollPercent()*100))
	}
	text := paneBox(textTitle, m.text.View(), leftW, topH, m.focus == focusText, st)

	graphW := m.graphColumn()
	stratW := rightW - graphW
	stratTitle := fmt.Sprintf("Strategy %d/%d · %s", m.cur+1, len(m.l.Strategies), s.ID)
	var content string
	if graphW == 0 && m.showGraph {
		stratTitle += " · stage graph"
		content = m.graphView(s, stratW-4, 0)
	} else {
		explain := wrapText(stripMarkdown(s.Explain), stratW-4)
		content = st.Subtitle.Render(s.Title) + "\n" + explain + "\n\n" + RenderDockerfile(s.Dockerfile, st, stratW-4)
	}
	body, more := scrollLines(content, &m.stratScroll, topH-2)
	if more {
		stratTitle += " · ↓ more"
	}
	right := paneBox(stratTitle, body, stratW, topH, m.focus == focusStrategy, st)
	if graphW > 0 {
		right = joinRow(right,
			paneBox(m.graphTitle(s), m.graphView(s, graphW-4, topH-2), graphW, topH, false, st))
	}

	return joinRow(text, right) + "\n" + m.bottomRow(botH)
}

// qaRow is the top row of a lesson with questions: the list beside the answer and its evidence.
func (m *lessonModel) qaRow(leftW, rightW, topH int) string {
	st := m.c.styles
	listText, cursorLine := m.qa.listView(m.l, st, leftW-4)
	// Keep the selected question in view: scroll so that it sits a third of the way down.
	offset := maxInt(0, cursorLine-(topH-2)/3)
	listBody, _ := scrollLines(listText, &offset, topH-2)
	list := paneBox(fmt.Sprintf("%s · Questions", m.l.ID), listBody, leftW, topH, m.focus == focusText, st)
	title := "Answer & evidence"
	if qu := m.qa.question(m.l); qu == nil {
		title = m.l.Title
	}
	body, more := scrollLines(m.answerView(rightW-4), &m.qa.scroll, topH-2)
	if more {
		title += " · f, ↓ for more"
	}
	return joinRow(list, paneBox(title, body, rightW, topH, m.focus == focusStrategy, st))
}

// bottomRow is the build log beside the results. It splits evenly whatever the top row does:
// the log needs the width.
func (m *lessonModel) bottomRow(botH int) string {
	st := m.c.styles
	logTitle := "Build"
	if m.job != nil {
		logTitle = fmt.Sprintf("Building %s %s %s · %s", m.job.strategy.ID, m.spinner.View(), elapsed(m.now.Sub(m.job.started)), m.job.stage)
		if n := len(m.queue); n > 0 {
			logTitle += fmt.Sprintf(" · %d queued", n)
		}
	} else if m.qa != nil {
		logTitle = fmt.Sprintf("Build · strategy %d/%d: %s", m.cur+1, len(m.l.Strategies), m.strategy().ID)
	}
	logW := m.c.width / 2
	resW := m.c.width - logW
	logBody := m.log.view(st, logW-4, botH-2)
	if m.log.n == 0 && m.c.engErr != nil {
		// Nothing built yet and no daemon: the pane says why, in full, and the way out.
		logBody = st.Error.Render("Builds are unavailable.") + "\n" + wrapText(termtext.PlainLines(m.c.engErr.Error()), logW-4) + "\n\n" +
			st.Muted.Render(wrapText("Everything else in the lesson works without Docker. Press r to try again once that is fixed; `docktutor doctor` checks the whole set-up.", logW-4))
	}
	logPane := paneBox(logTitle, logBody, logW, botH, m.focus == focusLog, st)
	resTitle := "Results"
	body, more := scrollLines(m.resultsView(resW-4, 1<<20), &m.resScroll, botH-2)
	if more || m.resScroll > 0 {
		resTitle += " · f, ↓ for more"
	}
	results := paneBox(resTitle, body, resW, botH, m.focus == focusResults, st)
	return joinRow(logPane, results)
}

// resultsView is the size chart of every strategy built so far, then the current strategy's
// measurements and container output.
func (m *lessonModel) resultsView(width, height int) string {
	st := m.c.styles
	var bars []Bar
	baseline := map[string]int64{} // the first built strategy of each app family, usually single-stage
	for _, s := range m.l.Strategies {
		r, ok := m.results[s.ID]
		if !ok {
			continue
		}
		family, _, _ := strings.Cut(s.ID, "-")
		note := ""
		if base, ok := baseline[family]; ok && base > 0 {
			note = fmt.Sprintf("%+.0f%%", (float64(r.SizeBytes)/float64(base)-1)*100)
		} else {
			baseline[family] = r.SizeBytes
		}
		if m.lastErr[s.ID] != "" {
			note = "failed"
		}
		if t, ok := m.measured[s.ID]; ok {
			note = strings.TrimSpace(note + " (" + t.Format("Jan 2") + ")")
		}
		bars = append(bars, Bar{Label: s.ID, Value: r.SizeBytes, Family: family, Note: note})
	}
	out := RenderChart(bars, st, width)
	if len(bars) == 0 && m.c.course != nil {
		// Nothing measured yet, here or in an earlier session: what the publishers say stands
		// in, labelled as such.
		if pub := RenderPublished(m.l, m.c.course, st, width); pub != "" {
			out = pub
		}
	}
	if len(m.measured) > 0 {
		out = st.Muted.Render("(date): measured in an earlier session") + "\n" + out
	}
	s := m.strategy()
	var detail []string
	if r, ok := m.results[s.ID]; ok {
		detail = append(detail,
			st.Subtitle.Render(s.ID)+st.Muted.Render(" on "+r.BaseImage),
			st.Muted.Render(fmt.Sprintf("%s · %s · built in %s · cached %d/%d · %s", FormatSize(r.SizeBytes),
				plural(r.Layers, "layer"), elapsed(time.Duration(r.BuildSeconds*float64(time.Second))), r.CachedSteps, r.Steps, r.Builder)),
			st.Muted.Render("  $ docker image inspect -f '{{.Size}}' "+r.Image+"; docker history "+r.Image))
		if r.StandIn {
			// Its own line: it must not be cut off the end of a long base image name.
			detail = append(detail, st.Warn.Render(wrapText("Built on a test stand-in for "+r.BaseImage+", not the published image.", width)))
		}
		mark := st.OK.Render("✓ output:")
		if !r.Passed {
			mark = st.Error.Render("✗ output:")
		}
		detail = append(detail, mark, st.Muted.Render("  $ "+lab.DockerRun(r.Image, nil, s.Args)))
		for _, line := range strings.Split(strings.TrimSpace(r.RunOutput), "\n") {
			detail = append(detail, "  "+termtext.Line(line))
		}
		if rep, ok := m.inside[s.ID]; ok {
			detail = append(detail, "", insideSummary("Inside "+s.ID, rep, false, st, width))
		}
		for _, c := range r.Checks {
			mark := st.OK.Render("✓ ")
			if !c.Passed {
				mark = st.Error.Render("✗ ")
			}
			detail = append(detail, "", mark+c.Title, st.Muted.Render("  $ "+c.Command))
			for _, line := range strings.Split(strings.TrimSpace(c.Output), "\n") {
				detail = append(detail, "  "+truncate(termtext.Line(line), width-2))
			}
		}
		if r.Rebuild != nil {
			detail = append(detail, "", st.PaneTitle.Render("After the edit, the rebuild:"))
			detail = append(detail, stepComparison(r.StepResults, r.Rebuild.StepResults, st, width)...)
		}
	}
	if e := m.lastErr[s.ID]; e != "" {
		detail = append(detail, st.Error.Render("✗ ")+wrapText(e, width-2))
	}
	if len(detail) == 0 {
		return out
	}
	return out + "\n\n" + strings.Join(detail, "\n")
}

// wrapText wraps plain text to width columns.
func wrapText(s string, width int) string {
	if width < 10 {
		return s
	}
	return lipgloss.NewStyle().Width(width).Render(strings.TrimSpace(s))
}

// stripMarkdown drops the emphasis and code marks that read as noise in a narrow pane, and
// joins the lines of each paragraph so the pane can wrap them to its own width.
func stripMarkdown(s string) string {
	s = strings.NewReplacer("**", "", "`", "").Replace(strings.TrimSpace(s))
	paras := strings.Split(s, "\n\n")
	for i, p := range paras {
		paras[i] = strings.Join(strings.Fields(p), " ")
	}
	return strings.Join(paras, "\n\n")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// scrollLines returns the height lines of s starting at *offset, clamping the offset, and whether
// anything lies below them.
func scrollLines(s string, offset *int, height int) (string, bool) {
	lines := strings.Split(s, "\n")
	*offset = minInt(*offset, maxInt(0, len(lines)-height))
	end := minInt(len(lines), *offset+height)
	return strings.Join(lines[*offset:end], "\n"), end < len(lines)
}

func (m *lessonModel) graphTitle(s *lesson.Strategy) string {
	if s.Target != "" {
		return "Stages · --target " + s.Target
	}
	return "Stages"
}

// graphView draws the strategy's stage graph, lit with the states of its latest build.
func (m *lessonModel) graphView(s *lesson.Strategy, width, height int) string {
	g := m.graphs[s.ID]
	if g == nil {
		return m.c.styles.Muted.Render("This Dockerfile has no stage graph.")
	}
	var states map[int]stagegraph.State
	if t := m.trackers[s.ID]; t != nil {
		states = t.States()
	}
	return stagegraph.Draw(g, states, m.c.styles.Graph, stagegraph.Options{Width: width, Height: height}).Text
}

// stepComparison lines up a build's steps with the rebuild's after an edit: which were reused
// from the cache and which ran again, with their times.
func stepComparison(first, again []lab.StepResult, st Styles, width int) []string {
	var out []string
	for i, s := range again {
		was := ""
		if i < len(first) {
			was = st.Muted.Render(" (before: " + stepWord(first[i]) + ")")
		}
		mark := st.OK.Render("✓ reused ")
		switch {
		case s.Cached:
		case strings.HasPrefix(strings.ToUpper(s.Name), "FROM "):
			// Builders never report FROM as cached: it is where the build starts.
			mark = st.Muted.Render("· base   ")
		default:
			mark = st.Warn.Render("↻ re-ran ")
		}
		line := mark + truncate(termtext.Line(s.Name), maxInt(10, width-34)) + " " + stepWord(s)
		out = append(out, truncate(line+was, width))
	}
	return out
}

func stepWord(s lab.StepResult) string {
	if s.Cached {
		return "cached"
	}
	return elapsed(s.Duration)
}

// lookInside analyses a built image unless the same image was analysed already: exporting a
// toolchain image takes seconds, and a cached rebuild gives the same image ID.
func (m *lessonModel) lookInside(strategy string, res lab.Result) tea.Cmd {
	if res.ImageID != "" && m.insideOf[strategy] == res.ImageID {
		return nil
	}
	ref := res.Image
	if res.ImageID != "" {
		ref = res.ImageID // what this build made, even if another process has moved the tag since
	}
	return lookInsideCmd(m.c, strategy, ref, res.ImageID)
}
