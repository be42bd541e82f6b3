package ui

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/enginefake"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/lessons"
)

func loadCourse(t *testing.T) *lesson.Course {
	t.Helper()
	c, err := lesson.Load(lessons.FS)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func fakeConnect(fe *enginefake.Engine) ConnectFunc {
	return func(context.Context) (engine.Engine, engine.DaemonInfo, error) {
		return fe, fe.DaemonInfo, nil
	}
}

// driver runs the model the way Bubble Tea would, synchronously: it feeds a message, runs the
// commands that come back and feeds their messages in turn. Spinner ticks are dropped so the loop
// ends once nothing else is pending.
type driver struct {
	t *testing.T
	m *Model
}

func newDriver(t *testing.T, opts Options, w, h int) *driver {
	opts.Width, opts.Height, opts.Plain = w, h, true
	d := &driver{t: t, m: New(opts)}
	d.run(d.m.Init())
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	return d
}

func (d *driver) send(msg tea.Msg) {
	_, cmd := d.m.Update(msg)
	d.m.View() // Bubble Tea draws after every message; panes learn their size when drawn
	d.run(cmd)
}

func (d *driver) key(keys ...string) {
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		case "up":
			msg = tea.KeyPressMsg{Code: tea.KeyUp}
		case "pgdown":
			msg = tea.KeyPressMsg{Code: tea.KeyPgDown}
		case "space":
			msg = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
		case "ctrl+c":
			msg = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
		default:
			r := []rune(k)[0]
			msg = tea.KeyPressMsg{Code: r, Text: k}
		}
		d.send(msg)
	}
}

func (d *driver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(10 * time.Second):
		d.t.Fatal("a command did not return within 10s")
	}
	switch msg := msg.(type) {
	case nil, spinner.TickMsg:
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
	default:
		d.send(msg)
	}
}

func (d *driver) screen() string { return ansi.Strip(d.m.render()) }

func TestMenuOpensLesson(t *testing.T) {
	fe := enginefake.New(nil)
	d := newDriver(t, Options{Course: loadCourse(t), Connect: fakeConnect(fe)}, 100, 30)
	s := d.screen()
	for _, want := range []string{"docktutor", "multistage", "Multi-stage builds", "enter open"} {
		if !strings.Contains(s, want) {
			t.Errorf("menu lacks %q:\n%s", want, s)
		}
	}
	d.key(multistageDigit(t))
	s = d.screen()
	for _, want := range []string{"Strategy 1/6", "python-normal", "FROM python:3.13", "b build"} {
		if !strings.Contains(s, want) {
			t.Errorf("lesson screen lacks %q:\n%s", want, s)
		}
	}
	if d.m.screen != screenLesson {
		t.Errorf("screen = %v, want lesson", d.m.screen)
	}
	d.key("esc")
	if d.m.screen != screenMenu {
		t.Errorf("esc: screen = %v, want menu", d.m.screen)
	}
}

func TestBuildShowsResults(t *testing.T) {
	fe := enginefake.New(map[string]int64{
		"docktutor/multistage:python-normal":     1_020_000_000,
		"docktutor/multistage:python-multistage": 130_000_000,
	})
	fe.DefaultOutput = "Hello from hello.py, docktutor!\nGET / -> 200 OK"
	fe.ImageLabels = map[string]string{engine.LabelFixture: "standin"}
	d := newDriver(t, Options{Course: loadCourse(t), Lesson: "multistage", Connect: fakeConnect(fe)}, 120, 40)
	if !strings.Contains(d.screen(), "builder legacy · context default: unix:///fake.sock") {
		t.Errorf("the status line does not say which daemon, through which context:\n%s", d.screen())
	}
	if !strings.Contains(d.screen(), "as published · not measured here") {
		t.Errorf("before the first build, no published sizes stand in:\n%s", d.screen())
	}
	d.key("b")
	s := d.screen()
	if strings.Contains(s, "as published") {
		t.Errorf("published sizes still shown beside a measurement:\n%s", s)
	}
	for _, want := range []string{"python-normal", "1.02GB", "Built on a test stand-in for python:3.13", "✓ output:", "Hello from hello.py, docktutor!", "✓ step 3/3", "THE IMAGE", "✓ stage-0"} {
		if !strings.Contains(s, want) {
			t.Errorf("after b, screen lacks %q:\n%s", want, s)
		}
	}
	d.key("tab", "b")
	s = d.screen()
	if !strings.Contains(s, "130.0MB") || !strings.Contains(s, "1.02GB") {
		t.Errorf("chart does not show both sizes:\n%s", s)
	}
	// The bigger image gets the longer bar.
	long := barLen(s, "python-normal ")
	short := barLen(s, "python-multistage ")
	if long <= short || short == 0 {
		t.Errorf("bar lengths: normal %d, multistage %d; want normal > multistage > 0\n%s", long, short, s)
	}
	// A second build of the same strategy reports cached steps.
	d.key("b")
	if !strings.Contains(d.screen(), "cached 2/3") {
		t.Errorf("rebuild does not report cached steps:\n%s", d.screen())
	}
}

var barRE = regexp.MustCompile(`█+`)

func barLen(screen, label string) int {
	for _, line := range strings.Split(screen, "\n") {
		if i := strings.Index(line, label); i >= 0 && strings.Contains(line, "█") {
			return len([]rune(barRE.FindString(line[i:])))
		}
	}
	return 0
}

func TestBuildAllBuildsEveryStrategy(t *testing.T) {
	fe := enginefake.New(nil)
	fe.DefaultOutput = "Hello from hello.py, docktutor!\nGET / -> 200 OK"
	c := loadCourse(t)
	d := newDriver(t, Options{Course: c, Lesson: "multistage", Connect: fakeConnect(fe)}, 120, 40)
	d.key("B")
	l, _ := c.Find("multistage")
	if got := len(fe.Builds()); got != len(l.Strategies) {
		t.Fatalf("built %d images, want %d: %v", got, len(l.Strategies), fe.Builds())
	}
	s := d.screen()
	for _, st := range l.Strategies {
		if !strings.Contains(s, st.ID+" ") {
			t.Errorf("chart lacks %s:\n%s", st.ID, s)
		}
	}
}

func TestCtrlCCancelsBuildNotApp(t *testing.T) {
	fe := enginefake.New(nil)
	fe.Hang = true
	d := newDriver(t, Options{Course: loadCourse(t), Lesson: "multistage", Connect: fakeConnect(fe)}, 120, 40)
	// Start the build without draining its messages: the fake hangs until cancelled.
	_, cmd := d.m.Update(tea.KeyPressMsg{Code: 'b', Text: "b"})
	if !d.m.lesson.building() {
		t.Fatal("b did not start a build")
	}
	if !strings.Contains(d.screen(), "ctrl+c cancel build") {
		t.Errorf("help line does not offer cancel while building:\n%s", d.screen())
	}
	_, quit := d.m.Update(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	if quit != nil {
		t.Error("ctrl+c during a build returned a command (quit?)")
	}
	d.run(cmd) // drains the cancelled build's messages
	if d.m.lesson.building() {
		t.Fatal("build still running after ctrl+c")
	}
	if !strings.Contains(d.screen(), "Build cancelled.") {
		t.Errorf("screen does not say the build was cancelled:\n%s", d.screen())
	}
}

func TestNoDaemonKeepsTeaching(t *testing.T) {
	connect := func(context.Context) (engine.Engine, engine.DaemonInfo, error) {
		return nil, engine.DaemonInfo{}, &testErr{"Docker is not running at unix:///var/run/docker.sock"}
	}
	d := newDriver(t, Options{Course: loadCourse(t), Lesson: "multistage", Connect: connect}, 100, 30)
	s := d.screen()
	if !strings.Contains(s, "Builds unavailable") || !strings.Contains(s, "r retry") {
		t.Errorf("status line does not explain the missing daemon:\n%s", s)
	}
	if !strings.Contains(s, "FROM python:3.13") {
		t.Errorf("lesson content missing without a daemon:\n%s", s)
	}
	// Nothing measured in this session or an earlier one: the publishers' figures stand in,
	// labelled as such.
	if !strings.Contains(s, "Base images, as published · not measured here") || !strings.Contains(s, "412.8MB") {
		t.Errorf("no published sizes stand in for measurements:\n%s", s)
	}
	d.key("b")
	if !strings.Contains(d.screen(), "Cannot build") {
		t.Errorf("b without a daemon does not explain:\n%s", d.screen())
	}
}

type testErr struct{ s string }

func (e *testErr) Error() string { return e.s }

func TestTinyTerminal(t *testing.T) {
	for _, size := range [][2]int{{20, 5}, {30, 3}, {12, 2}, {59, 30}, {100, 10}, {1, 1}} {
		d := newDriver(t, Options{Course: loadCourse(t), Lesson: "multistage"}, size[0], size[1])
		s := d.screen()
		if size[0] >= 20 && !strings.Contains(s, "needs at least") {
			t.Errorf("%dx%d: no too-small message:\n%s", size[0], size[1], s)
		}
		lines := strings.Split(s, "\n")
		if len(lines) > size[1] {
			t.Errorf("%dx%d: %d lines", size[0], size[1], len(lines))
		}
		for _, l := range lines {
			if ansi.StringWidth(l) > size[0] {
				t.Errorf("%dx%d: line %q is %d wide", size[0], size[1], l, ansi.StringWidth(l))
			}
		}
	}
}

// TestScreenFits checks that no line of any screen is wider than the terminal, at the sizes a
// workshop projector and a laptop use.
func TestScreenFits(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 60}} {
		fe := enginefake.New(nil)
		fe.DefaultOutput = "Hello from hello.py, docktutor!"
		d := newDriver(t, Options{Course: loadCourse(t), Lesson: "multistage", Connect: fakeConnect(fe)}, size[0], size[1])
		d.key("B")
		lines := strings.Split(d.screen(), "\n")
		if len(lines) != size[1] {
			t.Errorf("%dx%d: %d lines", size[0], size[1], len(lines))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w > size[0] {
				t.Errorf("%dx%d: line %d is %d wide: %q", size[0], size[1], i, w, l)
			}
		}
	}
}

// TestGraphToggleOnNarrowScreens: below the width where the graph gets its own column, g swaps the
// strategy pane between the Dockerfile and the stage graph, and the help line offers it.
func TestGraphToggleOnNarrowScreens(t *testing.T) {
	d := newDriver(t, Options{Course: loadCourse(t), Lesson: "multistage"}, 80, 24)
	d.key("tab") // python-multistage: two stages
	if s := d.screen(); strings.Contains(s, "THE IMAGE") || !offers(d.m, "g") {
		t.Fatalf("80 columns: graph shown before g, or g not offered:\n%s", s)
	}
	d.key("g")
	s := d.screen()
	if !strings.Contains(s, "THE IMAGE") || !strings.Contains(s, "build") {
		t.Errorf("g did not show the stage graph:\n%s", s)
	}
	wide := newDriver(t, Options{Course: loadCourse(t), Lesson: "multistage"}, 120, 40)
	wide.key("tab")
	if s := wide.screen(); !strings.Contains(s, "THE IMAGE") || offers(wide.m, "g") {
		t.Errorf("120 columns: graph not beside the Dockerfile, or g offered anyway:\n%s", s)
	}
}

// multistageDigit is the menu key that opens the multistage lesson.
func multistageDigit(t *testing.T) string {
	for i, l := range loadCourse(t).Lessons {
		if l.ID == "multistage" {
			return string(rune('1' + i))
		}
	}
	t.Fatal("no multistage lesson")
	return ""
}

// offers reports whether the help line lists a binding for the key.
func offers(m *Model, k string) bool {
	for _, b := range m.bindings() {
		if b.Help().Key == k {
			return true
		}
	}
	return false
}

// TestWatchTerminalQuitsWhenItGoes: a file descriptor that no longer answers as a terminal (a
// pipe stands in for a hung-up one) makes the program quit; done stops the watch.
func TestWatchTerminalQuitsWhenItGoes(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	quit := make(chan struct{})
	done := make(chan struct{})
	defer close(done)
	go watchTerminal(done, w.Fd(), 10*time.Millisecond, func() { close(quit) })
	select {
	case <-quit:
	case <-time.After(5 * time.Second):
		t.Fatal("the watch did not quit the program on a descriptor that is no terminal")
	}
}

// TestWarningsShownUntilAKey: warnings found while starting cover the first screen until a
// key, and that key only dismisses them (q does not quit).
func TestWarningsShownUntilAKey(t *testing.T) {
	d := newDriver(t, Options{Course: loadCourse(t), Warnings: []string{"/x/progress.json is unreadable (bad JSON); moved it to /x/progress.json.corrupt and started afresh"}}, 100, 30)
	if s := d.screen(); !strings.Contains(s, "progress.json is unreadable") || !strings.Contains(s, "Press any key") {
		t.Fatalf("the warning is not on screen:\n%s", s)
	}
	_, cmd := d.m.Update(tea.KeyPressMsg{Code: 'q', Text: "q"})
	if cmd != nil {
		if _, quit := cmd().(tea.QuitMsg); quit {
			t.Fatal("q quit instead of dismissing the warning")
		}
	}
	if s := d.screen(); strings.Contains(s, "unreadable") || !strings.Contains(s, "Multi-stage builds") {
		t.Errorf("the warning stayed, or the menu did not come back:\n%s", s)
	}
}

// TestRedrawUnlessKnownQuiet drives Update and View as Bubble Tea does: a message known to
// change nothing leaves the frame as it was, anything else draws it again — a message of a
// kind the model has never heard of included — and a build's batch shows on the next frame.
func TestRedrawUnlessKnownQuiet(t *testing.T) {
	fe := enginefake.New(nil)
	fe.Hang = true
	d := newDriver(t, Options{Course: loadCourse(t), Lesson: "multistage", Connect: fakeConnect(fe)}, 120, 40)
	t.Cleanup(d.m.shutdown)
	frame := func() string { return d.m.View().Content }
	frame()
	// b starts a build whose messages this test hands to Update itself.
	d.m.Update(tea.KeyPressMsg{Code: 'b', Text: "b"})
	job := d.m.lesson.runner.job
	if job == nil {
		t.Fatal("b started no build")
	}
	frame()
	for _, msg := range []tea.Msg{
		tea.KeyboardEnhancementsMsg{}, tea.ModeReportMsg{}, tea.TerminalVersionMsg{}, startNowMsg{},
		tea.RequestBackgroundColor(),  // Bubble Tea's own request, on its way to the terminal
		buildBatchMsg{id: job.id + 1}, // another build's leftovers
		spinner.TickMsg{ID: -1},       // a spinner that is not the build's
	} {
		d.m.Update(msg)
		if d.m.dirty {
			t.Errorf("%T, known to change nothing, asks for a new frame", msg)
		}
	}
	type neverHeardOf struct{}
	d.m.Update(neverHeardOf{})
	if !d.m.dirty {
		t.Error("a message the model does not know does not ask for a new frame")
	}
	frame()
	d.m.Update(buildBatchMsg{id: job.id, items: []tea.Msg{
		&buildEventMsg{ev: engine.Event{Kind: engine.EventStepStarted, Step: 1, Total: 2, Name: "FROM redraw-test"}},
		&buildEventMsg{ev: engine.Event{Kind: engine.EventLog, Step: 1, Total: 2, Text: "a line from the batch"}},
	}})
	if s := ansi.Strip(frame()); !strings.Contains(s, "step 1/2  FROM redraw-test") || !strings.Contains(s, "a line from the batch") {
		t.Errorf("the batch is not on the next frame:\n%s", s)
	}
}

// TestHelpFits: the ? screen fits an 80×24 terminal and lists the keys of the lesson's panes,
// qa's included.
func TestHelpFits(t *testing.T) {
	d := newDriver(t, Options{Course: loadCourse(t), Lesson: "qa"}, 80, 24)
	d.key("?")
	s := d.screen()
	lines := strings.Split(s, "\n")
	if len(lines) != 24 {
		t.Errorf("the help screen has %d lines, want 24", len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("line %d is %d wide: %q", i, w, l)
		}
	}
	for _, want := range []string{"retry evidence", "answer", "show evidence", "build all"} {
		if !strings.Contains(s, want) {
			t.Errorf("the help does not list %q:\n%s", want, s)
		}
	}
}

// The command lines beside the evidence are the ones the learner would type to see the same:
// podman on Podman (its CLI takes the same words), docker otherwise.
func TestCommandLinesNameTheDaemonsCLI(t *testing.T) {
	for _, tc := range []struct {
		podman    bool
		want, not string
	}{{false, "$ docker run --rm", "$ podman "}, {true, "$ podman run --rm", "$ docker "}} {
		fe := enginefake.New(nil)
		fe.DefaultOutput = "Hello from hello.py, docktutor!"
		fe.DaemonInfo.Podman = tc.podman
		d := newDriver(t, Options{Course: loadCourse(t), Lesson: "multistage", Connect: fakeConnect(fe)}, 120, 40)
		d.key("b")
		s := d.screen()
		if !strings.Contains(s, tc.want) || strings.Contains(s, tc.not) {
			t.Errorf("podman=%v: want %q and no %q on screen:\n%s", tc.podman, tc.want, tc.not, s)
		}
	}
}
