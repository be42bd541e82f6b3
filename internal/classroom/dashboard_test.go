package classroom

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// clock is the dashboard's fixed time in these tests.
var clock = time.Date(2026, 12, 2, 14, 5, 0, 0, time.UTC)

// fakeRoom is a RoomView that records what the dashboard asks of it.
type fakeRoom struct {
	mu        sync.Mutex
	learners  []Learner
	frames    map[string]string
	changed   chan struct{}
	broadcast []string
	report    string
	reportErr error
}

func (f *fakeRoom) Snapshot() []Learner {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Learner(nil), f.learners...)
}

func (f *fakeRoom) Frame(fp string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.frames[fp]
}

func (f *fakeRoom) Changed() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.changed == nil {
		f.changed = make(chan struct{})
	}
	return f.changed
}

func (f *fakeRoom) Broadcast(text string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.broadcast = append(f.broadcast, text)
}

func (f *fakeRoom) WriteReport() (string, error) { return f.report, f.reportErr }

// change replaces the learners and tells the watchers.
func (f *fakeRoom) change(learners []Learner) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.learners = learners
	if f.changed != nil {
		close(f.changed)
	}
	f.changed = make(chan struct{})
}

func classOf3() *fakeRoom {
	return &fakeRoom{
		learners: []Learner{
			{Fingerprint: "SHA256:aaa", Name: "ada", Engine: "default", Connected: true, Where: "lesson multistage",
				LastBuild: BuildMark{OK: true, At: clock.Add(-2 * time.Minute)}, LastInput: clock.Add(-4 * time.Minute)},
			{Fingerprint: "SHA256:bbb", Name: "bob", Engine: "remote-1", Connected: true, Where: "exercise ship-thin-go · 2/4 goals",
				LastBuild: BuildMark{OK: false, At: clock.Add(-30 * time.Second)}, QueuePlace: 2, LastInput: clock, Hand: true},
			{Fingerprint: "SHA256:ccc", Name: "cy", Engine: "default", Connected: false, Where: "menu",
				LastInput: clock.Add(-3 * time.Hour)},
		},
		frames: map[string]string{
			"SHA256:aaa": "\x1b[1mada's lesson screen\x1b[0m\nline two",
			"SHA256:bbb": "bob's exercise screen\n" + strings.Repeat("wide ", 60) + "\n" + strings.Repeat("more\n", 80),
		},
	}
}

// open makes a dashboard over room of the given size and gives it the room's first snapshot.
func open(t *testing.T, room RoomView, w, h int) *Dashboard {
	t.Helper()
	d := NewDashboard(room, DashboardOptions{Width: w, Height: h, Plain: true, Now: func() time.Time { return clock }})
	d.Update(look(room)())
	return d
}

func press(d *Dashboard, keys ...string) tea.Cmd {
	var cmd tea.Cmd
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		case "up":
			msg = tea.KeyPressMsg{Code: tea.KeyUp}
		default:
			r := []rune(k)[0]
			msg = tea.KeyPressMsg{Code: r, Text: k}
		}
		_, cmd = d.Update(msg)
	}
	return cmd
}

func screen(d *Dashboard) string { return ansi.Strip(d.View().Content) }

// order is the learners' names as the table lists them, top to bottom.
func order(d *Dashboard, names ...string) []string {
	var out []string
	for _, line := range strings.Split(screen(d), "\n") {
		fields := strings.Fields(strings.TrimPrefix(line, "▸"))
		if len(fields) == 0 {
			continue
		}
		for _, n := range names {
			if fields[0] == n {
				out = append(out, n)
			}
		}
	}
	return out
}

func TestDashboardRows(t *testing.T) {
	d := open(t, classOf3(), 120, 20)
	s := screen(d)
	for _, want := range []string{
		"docktutor classroom · 2 learners connected · 1 hand raised · 14:05",
		"lesson multistage", "exercise ship-thin-go · 2/4 goals", "✓ 2m ago", "✗ 30s ago", "2nd", "4m", "now", "3h",
		"✋", "remote-1", "cy (gone)", "↑/k up",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	// Hands first, then by name.
	if got := strings.Join(order(d, "ada", "bob", "cy"), " "); got != "bob ada cy" {
		t.Errorf("default order %q, want bob ada cy", got)
	}
}

func TestDashboardEmpty(t *testing.T) {
	d := open(t, &fakeRoom{}, 80, 24)
	if s := screen(d); !strings.Contains(s, "No learner has come yet.") || !strings.Contains(s, "0 learners connected") {
		t.Errorf("empty room:\n%s", s)
	}
	press(d, "enter", "down", "1") // nothing to follow, select or sort: nothing breaks
}

func TestDashboardSort(t *testing.T) {
	tests := []struct {
		name string
		keys []string
		want string
	}{
		{"by name", []string{"1"}, "ada bob cy"},
		{"by name reversed", []string{"1", "1"}, "cy bob ada"},
		{"by last build, failed first", []string{"3"}, "bob ada cy"},
		{"by queue place", []string{"4"}, "bob ada cy"},
		{"by idle time, most idle last", []string{"5"}, "bob ada cy"},
		{"by idle time reversed", []string{"5", "5"}, "cy ada bob"},
		{"by engine", []string{"7"}, "ada cy bob"},
		{"s cycles from hand to engine", []string{"s"}, "ada cy bob"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := open(t, classOf3(), 120, 20)
			press(d, tt.keys...)
			if got := strings.Join(order(d, "ada", "bob", "cy"), " "); got != tt.want {
				t.Errorf("order %q, want %q", got, tt.want)
			}
		})
	}

	d := open(t, classOf3(), 120, 20)
	press(d, "5", "5")
	if s := screen(d); !strings.Contains(s, "by idle ▼") || !strings.Contains(s, "idle ▼") {
		t.Errorf("the header does not show the sort:\n%s", s)
	}
}

func TestDashboardFollow(t *testing.T) {
	room := classOf3()
	d := open(t, room, 60, 12)
	press(d, "1", "down") // ada, then bob
	cmd := press(d, "enter")
	d.Update(cmd())
	s := screen(d)
	if !strings.Contains(s, "following bob — ↑/↓") || !strings.Contains(s, "bob's exercise screen") {
		t.Fatalf("following bob:\n%s", s)
	}
	lines := strings.Split(s, "\n")
	if len(lines) > 12 {
		t.Errorf("%d lines on a 12-line window", len(lines))
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > 60 {
			t.Errorf("line %q is %d wide on a 60-column window", l, w)
		}
	}

	// The room changes: the frame follows.
	room.mu.Lock()
	room.frames["SHA256:bbb"] = "bob's next screen"
	room.mu.Unlock()
	_, cmd = d.Update(roomMsg{learners: room.Snapshot(), next: room.Changed()})
	for _, msg := range runBatch(cmd) {
		d.Update(msg)
	}
	if s := screen(d); !strings.Contains(s, "bob's next screen") {
		t.Errorf("the frame did not follow the room:\n%s", s)
	}

	// ↑ follows the learner above, without going back to the table.
	cmd = press(d, "up")
	d.Update(cmd())
	if s := screen(d); !strings.Contains(s, "following ada") || !strings.Contains(s, "ada's lesson screen") {
		t.Errorf("↑ while following bob:\n%s", s)
	}
	cmd = press(d, "down")
	d.Update(cmd())
	if s := screen(d); !strings.Contains(s, "following bob") {
		t.Errorf("↓ while following ada:\n%s", s)
	}

	// A frame that arrives for someone no longer followed is dropped.
	press(d, "esc")
	d.Update(frameMsg{fingerprint: "SHA256:bbb", frame: "late"})
	if s := screen(d); strings.Contains(s, "following") || strings.Contains(s, "late") || !strings.Contains(s, "ada") {
		t.Errorf("esc did not return to the table:\n%s", s)
	}
}

// runBatch runs the commands of cmd that do not wait on the room (a watch is skipped: it
// would block until the next change).
func runBatch(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(100 * time.Millisecond):
		return nil
	}
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, runBatch(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

func TestDashboardWatch(t *testing.T) {
	room := classOf3()
	d := open(t, room, 120, 20)
	_, cmd := d.Update(roomMsg{learners: room.Snapshot(), next: room.Changed()})
	got := make(chan tea.Msg)
	go func() { got <- cmd() }()
	room.change(append(room.Snapshot(), Learner{Fingerprint: "SHA256:ddd", Name: "dee", Connected: true}))
	select {
	case msg := <-got:
		d.Update(msg)
	case <-time.After(5 * time.Second):
		t.Fatal("the watch did not see the change")
	}
	if s := screen(d); !strings.Contains(s, "dee") {
		t.Errorf("the new learner is not shown:\n%s", s)
	}

	// Quitting ends a watch that is still waiting.
	_, cmd = d.Update(roomMsg{learners: room.Snapshot(), next: room.Changed()})
	go func() { got <- cmd() }()
	press(d, "q")
	select {
	case <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("the watch outlived the dashboard")
	}
}

func TestDashboardBroadcast(t *testing.T) {
	room := classOf3()
	d := open(t, room, 100, 20)
	press(d, "m", "b", "r", "e", "a", "k", " ", "5")
	if s := screen(d); !strings.Contains(s, "message to everyone: break 5") {
		t.Errorf("the input is not shown:\n%s", s)
	}
	cmd := press(d, "enter")
	d.Update(cmd())
	if len(room.broadcast) != 1 || room.broadcast[0] != "break 5" {
		t.Errorf("broadcast %q, want [break 5]", room.broadcast)
	}
	if s := screen(d); !strings.Contains(s, "sent to 2 learners") {
		t.Errorf("no word of the message sent:\n%s", s)
	}

	// esc cancels, and sends nothing.
	press(d, "m", "x")
	if cmd := press(d, "esc"); cmd != nil {
		t.Errorf("esc returned a command")
	}
	if len(room.broadcast) != 1 {
		t.Errorf("a cancelled message was sent: %q", room.broadcast)
	}
	// While typing, q is a letter, not quit.
	press(d, "m")
	if cmd := press(d, "q"); cmd != nil {
		if _, quit := cmd().(tea.QuitMsg); quit {
			t.Error("q quit while typing a message")
		}
	}
}

func TestDashboardReport(t *testing.T) {
	room := classOf3()
	room.report = "/state/reports/class-20261202-1405.md"
	d := open(t, room, 100, 20)
	d.Update(press(d, "r")())
	if s := screen(d); !strings.Contains(s, "class report written to /state/reports/class-20261202-1405.md") {
		t.Errorf("no path:\n%s", s)
	}
	room.reportErr = errors.New("mkdir /state/reports: permission denied")
	d.Update(press(d, "r")())
	if s := screen(d); !strings.Contains(s, "class report: mkdir /state/reports: permission denied") {
		t.Errorf("no error:\n%s", s)
	}
}

func TestDashboardQuit(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		d := open(t, classOf3(), 80, 24)
		var msg tea.KeyPressMsg
		if k == "q" {
			msg = tea.KeyPressMsg{Code: 'q', Text: "q"}
		} else {
			msg = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
		}
		_, cmd := d.Update(msg)
		if cmd == nil {
			t.Fatalf("%s: no command", k)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Errorf("%s did not quit", k)
		}
	}
}

func TestDashboardSmallWindows(t *testing.T) {
	for _, size := range [][2]int{{40, 10}, {20, 5}, {1, 1}, {80, 3}, {200, 60}} {
		w, h := size[0], size[1]
		room := classOf3()
		room.learners = append(room.learners, Learner{Fingerprint: "SHA256:long", Connected: true, Hand: true,
			Name: "a-learner-with-a-very-long-name-indeed", Where: strings.Repeat("exercise ", 20), Engine: "an-engine-name-that-goes-on"})
		d := open(t, room, w, h)
		d.Update(tea.WindowSizeMsg{Width: w, Height: h})
		check := func(what string) {
			t.Helper()
			lines := strings.Split(screen(d), "\n")
			if len(lines) > h {
				t.Errorf("%dx%d %s: %d lines", w, h, what, len(lines))
			}
			for _, l := range lines {
				if lw := ansi.StringWidth(l); lw > w {
					t.Errorf("%dx%d %s: line %q is %d wide", w, h, what, l, lw)
				}
			}
		}
		check("table")
		press(d, "down", "down", "down")
		check("scrolled")
		press(d, "m", "h", "i")
		check("message")
		press(d, "esc", "enter")
		d.Update(frameOf(room, d.following)())
		check("following")
	}

	// At 40 columns the engine column goes first; name and where stay.
	d := open(t, classOf3(), 40, 10)
	s := screen(d)
	if strings.Contains(s, "engine") || !strings.Contains(s, "name") || !strings.Contains(s, "where") {
		t.Errorf("40 columns:\n%s", s)
	}
}
