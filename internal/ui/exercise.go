package ui

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/exercise"
	"github.com/docktutor/docktutor/internal/human"
	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/progress"
	"github.com/docktutor/docktutor/internal/ui/stagegraph"
)

// exerciseScreen is an exercise: the prompt and its hints, the learner's file (a Dockerfile
// with its stage graph, or a prediction's order), the goals with what was measured, and the
// build of the latest check. The learner edits the file in their editor (e), in the built-in
// one when they have none, or in another window: every save is checked again.
type exerciseScreen struct {
	c      *common
	ex     *lesson.Exercise
	opts   exercise.Options
	store  *progress.Store
	dir    string // the exercises' workspace folder
	editor string // the learner's editor command ($VISUAL or $EDITOR); "" uses the built-in one
	path   string // the workspace file, once it exists
	state  *exerciseState

	prompt  *textPane
	work    pane // *workPane, or *predictPane for a prediction
	goals   *goalsPane
	log     *logPane
	panes   []pane
	focus   int
	hints   int    // hints revealed
	confirm string // "reset" or "solution" while asking; "" otherwise

	showSolution bool
	edit         *editor // the built-in editor, while open
	watch        *fileWatch
	watchFiles   bool // whether to watch the file at all

	job     *checkJob
	nextID  int
	spin    spinner.Model
	now     time.Time
	tracker *stagegraph.Tracker
}

// The exercise screen's own messages.
type (
	// workspaceMsg: the workspace file is ready (made from the starter if it was missing) and
	// read.
	workspaceMsg struct {
		screen  *exerciseScreen
		path    string
		content string
		err     error
	}
	// fileReadMsg: the workspace file, read again; check says to check it, changed to check
	// it only if it differs from what is on screen (a save seen by the file watch).
	fileReadMsg struct {
		screen  *exerciseScreen
		content string
		err     error
		check   bool
		changed bool
	}
	// execDoneMsg: the learner's editor exited.
	execDoneMsg struct{ err error }
	// checkBatchMsg is a check's batch of messages, kept apart from the lesson builds'.
	checkBatchMsg struct{ buildBatchMsg }
)

func newExerciseScreen(c *common, ex *lesson.Exercise, opts exercise.Options, store *progress.Store, dir, editorCmd string) *exerciseScreen {
	s := &exerciseScreen{c: c, ex: ex, opts: opts, store: store, dir: dir, editor: editorCmd,
		state: &exerciseState{}, spin: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
	s.prompt = newTextPane(c, ex.LessonID, "Exercise · "+ex.Title, s.promptText())
	if p := ex.Predict(); p != nil {
		s.work = newPredictPane(c, s, p)
	} else {
		s.work = newWorkPane(c, s)
	}
	s.goals = newGoalsPane(c, s)
	s.log = newLogPane(c, s.checkStatus, func() string { return "Build" })
	s.log.idleText = "Press c to build your file and check it against the goals."
	if ex.Predict() != nil {
		s.log.idleText = "Press c to build the images and grade your order; what the lesson built already comes from the cache."
	}
	s.panes = []pane{s.prompt, s.work, s.goals, s.log}
	s.prompt.SetFocused(true)
	if p := ex.Predict(); p != nil {
		s.focusOn(1) // the order is the work
	}
	return s
}

// promptText is the prompt and the hints revealed so far.
func (s *exerciseScreen) promptText() string {
	text := s.ex.Prompt
	if s.hints > 0 {
		text += "\n\n## Hints\n"
		for i, h := range s.ex.Hints[:s.hints] {
			text += fmt.Sprintf("\n%d. %s", i+1, strings.TrimSpace(h))
		}
	}
	if left := len(s.ex.Hints) - s.hints; left > 0 {
		text += fmt.Sprintf("\n\n*%s left: press %s.*", human.Plural(left, "hint", ""), s.c.keys.Hint.Help().Key)
	}
	return text
}

// open makes the workspace file from the starter if it is missing, and reads it.
func (s *exerciseScreen) open() tea.Cmd {
	dir, ex := s.dir, s.ex
	return func() tea.Msg {
		if dir == "" {
			return workspaceMsg{screen: s, err: fmt.Errorf("no folder for your exercise files: set XDG_DATA_HOME or HOME")}
		}
		path, err := exercise.Workspace(dir, ex)
		if err != nil {
			return workspaceMsg{screen: s, err: err}
		}
		data, err := os.ReadFile(path)
		return workspaceMsg{screen: s, path: path, content: string(data), err: err}
	}
}

// read reads the workspace file again.
func (s *exerciseScreen) read(check, changed bool) tea.Cmd {
	path := s.path
	if path == "" {
		return nil
	}
	return func() tea.Msg {
		data, err := os.ReadFile(path)
		return fileReadMsg{screen: s, content: string(data), err: err, check: check, changed: changed}
	}
}

// close stops what the screen runs: its check and its file watch.
func (s *exerciseScreen) close() {
	if s.job != nil {
		s.job.cancel()
	}
	s.watch.stop()
	s.watch = nil
}

func (s *exerciseScreen) editing() bool { return s.edit != nil }

// resize renders the prompt for its pane's width.
func (s *exerciseScreen) resize() {
	lay := layoutFor(s.c.width, s.c.height-2)
	inner, _ := paneInner(lay.leftW, 0)
	s.prompt.resize(inner)
}

// Update routes a message; it reports whether the screen may have changed.
func (s *exerciseScreen) Update(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return s.key(msg), true
	case workspaceMsg:
		if msg.screen != s {
			return nil, false
		}
		s.path, s.state.content, s.state.readErr = msg.path, msg.content, msg.err
		if msg.err == nil && s.watch == nil && s.watchFiles {
			s.watch = watchFile(msg.path)
		}
		return s.watch.next(), true
	case fileChangedMsg:
		if msg.watch != s.watch {
			return nil, false
		}
		return tea.Batch(s.watch.next(), s.read(true, true)), false
	case fileReadMsg:
		if msg.screen != s {
			return nil, false
		}
		if msg.err != nil {
			s.state.readErr = msg.err
			return nil, true
		}
		if msg.changed && (msg.content == s.state.content || s.job != nil && s.job.content == msg.content) {
			return nil, false // a save already seen (the built-in editor's, say)
		}
		s.state.content, s.state.readErr = msg.content, nil
		if msg.check {
			return s.startCheck(), true
		}
		return nil, true
	case execDoneMsg:
		cmd := s.read(true, false)
		if msg.err != nil {
			s.log.log.note(logError, "Your editor failed: "+oneLine(msg.err.Error())+"; set $VISUAL or $EDITOR, or unset both for the built-in editor.")
		}
		return cmd, true
	case editorSavedMsg:
		if s.edit == nil {
			return nil, false
		}
		s.edit.Update(msg)
		if msg.err != nil || msg.content == s.state.content {
			return nil, true
		}
		s.state.content = msg.content
		return s.startCheck(), true
	case editorClosedMsg:
		s.edit = nil
		return nil, true
	case predictMovedMsg:
		path, content := s.path, msg.content
		return func() tea.Msg {
			if err := writeFileAtomic(path, []byte(content)); err != nil {
				return fileReadMsg{screen: s, err: err}
			}
			return nil
		}, true
	case checkBatchMsg:
		return s.takeBatch(msg.buildBatchMsg)
	case spinner.TickMsg:
		if s.job == nil || msg.ID != s.spin.ID() {
			return nil, false
		}
		s.now = msg.Time
		var cmd tea.Cmd
		s.spin, cmd = s.spin.Update(msg)
		return cmd, true
	}
	if s.edit != nil {
		return s.edit.Update(msg), true
	}
	return nil, true
}

// key acts on a key.
func (s *exerciseScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k := s.c.keys
	if s.edit != nil {
		return s.edit.Update(msg)
	}
	if s.confirm != "" {
		what := s.confirm
		s.confirm = ""
		if !key.Matches(msg, k.Yes) {
			return nil
		}
		if what == "solution" {
			s.showSolution = true
			return nil
		}
		return s.reset()
	}
	switch {
	case key.Matches(msg, k.Check):
		return s.read(true, false)
	case key.Matches(msg, k.Edit) && s.ex.Predict() == nil:
		return s.openEditor()
	case key.Matches(msg, k.Hint):
		if s.hints < len(s.ex.Hints) {
			s.hints++
			s.prompt = s.newPrompt()
			s.panes[0] = s.prompt
			s.resize()
			s.prompt.toEnd = true
		}
		return nil
	case key.Matches(msg, k.Reset):
		s.confirm = "reset"
		return nil
	case key.Matches(msg, k.Solution) && !s.showSolution && s.ex.Predict() == nil:
		s.confirm = "solution"
		return nil
	case key.Matches(msg, k.Focus):
		s.focusOn((s.focus + 1) % len(s.panes))
		return nil
	case key.Matches(msg, k.Cancel) && s.job != nil:
		s.job.cancel()
		return nil
	}
	var cmd tea.Cmd
	s.panes[s.focus], cmd = s.panes[s.focus].Update(msg)
	return cmd
}

// newPrompt is the prompt pane again, for a new hint, with the focus it had.
func (s *exerciseScreen) newPrompt() *textPane {
	p := newTextPane(s.c, s.ex.LessonID, "Exercise · "+s.ex.Title, s.promptText())
	p.SetFocused(s.focus == 0)
	return p
}

func (s *exerciseScreen) focusOn(i int) {
	s.panes[s.focus].SetFocused(false)
	s.focus = i
	s.panes[s.focus].SetFocused(true)
}

// openEditor opens the learner's editor on the workspace file, or the built-in one.
func (s *exerciseScreen) openEditor() tea.Cmd {
	if s.path == "" {
		return nil
	}
	if s.editor == "" {
		s.edit = newEditor(s.c, s.path, s.state.content)
		s.edit.checkStatus = s.checkSummary
		return nil
	}
	// The editor command is a shell word list, as git and crontab take $EDITOR ("code -w").
	cmd := exec.Command("/bin/sh", "-c", s.editor+` "$1"`, "sh", s.path)
	return tea.ExecProcess(cmd, func(err error) tea.Msg { return execDoneMsg{err: err} })
}

// reset puts the starter back, after the learner confirmed.
func (s *exerciseScreen) reset() tea.Cmd {
	dir, ex := s.dir, s.ex
	s.showSolution = false
	return func() tea.Msg {
		if err := exercise.Reset(dir, ex); err != nil {
			return fileReadMsg{screen: s, err: err}
		}
		data, err := os.ReadFile(s.path)
		return fileReadMsg{screen: s, content: string(data), err: err}
	}
}

// startCheck checks the file on screen, replacing a check under way.
func (s *exerciseScreen) startCheck() tea.Cmd {
	if s.c.eng == nil {
		s.state.checkErr = errors.New("still connecting to Docker; press c again in a moment")
		if s.c.engErr != nil {
			s.state.checkErr = s.c.engErr
		}
		return nil
	}
	if s.job != nil {
		s.job.cancel()
	}
	s.nextID++
	job, wait := startCheck(s.c, s.nextID, s.ex, s.state.content, s.opts)
	s.job, s.now = job, job.started
	s.state.checking, s.state.checkErr, s.state.verdicts = true, nil, nil
	s.tracker = nil
	if g := s.graph(); g != nil {
		s.tracker = stagegraph.NewTracker(g, job.steps)
	}
	return tea.Batch(wrapCheck(wait), s.spin.Tick)
}

// graph is the stage graph of the file on screen, when it is a Dockerfile that parses.
func (s *exerciseScreen) graph() *dockerfile.Graph {
	if w, ok := s.work.(*workPane); ok {
		w.parse()
		return w.graph
	}
	return nil
}

// wrapCheck marks a build batch as a check's.
func wrapCheck(wait tea.Cmd) tea.Cmd {
	return func() tea.Msg { return checkBatchMsg{wait().(buildBatchMsg)} }
}

// takeBatch takes a batch of the check under way.
func (s *exerciseScreen) takeBatch(b buildBatchMsg) (tea.Cmd, bool) {
	job := s.job
	if job == nil || b.id != job.id {
		return nil, false // a replaced check's leftovers
	}
	var cmds []tea.Cmd
	for _, it := range b.items {
		switch msg := it.(type) {
		case *buildEventMsg:
			msg.steps, msg.step = job.steps, job.steps.Observe(msg.ev)
			if s.tracker != nil {
				s.tracker.Observe(msg.ev)
			}
		case checkPhaseMsg:
			if msg.phase == lab.PhaseBuild && len(job.steps.All()) > 0 {
				// Another build of the same check (a prediction builds six): its steps are
				// its own, and the stage graph is only the learner's file's.
				job.steps, s.tracker = &engine.Steps{}, nil
			}
			job.phase = msg.phase
			if s.tracker != nil && msg.phase != lab.PhaseBuild {
				s.tracker.Finish(true)
			}
			if note := s.phaseNote(msg.phase); note != "" {
				b.items = append(b.items, logNoteMsg{kind: logInfo, text: note})
			}
		case checkGoalMsg:
			s.state.verdicts = append(s.state.verdicts, msg.v)
		case checkDoneMsg:
			cmds = append(cmds, s.done(msg))
		}
	}
	s.log.Update(b)
	if b.closed {
		s.job = nil
		s.state.checking = false
		return tea.Batch(cmds...), true
	}
	return tea.Batch(append(cmds, wrapCheck(waitForBuild(job.id, job.msgs)))...), true
}

// phaseNote is what the build log says when a check moves on.
func (s *exerciseScreen) phaseNote(p lab.Phase) string {
	if s.ex.Predict() != nil {
		// A prediction builds and runs the lesson's strategies, as the lesson does.
		if p == lab.PhaseBuild {
			return "building the next image (from the cache if the lesson built it)"
		}
		return ""
	}
	switch p {
	case lab.PhaseInspect:
		return "built; measuring the image (size, layers, user, single paths)"
	case lab.PhaseRun:
		return fmt.Sprintf("running it: no network, at most %d MiB of memory and %d processes, removed after",
			exercise.DefaultMemory>>20, exercise.DefaultPids)
	case lab.PhaseCheck:
		return "checking the goals"
	case lab.PhaseRebuild:
		return "edited the app; building again to see what the cache keeps"
	}
	return ""
}

// done records how a check ended.
func (s *exerciseScreen) done(msg checkDoneMsg) tea.Cmd {
	st := s.state
	if msg.err != nil {
		if lab.IsCanceled(msg.err) {
			return nil
		}
		st.checkErr = msg.err
		return nil
	}
	rep := msg.rep
	st.report, st.checked, st.verdicts = &rep, s.job.content, rep.Goals
	if s.tracker != nil {
		s.tracker.Finish(rep.Error == "")
	}
	if s.c.room != nil { // a check is a build too: the instructor sees whether it built
		s.c.room.Built(rep.Error == "")
	}
	if rep.Passed {
		s.showSolution = true // solved: compare with another way to do it
	}
	if s.store == nil {
		return nil
	}
	s.store.RecordExercise(s.ex.LessonID, s.ex.ID, st.passed(), len(s.ex.Goals))
	return saveCmd(s.store, nil)
}

// checkStatus is the build pane's view of the check under way.
func (s *exerciseScreen) checkStatus() (buildStatus, bool) {
	if s.job == nil {
		return buildStatus{}, false
	}
	return buildStatus{strategy: "your " + s.ex.WorkspaceFile(), spinner: s.spin.View(), elapsed: s.now.Sub(s.job.started), phase: s.job.phase}, true
}

// checkSummary is the latest check in a few words, for the editor's foot.
func (s *exerciseScreen) checkSummary() string {
	st := s.c.styles
	switch {
	case s.job != nil:
		return st.Muted.Render("checking " + s.spin.View())
	case s.state.report == nil:
		return ""
	case s.state.report.Passed && !s.state.stale():
		return st.OK.Render("✓ every goal met")
	}
	return st.Warn.Render(fmt.Sprintf("%d/%d goals met", s.state.passed(), len(s.ex.Goals)))
}

// spinner is the spinner's frame, for the goals pane's title.
func (s *exerciseScreen) spinner() string { return s.spin.View() }

// stageStates are the stage graph's states in the check under way (or the last one).
func (s *exerciseScreen) stageStates() map[int]stagegraph.State {
	if s.tracker == nil {
		return nil
	}
	return s.tracker.States()
}

// View draws the screen's body, height lines tall.
func (s *exerciseScreen) View(height int) string {
	if s.edit != nil {
		return s.edit.View(s.c.width, height)
	}
	var rows []string
	next := 0
	for _, r := range layoutFor(s.c.width, height).rows() {
		var boxes []string
		for _, w := range r.widths {
			boxes = append(boxes, s.panes[next].View(w, r.height))
			next++
		}
		rows = append(rows, joinRow(boxes...))
	}
	return strings.Join(rows, "\n")
}

// status is the line above the help: a question being asked, or nothing.
func (s *exerciseScreen) status() string {
	switch s.confirm {
	case "reset":
		return "Put the starter back and lose your changes? y resets, any other key keeps them."
	case "solution":
		return "Show a solution beside your file? y shows it, any other key keeps working."
	}
	return ""
}

// bindings lists the screen's keys that do something now, most useful first.
func (s *exerciseScreen) bindings() []key.Binding {
	k := s.c.keys
	if s.edit != nil {
		return []key.Binding{editorKeys.Save, editorKeys.Close}
	}
	if s.confirm != "" {
		return []key.Binding{k.Yes}
	}
	var out []key.Binding
	if s.ex.Predict() == nil {
		out = append(out, k.Edit)
	}
	out = append(out, k.Check)
	if s.job != nil {
		out = append(out, k.Cancel)
	}
	if s.hints < len(s.ex.Hints) {
		out = append(out, k.Hint)
	}
	out = append(out, k.Focus, k.Reset)
	if !s.showSolution && s.ex.Predict() == nil {
		out = append(out, k.Solution)
	}
	return append(out, s.panes[s.focus].ShortHelp()...)
}

// FullHelp groups every key of the screen, for the help screen.
func (s *exerciseScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	groups := [][]key.Binding{{k.Edit, k.Check, k.Cancel, k.Hint, k.Reset, k.Solution, k.Focus}}
	var panes []key.Binding
	for _, p := range s.panes {
		for _, g := range p.FullHelp() {
			panes = append(panes, g...)
		}
	}
	return append(groups, panes)
}
