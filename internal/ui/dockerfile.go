package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/docktutor/docktutor/internal/termtext"
)

// RenderDockerfile shows a Dockerfile with line numbers, instructions and comments highlighted,
// each line cut to width. It is a pure function of its input.
func RenderDockerfile(src string, st Styles, width int) string {
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(src, "\r\n", "\n"), "\n"), "\n")
	numW := len(fmt.Sprint(len(lines)))
	textW := maxInt(1, width-numW-1)
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

// paneBox draws a bordered pane with a title in its top border, exactly w×h cells.
func paneBox(title, body string, w, h int, focused bool, st Styles) string {
	if w < 4 || h < 3 {
		return ""
	}
	style := st.Pane
	if focused {
		style = st.PaneFocus
	}
	// Drawn by hand rather than with Style.Width/Height/Render: the body is already cut to
	// size, and measuring and wrapping every line again cost most of a frame.
	innerW, innerH := w-2, h-2
	border := style.GetBorderStyle()
	bc := lipgloss.NewStyle().Foreground(style.GetBorderTopForeground())
	left, right := bc.Render(border.Left)+" ", " "+bc.Render(border.Right)

	var sb strings.Builder
	sb.Grow(h * (w + 16))
	// The title sits in the top border: "╭─ Title ───╮".
	if title == "" {
		sb.WriteString(bc.Render(border.TopLeft + strings.Repeat(border.Top, innerW) + border.TopRight))
	} else {
		t := " " + truncate(title, innerW-3) + " "
		sb.WriteString(bc.Render(border.TopLeft+border.Top) + st.PaneTitle.Render(t) +
			bc.Render(strings.Repeat(border.Top, maxInt(0, innerW-1-ansi.StringWidth(t)))+border.TopRight))
	}
	for _, line := range strings.Split(fitBlock(body, innerW-2, innerH), "\n") {
		sb.WriteByte('\n')
		sb.WriteString(left)
		sb.WriteString(line)
		if pad := innerW - 2 - ansi.StringWidth(line); pad > 0 {
			sb.WriteString(strings.Repeat(" ", pad))
		}
		sb.WriteString(right)
	}
	sb.WriteByte('\n')
	sb.WriteString(bc.Render(border.BottomLeft + strings.Repeat(border.Bottom, innerW) + border.BottomRight))
	return sb.String()
}

// joinRow puts panes of equal height side by side, line by line.
func joinRow(panes ...string) string {
	split := make([][]string, len(panes))
	n := 0
	for i, p := range panes {
		split[i] = strings.Split(p, "\n")
		n = maxInt(n, len(split[i]))
	}
	var sb strings.Builder
	for l := 0; l < n; l++ {
		if l > 0 {
			sb.WriteByte('\n')
		}
		for _, lines := range split {
			if l < len(lines) {
				sb.WriteString(lines[l])
			}
		}
	}
	return sb.String()
}

// fitBlock cuts or pads text to exactly w columns and h lines.
func fitBlock(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if lipgloss.Width(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}
