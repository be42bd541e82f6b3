// Command floor is the yardstick for docktutor's start-up: about the least a Bubble Tea v2
// program can do to show a lesson's text rendered by Glamour in the alternate screen. .ci/perf
// times its first frame against `docktutor lesson multistage`, in the same pseudo-terminal.
//
// It does what docktutor's lesson pane does on its first frames and nothing more: it takes the
// lesson text from the same embedded files, renders it with the same Glamour style at about the
// width of docktutor's text pane (half the terminal, less a pane's border and padding; the cost
// of a render hardly depends on it), and draws it. The render runs inside Update, on the first
// frame's path: a floor has nothing to overlap it with.
//
// Usage: floor [lesson-id]   (default multistage; q or ctrl+c quits)
package main

import (
	"fmt"
	"io/fs"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/glamour/v2"
	"github.com/docktutor/docktutor/lessons"
)

type model struct {
	source string // the lesson's markdown
	text   string // what the screen shows
}

func (m model) Init() tea.Cmd { return nil }

func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		// docktutor's text pane is half the width, less 2 border and 2 padding columns.
		width := max(10, msg.Width/2-4)
		r, err := glamour.NewTermRenderer(glamour.WithStandardStyle("dark"), glamour.WithWordWrap(width))
		if err != nil {
			m.text = err.Error()
			return m, nil
		}
		out, err := r.Render(m.source)
		if err != nil {
			m.text = err.Error()
			return m, nil
		}
		m.text = strings.Trim(out, "\n")
	case tea.KeyPressMsg:
		switch msg.String() {
		case "q", "ctrl+c":
			return m, tea.Quit
		}
	}
	return m, nil
}

func (m model) View() tea.View {
	v := tea.NewView(m.text)
	v.AltScreen = true
	return v
}

func main() {
	id := "multistage"
	if len(os.Args) > 1 {
		id = os.Args[1]
	}
	src, err := fs.ReadFile(lessons.FS, id+"/lesson.md")
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	if _, err := tea.NewProgram(model{source: string(src)}).Run(); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}
