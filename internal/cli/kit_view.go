package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"

	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/human"
)

// kitReporter shows a pull or push as it goes: live on a terminal (kitModel), as plain lines
// elsewhere (plainReporter). i is the job's index.
type kitReporter interface {
	start(i int)
	layer(i int, ev engine.LayerEvent)
	done(i int, err error)
	finish()
}

// reporter picks the live display on a terminal, plain lines otherwise.
func (o *kitOptions) reporter(ctx context.Context, cancel func(), title string, jobs []kitJob) kitReporter {
	if !o.tty() {
		fmt.Fprintln(o.streams.Out, title)
		return &plainReporter{w: o.streams.Out, jobs: jobs, phase: map[string]engine.LayerPhase{}}
	}
	m := newKitModel(title, jobs, cancel)
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(o.streams.In), tea.WithOutput(o.streams.Out))
	r := &teaReporter{p: p, exited: make(chan struct{})}
	go func() {
		defer close(r.exited)
		_, _ = p.Run()
	}()
	return r
}

// teaReporter hands the events to the Bubble Tea program that draws them.
type teaReporter struct {
	p      *tea.Program
	exited chan struct{}
	once   sync.Once
}

func (r *teaReporter) start(i int)                       { r.p.Send(kitStartMsg{i}) }
func (r *teaReporter) layer(i int, ev engine.LayerEvent) { r.p.Send(kitLayerMsg{i, ev}) }
func (r *teaReporter) done(i int, err error)             { r.p.Send(kitDoneMsg{i, err}) }

// finish lets the program draw the last state and waits until it has given the terminal back.
func (r *teaReporter) finish() {
	r.once.Do(func() { r.p.Send(kitFinishMsg{}) })
	<-r.exited
}

// plainReporter prints a line when an image starts or ends and when a layer changes phase: a
// CI log gets the story without a line per downloaded chunk.
type plainReporter struct {
	w     io.Writer
	jobs  []kitJob
	phase map[string]engine.LayerPhase // by image index and layer
}

func (r *plainReporter) start(i int) {
	j := r.jobs[i]
	if j.Remote != j.Ref {
		fmt.Fprintf(r.w, "%s <- %s\n", j.Ref, j.Remote)
		return
	}
	fmt.Fprintf(r.w, "%s\n", j.Ref)
}

func (r *plainReporter) layer(i int, ev engine.LayerEvent) {
	if ev.Layer == "" {
		fmt.Fprintf(r.w, "  %s\n", dockerfile.Printable(ev.Status))
		return
	}
	key := fmt.Sprint(i, "/", ev.Layer)
	if old, ok := r.phase[key]; ok && old == ev.Phase {
		return
	}
	r.phase[key] = ev.Phase
	line := "  " + dockerfile.Printable(ev.Layer) + "  " + dockerfile.Printable(ev.Status)
	if ev.Total > 0 {
		line += " (" + human.Size(ev.Total) + ")"
	}
	fmt.Fprintln(r.w, line)
}

func (r *plainReporter) done(i int, err error) {
	if err != nil {
		fmt.Fprintf(r.w, "FAILED %s: %s\n", r.jobs[i].Ref, ErrorText(err))
		return
	}
	fmt.Fprintf(r.w, "done   %s\n", r.jobs[i].Ref)
}

func (r *plainReporter) finish() {}

// The messages the kit's program receives, one type per meaning.
type (
	kitStartMsg struct{ i int }
	kitLayerMsg struct {
		i  int
		ev engine.LayerEvent
	}
	kitDoneMsg struct {
		i   int
		err error
	}
	kitFinishMsg struct{}
)

// kitRowState is where one image of a pull or push stands.
type kitRowState int

const (
	rowPending kitRowState = iota
	rowRunning
	rowDone
	rowFailed
)

// kitLayer is one layer's progress.
type kitLayer struct {
	id             string
	phase          engine.LayerPhase
	status         string
	current, total int64 // of the current phase
	size           int64 // bytes to transfer, once the daemon says
}

// moved is how many of the layer's bytes have been transferred.
func (l *kitLayer) moved() int64 {
	switch {
	case l.phase >= engine.LayerTransferred:
		return l.size
	case l.phase == engine.LayerTransferring:
		return l.current
	}
	return 0
}

// kitRow is one image.
type kitRow struct {
	job    kitJob
	state  kitRowState
	err    error
	layers []*kitLayer
}

// kitModel draws a pull or push: each image with its state, the running image's layers with a
// bar each, and a total bar over every byte announced so far.
type kitModel struct {
	title    string
	rows     []kitRow
	layerBar progress.Model
	totalBar progress.Model
	cancel   func()
	stopping bool
	width    int
	// tall is the most lines the view has had: it never gets shorter, since Bubble Tea's inline
	// renderer can leave a taller earlier frame's lines behind when a frame shrinks (seen when
	// an image's layer lines go as it finishes).
	tall int
}

func newKitModel(title string, jobs []kitJob, cancel func()) kitModel {
	m := kitModel{title: title, cancel: cancel, width: 80,
		layerBar: progress.New(progress.WithWidth(24), progress.WithoutPercentage(), progress.WithDefaultBlend()),
		totalBar: progress.New(progress.WithWidth(40), progress.WithDefaultBlend()),
	}
	for _, j := range jobs {
		m.rows = append(m.rows, kitRow{job: j})
	}
	return m
}

// Init implements tea.Model.
func (m kitModel) Init() tea.Cmd { return nil }

// Update implements tea.Model.
func (m kitModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := m.update(msg)
	m.tall = max(m.tall, strings.Count(m.render(), "\n"))
	return m, cmd
}

// update applies one message.
func (m kitModel) update(msg tea.Msg) (kitModel, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width = msg.Width
		m.totalBar.SetWidth(max(10, min(60, m.width-40)))
		m.layerBar.SetWidth(max(8, min(30, m.width-60)))
	case tea.KeyPressMsg:
		if k := msg.String(); k == "ctrl+c" || k == "q" || k == "esc" {
			m.stopping = true
			m.cancel()
		}
	case kitStartMsg:
		m.rows[msg.i].state = rowRunning
	case kitLayerMsg:
		m.rows[msg.i].apply(msg.ev)
	case kitDoneMsg:
		m.rows[msg.i].state, m.rows[msg.i].err = rowDone, msg.err
		if msg.err != nil {
			m.rows[msg.i].state = rowFailed
		}
	case kitFinishMsg:
		return m, tea.Quit
	}
	return m, nil
}

// apply records a layer event in the row.
func (r *kitRow) apply(ev engine.LayerEvent) {
	if ev.Layer == "" {
		return
	}
	var l *kitLayer
	for _, x := range r.layers {
		if x.id == ev.Layer {
			l = x
		}
	}
	if l == nil {
		l = &kitLayer{id: ev.Layer}
		r.layers = append(r.layers, l)
	}
	l.phase, l.status, l.current, l.total = ev.Phase, ev.Status, ev.Current, ev.Total
	if ev.Phase == engine.LayerTransferring && ev.Total > 0 {
		l.size = ev.Total
	}
}

// bytes adds up what the row has moved of what it announced.
func (r *kitRow) bytes() (moved, size int64) {
	for _, l := range r.layers {
		moved += l.moved()
		size += l.size
	}
	return moved, size
}

// View implements tea.Model: the text, padded to the tallest frame so far.
func (m kitModel) View() tea.View {
	s := m.render()
	return tea.NewView(s + strings.Repeat("\n", max(0, m.tall-strings.Count(s, "\n"))))
}

// render draws the model as text; tests read it.
func (m kitModel) render() string {
	var b strings.Builder
	b.WriteString(m.title + "\n")
	var moved, size int64
	finished := 0
	for _, r := range m.rows {
		rm, rs := r.bytes()
		moved, size = moved+rm, size+rs
		name := dockerfile.Printable(r.job.Ref)
		switch r.state {
		case rowPending:
			b.WriteString("  · " + name + "\n")
		case rowDone:
			finished++
			b.WriteString("  ✓ " + name)
			if rs > 0 {
				b.WriteString("  " + human.Size(rs))
			}
			b.WriteString("\n")
		case rowFailed:
			finished++
			b.WriteString("  ✗ " + name + "  " + truncate(ErrorText(r.err), max(20, m.width-len(name)-6)) + "\n")
		case rowRunning:
			b.WriteString("  ▸ " + name)
			if r.job.Remote != r.job.Ref {
				b.WriteString(" ← " + dockerfile.Printable(r.job.Remote))
			}
			b.WriteString("\n")
			for _, l := range r.layers {
				b.WriteString(m.layerLine(l) + "\n")
			}
		}
	}
	frac := 0.0
	if size > 0 {
		frac = float64(moved) / float64(size)
	}
	fmt.Fprintf(&b, "total %s %s / %s  %d of %s", m.totalBar.ViewAs(frac), bytesOrZero(moved), bytesOrZero(size), finished, human.Plural(len(m.rows), "image", ""))
	if m.stopping {
		b.WriteString("  stopping…")
	}
	return b.String() + "\n"
}

// layerLine draws one layer: its ID, the daemon's word for its phase, and a bar while bytes
// move.
func (m kitModel) layerLine(l *kitLayer) string {
	line := fmt.Sprintf("      %-12s  %-18s", dockerfile.Printable(l.id), dockerfile.Printable(l.status))
	switch {
	case (l.phase == engine.LayerTransferring || l.phase == engine.LayerExtracting) && l.total > 0:
		line += " " + m.layerBar.ViewAs(float64(l.current)/float64(l.total)) + " " + human.Size(l.current) + " / " + human.Size(l.total)
	case l.size > 0:
		line += " " + human.Size(l.size)
	}
	return line
}

// bytesOrZero is human.Size, but "0B" for nothing yet (human.Size says "-", not measured).
func bytesOrZero(n int64) string {
	if n <= 0 {
		return "0B"
	}
	return human.Size(n)
}

// truncate shortens s to n cells at most, ending in "…".
func truncate(s string, n int) string {
	s, _, _ = strings.Cut(s, "\n")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
