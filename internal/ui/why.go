package ui

import (
	"strings"

	"github.com/docktutor/docktutor/internal/diagnose"
	"github.com/docktutor/docktutor/internal/termtext"
)

// whyLines show what docktutor found inside the image about a program that could not start
// (diagnose.Exec): the missing loader of a dynamically linked binary, say.
func whyLines(f *diagnose.Finding, st Styles, width int) []string {
	if f == nil {
		return nil
	}
	const label = "  why: "
	lines := strings.Split(wrapText(termtext.Plain(f.Message), max(width-len(label), 10)), "\n")
	for i, l := range lines {
		if i == 0 {
			lines[i] = st.Warn.Render(label) + l
		} else {
			lines[i] = strings.Repeat(" ", len(label)) + l
		}
	}
	return lines
}
