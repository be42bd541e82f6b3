// Package ui is docktutor's Bubble Tea program: a lesson menu and a lesson screen that puts the
// lesson text, the Dockerfile, the live build and the measured results side by side. It never
// calls the Docker SDK: it talks to an engine.Engine through tea.Cmds, and takes its input,
// output, size, colours and engine as parameters so several learners can share one process.
package ui

import (
	"context"
	"errors"
	"fmt"
	"go/token"
	"io"
	"os"
	"reflect"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/term"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/progress"
	"github.com/docktutor/docktutor/internal/termtext"
)

// ConnectFunc opens the engine. It is called when the program starts and again when the learner
// asks to retry after a failure.
type ConnectFunc func(ctx context.Context) (engine.Engine, engine.DaemonInfo, error)

// Options are everything the program needs from its caller.
type Options struct {
	Course    *lesson.Course
	Lesson    string // open this lesson directly; empty shows the menu
	Connect   ConnectFunc
	Builder   engine.Builder
	Namespace string // per-learner image namespace, see lab.Tag

	// Progress records what the learner built and answered; Results keeps the last measured
	// results so a lesson shows them when no daemon answers. Either may be nil.
	Progress *progress.Store
	Results  *progress.ResultsCache
	// Warnings are shown on the first screen (e.g. a corrupt progress file that was moved aside).
	Warnings []string

	Input  io.Reader
	Output io.Writer
	Width  int // initial size when known (tests, SSH sessions); 0 waits for the terminal
	Height int
	Plain  bool // no colours (NO_COLOR or a dumb terminal)
	Dark   bool // initial guess at the background; the terminal's answer replaces it
}

// Run starts the program and blocks until the learner quits.
func Run(ctx context.Context, opts Options) error {
	// Signals are docktutor's to handle: main turns SIGINT, SIGTERM and SIGHUP into ctx's
	// cancellation, which ends the program and runs the clean-up. Bubble Tea's own handler
	// would race it: on SIGTERM it sends a QuitMsg that nobody receives once ctx has ended the
	// event loop, and its shutdown then waits for that send forever.
	progOpts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithoutSignalHandler()}
	if opts.Input != nil {
		progOpts = append(progOpts, tea.WithInput(opts.Input))
	}
	if opts.Output != nil {
		progOpts = append(progOpts, tea.WithOutput(opts.Output))
	}
	if opts.Width > 0 && opts.Height > 0 {
		progOpts = append(progOpts, tea.WithWindowSize(opts.Width, opts.Height))
	}
	m := New(opts)
	p := tea.NewProgram(m, progOpts...)
	var out io.Writer = os.Stdout
	if opts.Output != nil {
		out = opts.Output
	}
	if f, ok := out.(*os.File); ok && term.IsTerminal(f.Fd()) {
		done := make(chan struct{})
		defer close(done)
		go watchTerminal(done, f.Fd(), 2*time.Second, p.Quit)
	}
	final, err := p.Run()
	if fm, ok := final.(*Model); ok {
		fm.shutdown()
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil:
		return ctx.Err() // a signal (interrupt, kill, hang-up) ended it; the clean-up has run
	case errors.Is(err, tea.ErrProgramKilled):
		return nil
	}
	return err
}

// watchTerminal quits the program when its terminal goes away without a SIGHUP reaching it
// (a session leader that does not pass the hang-up on, such as su): the program would
// otherwise live on with neither input nor screen, and keep its containers. It asks the
// terminal its size every so often; a hung-up terminal answers with an error.
func watchTerminal(done <-chan struct{}, fd uintptr, every time.Duration, quit func()) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
			if _, _, err := term.GetSize(fd); err != nil {
				quit()
				return
			}
		}
	}
}

type screen int

const (
	screenMenu screen = iota
	screenLesson
)

func (s screen) String() string {
	switch s {
	case screenMenu:
		return "menu"
	case screenLesson:
		return "lesson"
	}
	return "unknown"
}

// Model is the root of the program: a small state machine over screens, the status and help
// lines, and the overlays (help, warnings) drawn above them.
type Model struct {
	opts   Options
	c      *common
	screen screen
	menu   menuModel
	lesson *lessonScreen
	// opened keeps every lesson screen of the session, so that going back to a lesson finds it
	// as it was left: its results fresh, its evidence gathered, its focus and scroll.
	opened map[string]*lessonScreen
	help   help.Model

	fullHelp       bool
	confirmQuit    bool
	connectStarted bool

	// screenCache is the last frame drawn. Bubble Tea asks for a view after every message;
	// a message known to change nothing (changesNothing) gets the cached frame.
	screenCache string
	dirty       bool
	// warnings found while starting (a progress file moved aside, say) are shown over the
	// first screen until a key is pressed.
	warnings []string
}

// New builds the root model; Run starts it. Tests drive it directly.
func New(opts Options) *Model {
	c := &common{
		width: opts.Width, height: opts.Height,
		styles: NewStyles(opts.Dark, opts.Plain), keys: DefaultKeyMap(),
		isDark: opts.Dark, plain: opts.Plain, checking: opts.Connect != nil, course: opts.Course,
	}
	c.workCtx, c.workCancel = context.WithCancel(context.Background())
	m := &Model{opts: opts, c: c, menu: newMenu(opts.Course, opts.Progress), help: help.New(), warnings: opts.Warnings, opened: map[string]*lessonScreen{}}
	m.help.Styles = help.DefaultStyles(opts.Dark)
	if opts.Lesson != "" {
		if l, ok := opts.Course.Find(opts.Lesson); ok {
			m.openLesson(l)
		}
	}
	return m
}

type connectedMsg struct {
	eng  engine.Engine
	info engine.DaemonInfo
	err  error
}

func connectCmd(fn ConnectFunc) tea.Cmd {
	if fn == nil {
		return nil
	}
	return func() tea.Msg {
		eng, info, err := fn(context.Background())
		return connectedMsg{eng: eng, info: info, err: err}
	}
}

// connectNowMsg starts the connection to the daemon if nothing has started it yet.
type connectNowMsg struct{}

// connectDelay is how long start-up waits before connecting to the daemon: the connection
// (client set-up, API negotiation, ping) competes with the first frame for the CPU, and
// nothing on that frame needs it. Once the first full frame is drawn (the first WindowSizeMsg
// draws it), afterFirstFrame is enough.
const connectDelay, afterFirstFrame = 150 * time.Millisecond, 20 * time.Millisecond

func connectSoon(d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return connectNowMsg{} })
}

// startConnect connects to the daemon once.
func (m *Model) startConnect() tea.Cmd {
	if m.connectStarted || m.opts.Connect == nil {
		return nil
	}
	m.connectStarted = true
	return connectCmd(m.opts.Connect)
}

// Init asks the terminal for its background colour and schedules the connection to the daemon,
// both off the first frame's path.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{connectSoon(connectDelay)}
	if !m.opts.Plain {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	if m.lesson != nil {
		cmds = append(cmds, m.lesson.resize())
	}
	return tea.Batch(cmds...)
}

// teaPackage is Bubble Tea's import path, whose unexported messages are its own business.
var teaPackage = reflect.TypeOf(tea.KeyPressMsg{}).PkgPath()

// changesNothing reports the messages known to leave the screen as it is: terminal replies
// docktutor does not use, Bubble Tea's own requests that pass through Update on their way (the
// background colour query, say). docktutor's own messages that change nothing say so through
// update's second result.
func changesNothing(msg tea.Msg) bool {
	if t := reflect.TypeOf(msg); t != nil && t.PkgPath() == teaPackage && !token.IsExported(t.Name()) {
		return true
	}
	switch msg.(type) {
	case nil, tea.KeyboardEnhancementsMsg, tea.ModeReportMsg, tea.TerminalVersionMsg,
		tea.CapabilityMsg, tea.ColorProfileMsg, tea.EnvMsg, tea.ForegroundColorMsg, tea.CursorColorMsg,
		tea.CursorPositionMsg, tea.KeyReleaseMsg, tea.FocusMsg, tea.BlurMsg:
		return true
	}
	return false
}

// Update handles a message. Everything but what is known to change nothing redraws the
// screen; the lesson screen says itself when one of its messages changed nothing (a
// cancelled build's leftovers, a spinner tick after the build).
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd, changed := m.update(msg)
	if changed && !changesNothing(msg) {
		m.dirty = true
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case connectNowMsg:
		return m.startConnect(), false
	case tea.WindowSizeMsg:
		first := m.c.width == 0
		m.c.width, m.c.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		var cmd tea.Cmd
		if m.lesson != nil {
			cmd = m.lesson.resize()
		}
		if first && !m.connectStarted {
			cmd = tea.Batch(cmd, connectSoon(afterFirstFrame))
		}
		return cmd, true
	case tea.BackgroundColorMsg:
		m.c.isDark = msg.IsDark()
		m.c.styles = NewStyles(m.c.isDark, m.c.plain)
		m.help.Styles = help.DefaultStyles(m.c.isDark)
		if m.lesson != nil {
			return m.lesson.resize(), true
		}
		return nil, true
	case connectedMsg:
		m.c.checking = false
		m.c.eng, m.c.info, m.c.engErr = msg.eng, msg.info, msg.err
		if m.lesson != nil {
			return m.lesson.Update(msg) // it may now gather the evidence it shows
		}
		return nil, true
	case tea.KeyPressMsg:
		return tea.Batch(m.handleKey(msg), m.startConnect()), true
	}
	if m.lesson != nil {
		return m.lesson.Update(msg)
	}
	return nil, true
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.keys
	if len(m.warnings) > 0 {
		m.warnings = nil // any key dismisses them
		return nil
	}
	building := m.lesson != nil && m.lesson.building()
	if m.confirmQuit {
		m.confirmQuit = false
		if key.Matches(msg, k.Quit) {
			m.lesson.cancelBuilds()
			return tea.Quit
		}
		return nil
	}
	switch {
	case m.fullHelp && (key.Matches(msg, k.Help) || msg.String() == "esc"):
		m.fullHelp = false
		return nil
	case key.Matches(msg, k.Help):
		m.fullHelp = true
		return nil
	case msg.String() == "ctrl+c" && building:
		m.lesson.cancelBuilds()
		return nil
	case key.Matches(msg, k.Quit):
		if building {
			m.confirmQuit = true
			return nil
		}
		return tea.Quit
	case key.Matches(msg, k.Retry) && m.c.engErr != nil && !m.c.checking:
		m.c.checking = true
		return connectCmd(m.opts.Connect)
	}
	if m.screen == screenMenu {
		if l, ok := m.menu.update(msg, k); ok {
			return m.openLesson(l)
		}
		return nil
	}
	if key.Matches(msg, k.Back) && !building {
		m.screen = screenMenu
		return nil
	}
	if key.Matches(msg, k.NextLesson) && !building {
		if next := m.nextLesson(); next != nil {
			return m.openLesson(next)
		}
	}
	cmd, _ := m.lesson.Update(msg)
	return cmd
}

func (m *Model) openLesson(l *lesson.Lesson) tea.Cmd {
	m.screen = screenLesson
	if m.lesson != nil && m.lesson.lesson().ID == l.ID {
		return nil
	}
	m.lesson = m.opened[l.ID]
	if m.lesson == nil {
		m.lesson = newLessonScreen(m.c, l, lab.Options{Builder: m.opts.Builder, Namespace: m.opts.Namespace}, m.opts.Progress, m.opts.Results)
		m.opened[l.ID] = m.lesson
	}
	return tea.Batch(m.lesson.resize(), m.lesson.saveLast())
}

// nextLesson is the lesson after the open one in learning order, nil after the last.
func (m *Model) nextLesson() *lesson.Lesson {
	ls := m.opts.Course.Lessons
	for i, l := range ls {
		if l.ID == m.lesson.lesson().ID && i+1 < len(ls) {
			return ls[i+1]
		}
	}
	return nil
}

// shutdown cancels what runs, waits for its clean-up, and saves what the saves in flight may
// not have: an answer typed just before q is not lost.
func (m *Model) shutdown() {
	if m.lesson != nil {
		m.lesson.cancelBuilds()
	}
	m.c.stopWork(10 * time.Second)
	if m.opts.Progress != nil {
		_ = m.opts.Progress.Save()
	}
	if m.opts.Results != nil {
		_ = m.opts.Results.Save()
	}
}

// View draws the current screen.
func (m *Model) View() tea.View {
	if m.dirty || m.screenCache == "" {
		m.screenCache, m.dirty = m.render(), false
	}
	v := tea.NewView(m.screenCache)
	v.AltScreen = true
	v.WindowTitle = "docktutor"
	return v
}

// tooSmall says the terminal is too small in the longest of a few wordings that fits it.
func tooSmall(w, h int) string {
	for _, msg := range []string{
		fmt.Sprintf("docktutor needs at least %d×%d\nthis terminal is %d×%d\n\nmake it larger, or press q to quit", minWidth, minHeight, w, h),
		fmt.Sprintf("needs at least %d×%d\nthis one is %d×%d\nenlarge it; q quits", minWidth, minHeight, w, h),
		fmt.Sprintf("needs %d×%d\nq quits", minWidth, minHeight),
	} {
		lines := strings.Split(msg, "\n")
		fits := len(lines) <= h
		for _, l := range lines {
			fits = fits && lipgloss.Width(l) <= w
		}
		if fits {
			return msg
		}
	}
	return truncate("too small", w)
}

func (m *Model) render() string {
	w, h := m.c.width, m.c.height
	st := m.c.styles
	if w == 0 || h == 0 {
		return ""
	}
	if w < minWidth || h < minHeight {
		return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, st.Warn.Render(tooSmall(w, h)))
	}
	switch {
	case len(m.warnings) > 0:
		return m.renderWarnings()
	case m.fullHelp:
		return m.renderHelp()
	}
	var body string
	switch m.screen {
	case screenMenu:
		body = m.menu.view(m.c, h-2)
	case screenLesson:
		body = m.lesson.View(h - 2)
	}
	return fitBlock(body, w, h-2) + "\n" + m.statusLine() + "\n" + m.helpLine()
}

// statusLine says which daemon builds go to, or why they cannot.
func (m *Model) statusLine() string {
	st, c := m.c.styles, m.c
	var s string
	switch {
	case m.confirmQuit:
		s = st.Warn.Render("A build is running. Press q again to cancel it and quit, any other key to stay.")
	case c.checking:
		s = st.Muted.Render("Connecting to Docker…")
	case c.engErr != nil:
		s = st.Error.Render("Builds unavailable: ") + oneLine(c.engErr.Error()) + st.Muted.Render("  (r retries)")
	case c.eng != nil:
		builder, daemon := c.info.Default, "Docker"
		if m.opts.Builder != "" && m.opts.Builder != engine.BuilderAuto {
			builder = m.opts.Builder
		}
		if c.info.Podman { // buildah builds whatever is asked for
			builder, daemon = engine.BuilderBuildah, "Podman"
		}
		where := c.info.Endpoint
		if c.info.Context != "" {
			where = fmt.Sprintf("context %s: %s", c.info.Context, c.info.Endpoint)
		}
		s = st.OK.Render("●") + st.Status.Render(fmt.Sprintf(" %s %s · API %s · builder %s · %s",
			daemon, c.info.ServerVersion, c.info.APIVersion, builder, where))
	}
	return truncate(s, c.width)
}

func (m *Model) helpLine() string {
	return truncate(m.help.ShortHelpView(m.bindings()), m.c.width)
}

// bindings lists the keys that do something right now, most useful first.
func (m *Model) bindings() []key.Binding {
	k := m.c.keys
	var out []key.Binding
	if m.c.engErr != nil && !m.c.checking {
		out = append(out, k.Retry) // the way out comes first when builds are unavailable
	}
	quit := k.Quit
	quit.SetHelp("q", "quit")
	if m.screen == screenMenu {
		return append(out, k.Up, k.Down, k.Open, k.Help, quit)
	}
	// The lesson's main keys, then help and quit, then the rest: on a narrow terminal the
	// line is cut from the end, and ? lists everything.
	main := m.lesson.bindings()
	n := min(3, len(main))
	out = append(out, main[:n]...)
	out = append(out, k.Help, quit)
	out = append(out, main[n:]...)
	if !m.lesson.building() {
		if m.nextLesson() != nil {
			out = append(out, k.NextLesson)
		}
		out = append(out, k.Back)
	}
	return out
}

func (m *Model) renderHelp() string {
	st, k := m.c.styles, m.c.keys
	groups := [][]key.Binding{{k.Up, k.Down, k.Open}}
	if m.lesson != nil && m.screen == screenLesson {
		groups = m.lesson.FullHelp()
		groups[len(groups)-1] = append(groups[len(groups)-1], k.NextLesson, k.Back)
	}
	// The program's own keys share the second column, the shortest: an 80-column screen has
	// room for three.
	app := []key.Binding{k.Help, k.Quit, k.Retry}
	if len(groups) > 1 {
		groups[1] = append(groups[1], app...)
	} else {
		groups = append(groups, app)
	}
	groups = onceEach(groups)
	width := m.c.width - 8 // the frame and its padding
	fh := m.help
	fh.ShowAll = true
	fh.SetWidth(width)
	body := st.Title.Render("docktutor — keys") + "\n\n" + fh.FullHelpView(groups) + "\n\n" +
		st.Muted.Render(wrapText("Builds run on your own Docker daemon; images are tagged docktutor/<lesson>:<strategy> "+
			"and labelled io.docktutor.*, so `docktutor clean` removes them and nothing else.", width)+
			"\n\n"+"Press ? or esc to close this help.")
	return fitBlock(lipgloss.Place(m.c.width, m.c.height, lipgloss.Center, lipgloss.Center,
		m.c.styles.Pane.Padding(1, 2).Render(body)), m.c.width, m.c.height)
}

// onceEach drops the bindings listed before (the same key for the same thing), and the groups
// left empty.
func onceEach(groups [][]key.Binding) [][]key.Binding {
	seen := map[string]bool{}
	var out [][]key.Binding
	for _, g := range groups {
		var kept []key.Binding
		for _, b := range g {
			if h := b.Help().Key + " " + b.Help().Desc; !seen[h] {
				seen[h] = true
				kept = append(kept, b)
			}
		}
		if len(kept) > 0 {
			out = append(out, kept)
		}
	}
	return out
}

// renderWarnings shows the warnings found while starting, over the whole screen, until a key.
func (m *Model) renderWarnings() string {
	st := m.c.styles
	width := min(m.c.width-8, 90)
	var b strings.Builder
	b.WriteString(st.Warn.Render("⚠ Before you start") + "\n")
	for _, w := range m.warnings {
		b.WriteString("\n" + wrapText(termtext.PlainLines(w), width) + "\n")
	}
	b.WriteString("\n" + st.Muted.Render("Nothing was lost. Press any key to continue."))
	return lipgloss.Place(m.c.width, m.c.height, lipgloss.Center, lipgloss.Center,
		st.Pane.Padding(1, 2).Render(b.String()))
}
