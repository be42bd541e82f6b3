package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/docktutor/docktutor/internal/termtext"
)

// RenderDockerfile shows a Dockerfile with line numbers, instructions and comments highlighted,
// each line cut to width. It is a pure function of its input.
func RenderDockerfile(src string, st Styles, width int) string {
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(src, "\r\n", "\n"), "\n"), "\n")
	numW := len(fmt.Sprint(len(lines)))
	textW := max(1, width-numW-1)
	var sb strings.Builder
	for i, line := range lines {
		if i > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(st.LineNo.Render(fmt.Sprintf("%*d", numW, i+1)))
		sb.WriteByte(' ')
		line = termtext.Line(line)
		// Comments explain the lesson: wrap them rather than cut them.
		if trimmed := strings.TrimSpace(line); strings.HasPrefix(trimmed, "#") && ansi.StringWidth(line) > textW {
			wrapped := strings.Split(ansi.Wordwrap(line, textW, " "), "\n")
			for j, w := range wrapped {
				if j > 0 {
					sb.WriteString("\n" + strings.Repeat(" ", numW+1))
					w = "  " + strings.TrimLeft(w, " ")
				}
				sb.WriteString(st.Comment.Render(truncate(w, textW)))
			}
			continue
		}
		sb.WriteString(highlightLine(truncate(line, textW), st))
	}
	return sb.String()
}

func highlightLine(line string, st Styles) string {
	trimmed := strings.TrimLeft(line, " ")
	indent := line[:len(line)-len(trimmed)]
	switch {
	case strings.HasPrefix(trimmed, "#"):
		return indent + st.Comment.Render(trimmed)
	case trimmed == "":
		return line
	}
	word, rest, _ := strings.Cut(trimmed, " ")
	if isInstruction(word) {
		if rest != "" {
			rest = " " + rest
		}
		return indent + st.Keyword.Render(word) + rest
	}
	return line
}

var instructions = map[string]bool{
	"FROM": true, "RUN": true, "CMD": true, "LABEL": true, "EXPOSE": true, "ENV": true, "ADD": true,
	"COPY": true, "ENTRYPOINT": true, "VOLUME": true, "USER": true, "WORKDIR": true, "ARG": true,
	"ONBUILD": true, "STOPSIGNAL": true, "HEALTHCHECK": true, "SHELL": true, "MAINTAINER": true,
}

func isInstruction(w string) bool { return instructions[strings.ToUpper(w)] }
