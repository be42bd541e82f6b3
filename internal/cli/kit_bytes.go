package cli

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"

	"github.com/docktutor/docktutor/internal/human"
)

// byteReporter shows how far a stream of known (or estimated) length has got: a bar on a
// terminal, a line every tenth elsewhere. phase starts a new stream; count adds bytes to it.
type byteReporter interface {
	phase(label string, total int64)
	count(n int64)
	finish()
}

// byteInterval is how often a terminal's bar is redrawn: a read every 32 kB of a 2 GB bundle
// must not become 60,000 frames.
const byteInterval = 50 * time.Millisecond

// byteReporter picks a bar on a terminal and plain lines elsewhere.
func (o *kitOptions) byteReporter(ctx context.Context, cancel func()) byteReporter {
	if !o.tty() {
		return &plainBytes{w: o.streams.Out}
	}
	m := bytesModel{bar: progressBar(40), cancel: cancel}
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(o.streams.In), tea.WithOutput(o.streams.Out))
	r := &teaBytes{p: p, exited: make(chan struct{})}
	go func() {
		defer close(r.exited)
		_, _ = p.Run()
	}()
	return r
}

// progressBar is the kit's bar, width cells wide with its percentage.
func progressBar(width int) progress.Model {
	return progress.New(progress.WithWidth(width), progress.WithDefaultBlend())
}

// countingReader counts what is read through it.
type countingReader struct {
	r   io.Reader
	rep byteReporter
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.rep.count(int64(n))
	}
	return n, err
}

// plainBytes prints the label, then a line at each tenth of the total, then the end.
type plainBytes struct {
	w            io.Writer
	label        string
	done, total  int64
	lastTenth    int64
	started, end bool
}

func (p *plainBytes) phase(label string, total int64) {
	p.close()
	p.label, p.done, p.total, p.lastTenth, p.started, p.end = label, 0, total, 0, true, false
	fmt.Fprintf(p.w, "%s (%s)\n", label, human.Size(total))
}

func (p *plainBytes) count(n int64) {
	p.done += n
	if p.total <= 0 {
		return
	}
	if tenth := min(p.done*10/p.total, 9); tenth > p.lastTenth {
		p.lastTenth = tenth
		fmt.Fprintf(p.w, "  %3d%%  %s\n", tenth*10, human.Size(p.done))
	}
}

func (p *plainBytes) close() {
	if p.started && !p.end {
		p.end = true
		fmt.Fprintf(p.w, "  done  %s\n", human.Size(p.done))
	}
}

func (p *plainBytes) finish() { p.close() }

// teaBytes hands the counts to the program drawing the bar, at most every byteInterval.
type teaBytes struct {
	p      *tea.Program
	exited chan struct{}
	mu     sync.Mutex
	done   int64
	sent   time.Time
}

func (t *teaBytes) phase(label string, total int64) {
	t.mu.Lock()
	done := t.done
	t.done = 0
	t.mu.Unlock()
	t.p.Send(bytesMsg(done)) // the last count of the phase before, which the throttle held back
	t.p.Send(bytesPhaseMsg{label: label, total: total})
}

func (t *teaBytes) count(n int64) {
	t.mu.Lock()
	t.done += n
	done, now := t.done, time.Now()
	send := now.Sub(t.sent) >= byteInterval
	if send {
		t.sent = now
	}
	t.mu.Unlock()
	if send {
		t.p.Send(bytesMsg(done))
	}
}

func (t *teaBytes) finish() {
	t.mu.Lock()
	done := t.done
	t.mu.Unlock()
	t.p.Send(bytesMsg(done))
	t.p.Send(kitFinishMsg{})
	<-t.exited
}

type (
	// bytesPhaseMsg starts a new stream of total bytes.
	bytesPhaseMsg struct {
		label string
		total int64
	}
	// bytesMsg is how many bytes of the stream have gone through so far.
	bytesMsg int64
)

// bytesModel draws one bar with its label and counts; finished phases stay above it.
type bytesModel struct {
	bar         progress.Model
	cancel      func()
	past        []string
	label       string
	done, total int64
	stopping    bool
}

// Init implements tea.Model.
func (m bytesModel) Init() tea.Cmd { return nil }

// Update implements tea.Model.
func (m bytesModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.bar.SetWidth(max(10, min(60, msg.Width-30)))
	case tea.KeyPressMsg:
		if k := msg.String(); k == "ctrl+c" || k == "q" || k == "esc" {
			m.stopping = true
			m.cancel()
		}
	case bytesPhaseMsg:
		if m.label != "" {
			m.past = append(m.past, m.line())
		}
		m.label, m.total, m.done = msg.label, msg.total, 0
	case bytesMsg:
		m.done = int64(msg)
	case kitFinishMsg:
		return m, tea.Quit
	}
	return m, nil
}

// line is the current phase as text.
func (m bytesModel) line() string {
	frac := 1.0
	if m.total > 0 {
		frac = min(1, float64(m.done)/float64(m.total))
	}
	return fmt.Sprintf("%s\n  %s %s / %s", m.label, m.bar.ViewAs(frac), bytesOrZero(m.done), bytesOrZero(max(m.total, m.done)))
}

// View implements tea.Model.
func (m bytesModel) View() tea.View {
	s := ""
	for _, p := range m.past {
		s += p + "\n"
	}
	if m.label != "" {
		s += m.line()
	}
	if m.stopping {
		s += "  stopping…"
	}
	return tea.NewView(s + "\n")
}
