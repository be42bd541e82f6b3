// Package ui is docktutor's Bubble Tea program: a lesson menu and a lesson screen that puts the
// lesson text, the Dockerfile, the live build and the measured results side by side. It never
// calls the Docker SDK: it talks to an engine.Engine through tea.Cmds, and takes its input,
// output, size, colours and engine as parameters so several learners can share one process.
package ui

import (
	"context"
	"errors"
	"go/token"
	"io"
	"os"
	"reflect"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/exercise"
	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/progress"
)

// ConnectFunc opens the engine. It is called when the program starts and again when the learner
// asks to retry after a failure.
type ConnectFunc func(ctx context.Context) (engine.Engine, engine.DaemonInfo, error)

// Options are everything the program needs from its caller.
type Options struct {
	Course    *lesson.Course
	Lesson    string // open this lesson directly; empty shows the menu
	Exercise  string // open this exercise directly
	Connect   ConnectFunc
	Builder   engine.Builder
	Namespace string // per-learner image namespace, see lab.Tag
	// ExerciseDir is the folder of the learner's exercise files (exercise.WorkspaceDir), and
	// Editor the command that edits one ($VISUAL or $EDITOR); without one, the built-in editor
	// opens. Both come from the caller, not the environment: over SSH they are the session's.
	ExerciseDir string
	Editor      string
	// WatchFiles re-checks an exercise whenever its file is saved, by an editor in another
	// window. Over SSH there is no other window, and tests save through messages.
	WatchFiles bool

	// Progress records what the learner built and answered; Results keeps the last measured
	// results so a lesson shows them when no daemon answers. Either may be nil.
	Progress *progress.Store
	Results  *progress.ResultsCache
	// Warnings are shown on the first screen (e.g. a corrupt progress file that was moved aside).
	Warnings []string
	// FullCourse, when set, returns the whole course, of which Course is then only the part
	// the opening lesson's screen shows (lesson.LoadLesson). It is called once the first frame
	// is drawn; the menu, the next lesson and the exercises of other lessons come from its
	// answer.
	FullCourse func() (*lesson.Course, error)

	// Classroom is the room the program is served in (docktutor serve), nil outside one.
	Classroom Classroom
	// Started, when set, is given the program before it runs, so that the caller can send it
	// messages (a window change over SSH, an instructor's AnnounceMsg).
	Started func(*tea.Program)
	// ProgramOptions are added to the program's own: an SSH session's environment and colour
	// profile, say.
	ProgramOptions []tea.ProgramOption

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
	progOpts = append(progOpts, opts.ProgramOptions...)
	m := New(opts)
	p := tea.NewProgram(m, progOpts...)
	if opts.Started != nil {
		opts.Started(p)
	}
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
	screenExercise
)

func (s screen) String() string {
	switch s {
	case screenMenu:
		return "menu"
	case screenLesson:
		return "lesson"
	case screenExercise:
		return "exercise"
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
	// exercise is the exercise screen, while one is open or was the last opened.
	exercise *exerciseScreen
	// opened keeps every lesson screen of the session, so that going back to a lesson finds it
	// as it was left: its results fresh, its evidence gathered, its focus and scroll.
	opened map[string]*lessonScreen
	help   help.Model
	// glossary, when open, is drawn over the lesson and takes its keys (G opens it).
	glossary *glossaryView

	startExercise tea.Cmd // what opening the exercise asked on the command line needs done

	fullHelp       bool
	confirmQuit    bool
	connectStarted bool
	courseStarted  bool

	// screenCache is the last frame drawn. Bubble Tea asks for a view after every message;
	// a message known to change nothing (changesNothing) gets the cached frame.
	screenCache string
	dirty       bool
	// class is the classroom the program is served in, when it is.
	class classroomState
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
	if opts.Classroom != nil {
		c.keys, c.room = classroomKeys(c.keys), opts.Classroom
	}
	m := &Model{opts: opts, c: c, menu: newMenu(opts.Course, opts.Progress), help: help.New(), warnings: opts.Warnings, opened: map[string]*lessonScreen{}}
	m.help.Styles = help.DefaultStyles(opts.Dark)
	if opts.Lesson != "" {
		if l, ok := opts.Course.Find(opts.Lesson); ok {
			m.openLesson(l)
		}
	}
	if opts.Exercise != "" {
		if ex, ok := opts.Course.Exercise(opts.Exercise); ok {
			m.startExercise = m.openExercise(ex)
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

// startNowMsg starts what waits for the first frame, unless something started it already: the
// connection to the daemon and, when the program was given only part of the course, the whole
// course (startCourse).
type startNowMsg struct{}

// startDelay is how long start-up waits before that work: the connection (client set-up, API
// negotiation, ping) and the course's loading compete with the first frame for the CPU, and
// nothing on that frame needs them. Once the first full frame is drawn (the first
// WindowSizeMsg draws it), afterFirstFrame is enough.
const startDelay, afterFirstFrame = 150 * time.Millisecond, 20 * time.Millisecond

func startSoon(d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return startNowMsg{} })
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
	cmds := []tea.Cmd{startSoon(startDelay)}
	if !m.opts.Plain {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	if m.lesson != nil {
		cmds = append(cmds, m.lesson.resize())
	}
	cmds = append(cmds, m.startExercise)
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
	m.tellRoom()
	return m, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case startNowMsg:
		return tea.Batch(m.startConnect(), m.startCourse()), false
	case AnnounceMsg:
		return m.announced(msg), true
	case announceOverMsg:
		if msg.seq != m.class.seq {
			return nil, false
		}
		m.class.announce = ""
		return nil, true
	case courseLoadedMsg:
		return nil, m.takeCourse(msg)
	case tea.WindowSizeMsg:
		first := m.c.width == 0
		m.c.width, m.c.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		var cmd tea.Cmd
		if m.lesson != nil {
			cmd = m.lesson.resize()
		}
		if m.exercise != nil {
			m.exercise.resize()
		}
		if first {
			cmd = tea.Batch(cmd, startSoon(afterFirstFrame))
		}
		return cmd, true
	case tea.BackgroundColorMsg:
		m.c.isDark = msg.IsDark()
		m.c.styles = NewStyles(m.c.isDark, m.c.plain)
		m.help.Styles = help.DefaultStyles(m.c.isDark)
		if m.exercise != nil {
			m.exercise.resize()
		}
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
	case workspaceMsg, fileChangedMsg, fileReadMsg, execDoneMsg, editorSavedMsg, editorClosedMsg,
		predictMovedMsg, checkBatchMsg:
		if m.exercise == nil {
			return nil, false
		}
		return m.exercise.Update(msg)
	case spinner.TickMsg:
		var cmds []tea.Cmd
		changed := false
		if m.exercise != nil {
			cmd, ch := m.exercise.Update(msg)
			cmds, changed = append(cmds, cmd), ch
		}
		if m.lesson != nil {
			cmd, ch := m.lesson.Update(msg)
			cmds, changed = append(cmds, cmd), changed || ch
		}
		return tea.Batch(cmds...), changed
	}
	var editorCmd tea.Cmd
	if m.exercise != nil && m.exercise.editing() {
		editorCmd, _ = m.exercise.Update(msg) // the editor's cursor blinks
	}
	if m.lesson != nil {
		cmd, changed := m.lesson.Update(msg)
		return tea.Batch(editorCmd, cmd), changed
	}
	return editorCmd, true
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.keys
	if len(m.warnings) > 0 {
		m.warnings = nil // any key dismisses them
		return nil
	}
	building := m.lesson != nil && m.lesson.building()
	if m.screen == screenExercise && (m.exercise.editing() || m.exercise.confirm != "") {
		return m.exercise.key(msg) // the editor types every key; a question takes the next one
	}
	if m.confirmQuit {
		m.confirmQuit = false
		if key.Matches(msg, k.Quit) {
			m.lesson.cancelBuilds()
			return tea.Quit
		}
		return nil
	}
	if m.glossaryKey(msg) {
		return nil
	}
	if m.c.room != nil && key.Matches(msg, handBinding(m.class.hand)) {
		m.toggleHand()
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
	case key.Matches(msg, k.Retry) && m.c.engErr != nil && !m.c.checking && m.screen != screenExercise:
		m.c.checking = true
		return connectCmd(m.opts.Connect)
	}
	switch m.screen {
	case screenMenu:
		if it, ok := m.menu.update(msg, k); ok {
			if it.exercise != nil {
				return m.openExercise(it.exercise)
			}
			return m.openLesson(it.lesson)
		}
		return nil
	case screenExercise:
		if key.Matches(msg, k.Back) {
			m.screen = screenMenu
			return nil
		}
		if key.Matches(msg, k.Check) && m.c.engErr != nil && !m.c.checking {
			m.c.checking = true // the way out of "Docker is unavailable": c tries again
			return connectCmd(m.opts.Connect)
		}
		return m.exercise.key(msg)
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

// openExercise shows an exercise, the one already open if it is the same; another one is
// closed first (its check cancelled, its file no longer watched).
func (m *Model) openExercise(ex *lesson.Exercise) tea.Cmd {
	m.screen = screenExercise
	if m.exercise != nil && m.exercise.ex.ID == ex.ID {
		return nil
	}
	if m.exercise != nil {
		m.exercise.close()
	}
	m.exercise = newExerciseScreen(m.c, ex, exercise.Options{Builder: m.opts.Builder, Namespace: m.opts.Namespace, Course: m.opts.Course},
		m.opts.Progress, m.opts.ExerciseDir, m.opts.Editor)
	m.exercise.watchFiles = m.opts.WatchFiles
	m.exercise.resize()
	return m.exercise.open()
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
	if m.exercise != nil {
		m.exercise.close()
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
		if m.c.room != nil {
			m.c.room.Drew(m.screenCache)
		}
	}
	v := tea.NewView(m.screenCache)
	v.AltScreen = true
	v.WindowTitle = "docktutor"
	return v
}
