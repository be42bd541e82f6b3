package classroom

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/docktutor/docktutor/internal/human"
	"github.com/docktutor/docktutor/internal/ui"
)

// RoomView is what the dashboard needs of the room (Room and the server satisfy it).
type RoomView interface {
	Snapshot() []Learner
	Frame(fingerprint string) string
	Changed() <-chan struct{}
	// Broadcast puts one line on every learner's status line.
	Broadcast(text string)
	// WriteReport writes the class report into the state dir and returns its path.
	WriteReport() (path string, err error)
}

// DashboardOptions is how a dashboard starts: the terminal's size and colours, and its clock
// (tests fix it; nil is time.Now).
type DashboardOptions struct {
	Width, Height int
	Plain, Dark   bool
	Now           func() time.Time
}

// Dashboard is the instructor's view of the room, a Bubble Tea model: one row per learner,
// sortable by any column; a learner's screen followed read-only; a message to everyone; the
// class report written on demand.
type Dashboard struct {
	room          RoomView
	now           func() time.Time
	width, height int
	plain, dark   bool
	styles        ui.Styles
	keys          dashboardKeys
	help          help.Model

	learners []Learner // the last snapshot, in the order shown
	at       time.Time // the clock when last asked: ages and idle times count from it
	sortBy   column
	reverse  bool
	selected string // the selected learner's fingerprint: a selection survives re-sorting

	following string // the followed learner's fingerprint, "" on the table
	frame     string // their last frame

	composing bool
	input     textinput.Model
	notice    string
	noticeBad bool

	stop chan struct{} // closed on quit, so that the room watch ends with the program
}

// column is a column of the learners' table; 1 to 7 on the keyboard sort by it.
type column int

const (
	colName column = iota
	colWhere
	colBuild
	colQueue
	colIdle
	colHand
	colEngine
	numColumns
)

var columnTitles = [numColumns]string{"name", "where", "last build", "queue", "idle", "hand", "engine"}

func (c column) String() string { return columnTitles[c] }

// dashboardKeys are the dashboard's bindings, rendered by help.Model.
type dashboardKeys struct {
	Up, Down, Follow, Back, Sort, Cycle, Message, Send, Report, Quit key.Binding
}

func defaultDashboardKeys() dashboardKeys {
	return dashboardKeys{
		Up:      key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:    key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Follow:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "follow")),
		Back:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Sort:    key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7"), key.WithHelp("1–7", "sort")),
		Cycle:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "next sort")),
		Message: key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "message all")),
		Send:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "send")),
		Report:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "class report")),
		Quit:    key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

// NewDashboard returns the dashboard over room.
func NewDashboard(room RoomView, opts DashboardOptions) *Dashboard {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	d := &Dashboard{
		room: room, now: now, width: opts.Width, height: opts.Height, plain: opts.Plain, dark: opts.Dark,
		keys: defaultDashboardKeys(), help: help.New(), sortBy: colHand, at: now(), stop: make(chan struct{}),
	}
	d.input = textinput.New()
	d.input.Prompt = "message to everyone: "
	d.input.CharLimit = 200
	d.setStyles()
	d.resize()
	return d
}

func (d *Dashboard) setStyles() {
	d.styles = ui.NewStyles(d.dark, d.plain)
	d.help.Styles = help.DefaultStyles(d.dark)
	d.input.SetStyles(textinput.DefaultStyles(d.dark))
}

func (d *Dashboard) resize() {
	d.help.SetWidth(d.width)
	d.input.SetWidth(max(1, d.width-ansi.StringWidth(d.input.Prompt)-1))
}

// Messages.
type (
	// roomMsg is a fresh snapshot of the room and the channel closed at its next change.
	roomMsg struct {
		learners []Learner
		next     <-chan struct{}
	}
	// frameMsg is the followed learner's last frame; one for a learner no longer followed is
	// dropped.
	frameMsg struct{ fingerprint, frame string }
	tickMsg  time.Time
	sentMsg  struct{ learners int }
	// reportMsg says where the class report went, or why it did not.
	reportMsg struct {
		path string
		err  error
	}
)

// look takes a snapshot of the room. The channel is asked for first, so that a change between
// the two is not missed: it closes the channel and the next watch looks again.
func look(room RoomView) tea.Cmd {
	return func() tea.Msg {
		next := room.Changed()
		return roomMsg{learners: room.Snapshot(), next: next}
	}
}

// watch waits for the room's next change, then looks again; it gives up when the dashboard
// quits.
func watch(room RoomView, changed <-chan struct{}, stop <-chan struct{}) tea.Cmd {
	return func() tea.Msg {
		select {
		case <-changed:
			return look(room)()
		case <-stop:
			return nil
		}
	}
}

func frameOf(room RoomView, fingerprint string) tea.Cmd {
	return func() tea.Msg { return frameMsg{fingerprint: fingerprint, frame: room.Frame(fingerprint)} }
}

// tick advances the clock every second, so that ages and idle times move between changes.
func tick() tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) })
}

func broadcast(room RoomView, text string) tea.Cmd {
	return func() tea.Msg {
		n := 0
		for _, l := range room.Snapshot() {
			if l.Connected {
				n++
			}
		}
		room.Broadcast(text)
		return sentMsg{learners: n}
	}
}

func writeReport(room RoomView) tea.Cmd {
	return func() tea.Msg {
		path, err := room.WriteReport()
		return reportMsg{path: path, err: err}
	}
}

// Init looks at the room, starts the clock and asks the terminal for its background.
func (d *Dashboard) Init() tea.Cmd {
	cmds := []tea.Cmd{look(d.room), tick()}
	if !d.plain {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	return tea.Batch(cmds...)
}

// Update handles a message.
func (d *Dashboard) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		d.width, d.height = msg.Width, msg.Height
		d.resize()
		return d, nil
	case tea.BackgroundColorMsg:
		if !d.plain {
			d.dark = msg.IsDark()
			d.setStyles()
		}
		return d, nil
	case roomMsg:
		d.learners, d.at = msg.learners, d.now()
		d.sort()
		cmd := watch(d.room, msg.next, d.stop)
		if d.following != "" {
			cmd = tea.Batch(cmd, frameOf(d.room, d.following))
		}
		return d, cmd
	case frameMsg:
		if msg.fingerprint == d.following {
			d.frame = msg.frame
		}
		return d, nil
	case tickMsg:
		d.at = d.now()
		return d, tick()
	case sentMsg:
		d.setNotice(fmt.Sprintf("sent to %s", human.Plural(msg.learners, "learner", "")), false)
		return d, nil
	case reportMsg:
		if msg.err != nil {
			d.setNotice("class report: "+msg.err.Error(), true)
		} else {
			d.setNotice("class report written to "+msg.path, false)
		}
		return d, nil
	case tea.KeyPressMsg:
		return d, d.key(msg)
	}
	if d.composing { // the input's own messages (its cursor's blink)
		var cmd tea.Cmd
		d.input, cmd = d.input.Update(msg)
		return d, cmd
	}
	return d, nil
}

func (d *Dashboard) setNotice(s string, bad bool) { d.notice, d.noticeBad = s, bad }

func (d *Dashboard) key(msg tea.KeyPressMsg) tea.Cmd {
	k := d.keys
	switch {
	case d.composing:
		switch {
		case msg.String() == "ctrl+c":
			return d.quit()
		case key.Matches(msg, k.Back):
			d.composing = false
			d.input.Blur()
			return nil
		case key.Matches(msg, k.Send):
			d.composing = false
			d.input.Blur()
			text := strings.Join(strings.Fields(d.input.Value()), " ")
			if text == "" {
				return nil
			}
			d.setNotice("sending…", false)
			return broadcast(d.room, text)
		}
		var cmd tea.Cmd
		d.input, cmd = d.input.Update(msg)
		return cmd
	case key.Matches(msg, k.Quit):
		return d.quit()
	case d.following != "":
		switch {
		case key.Matches(msg, k.Back):
			d.following, d.frame = "", ""
		case key.Matches(msg, k.Up), key.Matches(msg, k.Down): // the learner above or below
			if key.Matches(msg, k.Up) {
				d.move(-1)
			} else {
				d.move(1)
			}
			if l, ok := d.current(); ok && l.Fingerprint != d.following {
				d.following, d.frame = l.Fingerprint, ""
				return frameOf(d.room, l.Fingerprint)
			}
		}
		return nil
	case key.Matches(msg, k.Up):
		d.move(-1)
	case key.Matches(msg, k.Down):
		d.move(1)
	case key.Matches(msg, k.Follow):
		if l, ok := d.current(); ok {
			d.following, d.frame = l.Fingerprint, ""
			return frameOf(d.room, l.Fingerprint)
		}
	case key.Matches(msg, k.Sort):
		c := column(msg.String()[0] - '1')
		if c == d.sortBy {
			d.reverse = !d.reverse
		} else {
			d.sortBy, d.reverse = c, false
		}
		d.sort()
	case key.Matches(msg, k.Cycle):
		d.sortBy, d.reverse = (d.sortBy+1)%numColumns, false
		d.sort()
	case key.Matches(msg, k.Message):
		d.composing = true
		d.input.Reset()
		return d.input.Focus()
	case key.Matches(msg, k.Report):
		d.setNotice("writing the class report…", false)
		return writeReport(d.room)
	}
	return nil
}

func (d *Dashboard) quit() tea.Cmd {
	select {
	case <-d.stop:
	default:
		close(d.stop)
	}
	return tea.Quit
}

// current is the selected learner: the first row when none is selected yet.
func (d *Dashboard) current() (Learner, bool) {
	if len(d.learners) == 0 {
		return Learner{}, false
	}
	return d.learners[d.cursor()], true
}

// cursor is the selected row's index.
func (d *Dashboard) cursor() int {
	return max(0, slices.IndexFunc(d.learners, func(l Learner) bool { return l.Fingerprint == d.selected }))
}

func (d *Dashboard) move(by int) {
	if len(d.learners) == 0 {
		return
	}
	i := min(max(d.cursor()+by, 0), len(d.learners)-1)
	d.selected = d.learners[i].Fingerprint
}

// sort puts the learners in the chosen column's order, reversed when asked; ties go by name.
func (d *Dashboard) sort() {
	slices.SortStableFunc(d.learners, func(a, b Learner) int {
		c := compareBy(d.sortBy, a, b, d.at)
		if d.reverse {
			c = -c
		}
		return cmp.Or(c, cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.Fingerprint, b.Fingerprint))
	})
}

// compareBy orders two learners by one column, in the order an instructor looks for first:
// raised hands, failed builds, the head of the queue, the most recently active.
func compareBy(c column, a, b Learner, now time.Time) int {
	switch c {
	case colName:
		return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	case colWhere:
		return cmp.Compare(a.Where, b.Where)
	case colBuild:
		rank := func(m BuildMark) int {
			switch {
			case m.At.IsZero():
				return 2
			case m.OK:
				return 1
			}
			return 0
		}
		return cmp.Or(cmp.Compare(rank(a.LastBuild), rank(b.LastBuild)), b.LastBuild.At.Compare(a.LastBuild.At))
	case colQueue:
		place := func(n int) int {
			if n <= 0 {
				return math.MaxInt
			}
			return n
		}
		return cmp.Compare(place(a.QueuePlace), place(b.QueuePlace))
	case colIdle:
		idle := func(l Learner) time.Duration {
			if l.LastInput.IsZero() {
				return math.MaxInt64
			}
			return now.Sub(l.LastInput)
		}
		return cmp.Compare(idle(a), idle(b))
	case colHand:
		hand := func(l Learner) int {
			if l.Hand {
				return 0
			}
			return 1
		}
		return cmp.Compare(hand(a), hand(b))
	case colEngine:
		return cmp.Compare(a.Engine, b.Engine)
	}
	return 0
}
