package ui

import (
	"os"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
)

// editor is the built-in Dockerfile editor, for learners with no $VISUAL or $EDITOR and for
// the classroom over SSH, where the learner's own editor is out of reach: a textarea with line
// numbers over the exercise screen. ctrl+s saves (the save is checked as any save is); esc
// closes, and asks first when there are unsaved changes.
type editor struct {
	c     *common
	ta    textarea.Model
	path  string
	saved string // the file as last read or saved
	// confirmClose is set after esc with unsaved changes: esc again discards them.
	confirmClose bool
	err          error // the last save's failure
	// checkStatus says how the latest check of the file went, for the foot of the editor.
	checkStatus func() string
}

// editorKeys are the editor's own keys; everything else is typing.
var editorKeys = struct{ Save, Close key.Binding }{
	Save:  key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "save and check")),
	Close: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close the editor")),
}

// editorSavedMsg: a save finished.
type editorSavedMsg struct {
	ed      *editor
	content string
	err     error
}

// editorClosedMsg: the learner left the editor.
type editorClosedMsg struct{}

func newEditor(c *common, path, content string) *editor {
	ta := textarea.New()
	ta.ShowLineNumbers = true
	ta.Prompt = ""
	ta.MaxHeight = 0
	ta.MaxWidth = 0
	ta.CharLimit = 64 << 10
	// A steady cursor: a blinking one redraws the whole screen twice a second, which over SSH
	// is the room's bandwidth, for nothing the learner needs.
	styles := textarea.DefaultStyles(c.isDark)
	styles.Cursor.Blink = false
	ta.SetStyles(styles)
	ta.SetValue(strings.TrimSuffix(content, "\n")) // the file's last newline is not a line of its own
	ta.MoveToBegin()
	ta.Focus()
	return &editor{c: c, ta: ta, path: path, saved: withNewline(content)}
}

// withNewline ends text with a newline, as a saved file does.
func withNewline(s string) string {
	if s != "" && !strings.HasSuffix(s, "\n") {
		return s + "\n"
	}
	return s
}

func (e *editor) dirty() bool { return withNewline(e.ta.Value()) != e.saved }

// Update takes a key or the result of a save.
func (e *editor) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case editorSavedMsg:
		if msg.ed != e {
			return nil
		}
		e.err = msg.err
		if msg.err == nil {
			e.saved = msg.content
		}
		return nil
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, editorKeys.Save):
			e.confirmClose = false
			return e.save()
		case key.Matches(msg, editorKeys.Close):
			if e.dirty() && !e.confirmClose {
				e.confirmClose = true
				return nil
			}
			return func() tea.Msg { return editorClosedMsg{} }
		}
		e.confirmClose = false
	}
	var cmd tea.Cmd
	e.ta, cmd = e.ta.Update(msg)
	return cmd
}

// save writes the file off the UI goroutine, through a temporary file renamed over it, so a
// crash halfway never leaves half a Dockerfile.
func (e *editor) save() tea.Cmd {
	content, path := withNewline(e.ta.Value()), e.path
	return func() tea.Msg {
		return editorSavedMsg{ed: e, content: content, err: writeFileAtomic(path, []byte(content))}
	}
}

// writeFileAtomic writes data to path through a temporary file in the same folder.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// View draws the editor in exactly width×height cells: the file in a pane, and a line that
// says what the keys do or what went wrong.
func (e *editor) View(width, height int) string {
	st := e.c.styles
	w, h := paneInner(width, height)
	e.ta.SetWidth(w)
	e.ta.SetHeight(max(1, h-1))
	var foot string
	switch {
	case e.confirmClose:
		foot = st.Warn.Render("Unsaved changes: esc again discards them, ctrl+s saves.")
	case e.err != nil:
		foot = st.Error.Render("Not saved: " + oneLine(e.err.Error()))
	case e.dirty():
		foot = st.Muted.Render("ctrl+s saves and checks · esc closes")
	default:
		foot = st.OK.Render("saved") + st.Muted.Render(" · esc closes")
	}
	if e.checkStatus != nil {
		if cs := e.checkStatus(); cs != "" {
			foot += st.Muted.Render(" · ") + cs
		}
	}
	title := "Editing " + filepath.Base(e.path)
	if e.dirty() {
		title += " •"
	}
	body := e.ta.View() + "\n" + truncate(foot, w)
	return paneBox(fitTitle(title, "", width), body, width, height, true, st)
}
