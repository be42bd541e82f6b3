package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/termtext"
)

// maxLogLines bounds the build pane's scrollback: a build that prints a million lines keeps
// memory flat; the oldest lines go first.
const maxLogLines = 2000

type logKind int

const (
	logText logKind = iota
	logStep
	logCached
	logError
	logInfo
	logDone
)

type logLine struct {
	kind logKind
	text string
}

// buildLog is the build pane's model: step lines and output, in a bounded ring, with a scroll
// position counted from the bottom so new lines stay in view unless the learner scrolled up.
type buildLog struct {
	lines   []logLine // ring buffer storage
	start   int       // index of the oldest line in lines
	n       int       // lines held
	dropped int       // lines that fell off the top
	scroll  int       // lines scrolled up from the bottom

	steps, cached int
	current       string // the step running now
	// stepLine remembers where each running step's line is (as a count of lines ever added), so
	// the line can be marked done when the step ends.
	stepLine map[string]int
	labels   labelRun
}

// labelRun is the line of the legacy builder's LABEL steps in a row: one step per label it was
// asked to add (docktutor's own, on every build), shown as one line rather than four.
type labelRun struct {
	seq      int // the line, as a count of lines ever added
	first, n int // the first step's number and how many there are
}

func newBuildLog() buildLog {
	return buildLog{lines: make([]logLine, maxLogLines), stepLine: map[string]int{}}
}

// at returns the line added as the seq-th line ever, if it is still held.
func (b *buildLog) at(seq int) *logLine {
	i := seq - b.dropped
	if i < 0 || i >= b.n {
		return nil
	}
	return &b.lines[(b.start+i)%len(b.lines)]
}

func (b *buildLog) reset() { *b = newBuildLog() }

func (b *buildLog) add(kind logKind, text string) {
	l := logLine{kind: kind, text: text}
	if b.n < len(b.lines) {
		b.lines[(b.start+b.n)%len(b.lines)] = l
		b.n++
	} else {
		b.lines[b.start] = l
		b.start = (b.start + 1) % len(b.lines)
		b.dropped++
	}
}

func (b *buildLog) line(i int) logLine { return b.lines[(b.start+i)%len(b.lines)] }

// apply records one build event.
func (b *buildLog) apply(ev engine.Event) {
	switch ev.Kind {
	case engine.EventStepStarted:
		if ev.Internal {
			// Builder bookkeeping (BuildKit's context transfer, the legacy builder's label
			// steps): worth a dim line, not a step of the learner's Dockerfile.
			if b.foldLabel(ev) {
				return
			}
			b.add(logInfo, stepTitle(ev))
			if ev.Total > 0 && strings.HasPrefix(ev.Name, "LABEL ") {
				b.labels = labelRun{seq: b.dropped + b.n - 1, first: ev.Step, n: 1}
			}
			return
		}
		b.steps++
		b.current = stepTitle(ev)
		b.stepLine[b.current] = b.dropped + b.n
		b.add(logStep, b.current)
	case engine.EventStepDone:
		title := stepTitle(ev)
		if seq, ok := b.stepLine[title]; ok {
			if l := b.at(seq); l != nil && l.kind == logStep && l.text == title {
				l.kind = logDone
			}
		}
	case engine.EventCacheHit:
		if ev.Internal {
			return
		}
		b.cached++
		// The step's own line says "cached" rather than a second line repeating it. BuildKit
		// may report a step started, even done, before it says the cache served it.
		title := stepTitle(ev)
		if seq, ok := b.stepLine[title]; ok {
			if l := b.at(seq); l != nil && l.text == title {
				l.kind = logCached
				return
			}
		}
		b.add(logCached, title)
	case engine.EventLog:
		if strings.TrimSpace(ev.Text) != "" {
			b.add(logText, termtext.Line(ev.Text))
		}
	case engine.EventError:
		b.add(logError, termtext.Line(ev.Text))
	case engine.EventImageID:
		b.add(logInfo, "image "+shortID(ev.Text))
	}
}

// foldLabel folds an internal LABEL step into the line of the ones just before it, and says
// whether it did.
func (b *buildLog) foldLabel(ev engine.Event) bool {
	r := &b.labels
	if r.n == 0 || ev.Total == 0 || !strings.HasPrefix(ev.Name, "LABEL ") ||
		r.seq != b.dropped+b.n-1 || ev.Step != r.first+r.n {
		return false
	}
	l := b.at(r.seq)
	if l == nil {
		return false
	}
	r.n++
	l.text = fmt.Sprintf("steps %d–%d/%d  LABEL ×%d (the build's labels)", r.first, ev.Step, ev.Total, r.n)
	return true
}

func stepTitle(ev engine.Event) string {
	name := termtext.Line(ev.Name)
	switch {
	case ev.Total > 0:
		return fmt.Sprintf("step %d/%d  %s", ev.Step, ev.Total, name)
	case ev.Stage != "":
		return fmt.Sprintf("[%s %d/%d]  %s", ev.Stage, ev.StageStep, ev.StageTotal, name)
	}
	return name
}

func shortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func (b *buildLog) scrollBy(n, height int) {
	b.scroll = minInt(maxInt(0, b.scroll+n), maxInt(0, b.n-height))
}

// view renders the last height lines (less the scroll offset), each cut to width.
func (b *buildLog) view(st Styles, width, height int) string {
	if b.n == 0 {
		return st.Muted.Render(wrapText("Press b to build this strategy, B to build them all.", width))
	}
	end := b.n - b.scroll
	begin := maxInt(0, end-height)
	out := make([]string, 0, end-begin)
	for i := begin; i < end; i++ {
		l := b.line(i)
		text := truncate(l.text, width-2)
		switch l.kind {
		case logStep:
			out = append(out, st.Accent.Render("▸ "+text))
		case logDone:
			out = append(out, st.Accent.Render("✓ ")+text)
		case logCached:
			// The mark matters more than the end of the instruction: cut the text, keep "cached".
			out = append(out, st.OK.Render("✓ ")+truncate(l.text, width-10)+st.Muted.Render("  cached"))
		case logError:
			out = append(out, st.Error.Render("✗ "+text))
		case logInfo:
			out = append(out, st.Muted.Render("  "+text))
		default:
			out = append(out, st.Muted.Render("  ")+text)
		}
	}
	return strings.Join(out, "\n")
}

// elapsed formats a build's running time: 4.2s, 1m05s.
func elapsed(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}
