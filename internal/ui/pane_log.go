package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/human"
	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/termtext"
)

// maxLogLines bounds the build pane's scrollback: a build that prints a million lines keeps
// memory flat; the oldest lines go first.
const maxLogLines = 2000

type logKind int

const (
	logText  logKind = iota // a line the build printed
	logStep                 // a step of the build: its mark comes from the step's state
	logInfo                 // docktutor's own note, e.g. the docker command it runs
	logError                // a failure
)

// logLine is one line of the build pane. A step's line (logStep) keeps no state of its own: it
// points at the step in the build's record (steps, step) and is drawn from it, so a step that
// BuildKit reports started, done and then cached is one line that reads "cached".
type logLine struct {
	kind  logKind
	text  string
	steps *engine.Steps
	step  int
	// folded counts the legacy builder's label steps after step that this line stands for.
	folded int
}

// buildLog is the build pane's scrollback: step lines and output in a bounded ring.
type buildLog struct {
	lines   []logLine // ring buffer storage
	start   int       // index of the oldest line in lines
	n       int       // lines held
	dropped int       // lines that fell off the top
	// labels is the line of the legacy builder's label steps in a row, as a count of lines
	// ever added, or -1: docktutor's own LABEL steps, one per label, read as one line.
	labels int
}

func newBuildLog() buildLog {
	return buildLog{lines: make([]logLine, maxLogLines), labels: -1}
}

func (b *buildLog) reset() { *b = newBuildLog() }

// line returns the i-th line held, oldest first.
func (b *buildLog) line(i int) *logLine { return &b.lines[(b.start+i)%len(b.lines)] }

// added is the number of lines ever added.
func (b *buildLog) added() int { return b.dropped + b.n }

func (b *buildLog) add(l logLine) {
	if b.n < len(b.lines) {
		b.lines[(b.start+b.n)%len(b.lines)] = l
		b.n++
	} else {
		b.lines[b.start] = l
		b.start = (b.start + 1) % len(b.lines)
		b.dropped++
	}
}

func (b *buildLog) note(kind logKind, text string) { b.add(logLine{kind: kind, text: text}) }

// event adds what one build event shows: a line for a step when it starts, the output, the
// error, the image. step is the event's index in steps (engine.Steps.Observe).
func (b *buildLog) event(ev engine.Event, steps *engine.Steps, step int) {
	switch ev.Kind {
	case engine.EventStepStarted:
		if step < 0 {
			b.note(logInfo, termtext.Line(ev.Title())) // a step the builder did not number
			return
		}
		if b.foldLabel(ev, steps, step) {
			return
		}
		b.add(logLine{kind: logStep, steps: steps, step: step})
		if labelStep(ev) {
			b.labels = b.added() - 1
		}
	case engine.EventLog:
		if strings.TrimSpace(ev.Text) != "" {
			b.note(logText, termtext.Line(ev.Text))
		}
	case engine.EventError:
		b.note(logError, termtext.Line(ev.Text))
	case engine.EventImageID:
		b.note(logInfo, "image "+engine.ShortID(ev.Text))
	}
}

// foldLabel folds a label step of the legacy builder into the line of the ones just before it,
// and says whether it did.
func (b *buildLog) foldLabel(ev engine.Event, steps *engine.Steps, step int) bool {
	if b.labels < 0 || b.labels != b.added()-1 || !labelStep(ev) {
		return false
	}
	l := b.line(b.labels - b.dropped)
	if l.steps != steps || ev.Step != l.steps.At(l.step).Step+l.folded+1 {
		return false
	}
	l.folded++
	return true
}

// labelStep reports whether an event is about one of the LABEL steps the legacy builder, or
// buildah, adds for the build's labels (BuildKit adds none).
func labelStep(ev engine.Event) bool {
	return ev.Internal && (ev.Total > 0 || ev.StageTotal > 0) && strings.HasPrefix(ev.Name, "LABEL ")
}

// render draws line l, cut to width.
func (l *logLine) render(st Styles, width int) string {
	text := l.text
	if l.kind == logStep {
		s := l.steps.At(l.step)
		if l.folded > 0 {
			steps := fmt.Sprintf("steps %d–%d/%d", s.Step, s.Step+l.folded, s.Total)
			if s.Total == 0 { // buildah numbers a multi-stage build's steps per stage
				steps = fmt.Sprintf("[%s %d–%d/%d]", s.Stage, s.StageStep, s.StageStep+l.folded, s.StageTotal)
			}
			return st.Muted.Render(truncate(fmt.Sprintf("  %s  LABEL ×%d (the build's labels)", steps, l.folded+1), width))
		}
		text = termtext.Line(s.Title())
		switch {
		case s.Internal:
			// Builder bookkeeping (BuildKit's context transfer, the legacy builder's label
			// steps): worth a dim line, not a step of the learner's Dockerfile.
			return st.Muted.Render("  " + truncate(text, width-2))
		case s.State == engine.StepCached:
			// The mark matters more than the end of the instruction: cut the text, keep "cached".
			return st.OK.Render("✓ ") + truncate(text, width-10) + st.Muted.Render("  cached")
		case s.State == engine.StepDone:
			return st.Accent.Render("✓ ") + truncate(text, width-2)
		case s.State == engine.StepFailed:
			return st.Error.Render("✗ " + truncate(text, width-2))
		}
		return st.Accent.Render("▸ " + truncate(text, width-2))
	}
	text = truncate(text, width-2)
	switch l.kind {
	case logError:
		return st.Error.Render("✗ " + text)
	case logInfo:
		return st.Muted.Render("  " + text)
	}
	return st.Muted.Render("  ") + text
}

// logPane is the build pane: the build under way, or the last one, streamed line by line.
type logPane struct {
	c      *common
	status func() (buildStatus, bool) // the build under way, for the title
	// idle is the title when nothing builds; idleText what the empty pane says.
	idle     func() string
	idleText string
	log      buildLog
	scrolling
	// synced is the number of lines the scroller last counted, and the height it was given.
	synced, height int
	job            int  // the build whose lines the pane holds
	refused        bool // b was pressed with no daemon to build on
}

// logNoteMsg is a line a build's owner adds to the build log (an exercise check's phases).
type logNoteMsg struct {
	kind logKind
	text string
}

func newLogPane(c *common, status func() (buildStatus, bool), idle func() string) *logPane {
	return &logPane{c: c, status: status, idle: idle, log: newBuildLog(), scrolling: newScrolling(c.keys),
		idleText: "Press b to build this strategy, B to build them all."}
}

// Update takes a build's messages and the scroll keys.
func (p *logPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	switch msg := msg.(type) {
	case cannotBuildMsg:
		p.log.reset()
		p.refused = true
		if p.c.engErr == nil { // with no daemon the empty pane explains in full
			p.log.note(logError, "Cannot build: "+oneLine(msg.reason))
		}
	case buildBatchMsg:
		if msg.id != p.job { // a new build starts on a clean page
			p.job = msg.id
			p.log.reset()
			p.scroll.bottom()
		}
		for _, it := range msg.items {
			p.take(it)
		}
	case tea.KeyPressMsg:
		if p.focused {
			p.sync()
			p.scroll.scroll(msg)
		}
	}
	return p, nil
}

// take adds the lines one build message shows.
func (p *logPane) take(msg tea.Msg) {
	switch msg := msg.(type) {
	case *buildEventMsg:
		p.log.event(msg.ev, msg.steps, msg.step)
	case buildTagMsg:
		s := msg.strategy
		p.log.note(logInfo, p.c.typed(fmt.Sprintf("docker build -t %s -f %s lessons/apps/%s", msg.tag, s.DockerfilePath, s.App)))
	case buildPhaseMsg:
		switch msg.phase {
		case lab.PhaseRun:
			p.log.note(logInfo, p.c.typed(lab.DockerRun(msg.tag, nil, msg.strategy.Args)))
		case lab.PhaseCheck:
			p.log.note(logInfo, "checks: extra runs of the image")
		case lab.PhaseRebuild:
			if e := msg.strategy.Edit; e != nil {
				p.log.note(logInfo, "edited "+e.File+"; building again")
			}
		}
	case buildDoneMsg:
		p.done(msg)
	case logNoteMsg:
		p.log.note(msg.kind, msg.text)
	}
}

// done adds how a run ended.
func (p *logPane) done(msg buildDoneMsg) {
	res, err := msg.res, msg.err
	switch {
	case err != nil && lab.IsCanceled(err):
		p.log.note(logError, "Build cancelled.")
	case err != nil:
		p.log.note(logError, oneLine(err.Error()))
	default:
		p.log.note(logInfo, fmt.Sprintf("%s: %s, %s, built in %s (%d/%d steps cached)",
			res.Image, human.Size(res.SizeBytes), human.Plural(res.Layers, "layer", ""),
			human.Duration(human.Seconds(res.BuildSeconds)), res.CachedSteps, res.Steps))
		for _, line := range strings.Split(strings.TrimSpace(res.RunOutput), "\n") {
			p.log.note(logText, termtext.Line(line))
		}
		if res.Diagnosis != nil { // a failure the lesson expects: say why it fails
			p.log.note(logInfo, "why: "+termtext.Plain(res.Diagnosis.Message))
		}
	}
}

// sync tells the scroller how many lines there are, following the newest unless the learner
// scrolled up.
func (p *logPane) sync() {
	if p.synced == p.log.n && p.scroll.vp.Height() == p.height {
		return
	}
	follow := p.scroll.atBottom()
	p.scroll.setCount(p.log.n, p.height)
	p.synced = p.log.n
	if follow {
		p.scroll.bottom()
	}
}

// View draws the pane.
func (p *logPane) View(width, height int) string {
	st := p.c.styles
	w, h := paneInner(width, height)
	p.height = h
	p.sync()
	var body string
	switch {
	case p.log.n == 0 && p.c.engErr != nil:
		// Nothing built yet and no daemon: the pane says why, in full, and the way out.
		head := "Builds are unavailable."
		if p.refused {
			head = "Cannot build: Docker is unavailable."
		}
		body = st.Error.Render(head) + "\n" + wrapText(termtext.PlainLines(p.c.engErr.Error()), w) + "\n\n" +
			st.Muted.Render(wrapText("Everything else in the lesson works without Docker. Press r to try again once that is fixed; `docktutor doctor` checks the whole set-up.", w))
	case p.log.n == 0:
		body = st.Muted.Render(wrapText(p.idleText, w))
	default:
		from, to := p.scroll.window()
		out := make([]string, 0, to-from)
		for i := from; i < to; i++ {
			out = append(out, p.log.line(i).render(st, w))
		}
		body = strings.Join(out, "\n")
	}
	title, suffix := p.title()
	return paneBox(fitTitle(title, suffix, width), body, width, height, p.focused, st)
}

// title is the pane's title and what must not be cut from its end.
func (p *logPane) title() (title, suffix string) {
	title = p.idle()
	if b, ok := p.status(); ok {
		title = fmt.Sprintf("Building %s %s %s", b.strategy, b.spinner, human.Duration(b.elapsed))
		suffix = " · " + string(b.phase)
		if b.queued > 0 {
			suffix += fmt.Sprintf(" · %d queued", b.queued)
		}
	}
	if p.scroll.scrollable() && !p.scroll.atBottom() {
		suffix += " · scrolled up"
	}
	return title, suffix
}
