package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/docktutor/docktutor/internal/termtext"
)

// wideWidth is the width from which the stage graph gets a column of its own beside the
// Dockerfile; narrower screens show one or the other in the strategy pane (key g).
const wideWidth = 110

// Minimum usable size; below it the program says so instead of drawing a broken screen.
const minWidth, minHeight = 60, 16

// lessonLayout is how the lesson screen splits its space: a top row (text | strategy, or the
// question list | the answer) over a bottom row (build log | results).
type lessonLayout struct {
	leftW, rightW int // the top row's columns
	topH, botH    int
	logW, resW    int // the bottom row's columns: an even split, the log needs the width
	graphW        int // the stage graph's own column inside the strategy pane, 0 when narrow
}

// row is one row of panes: its height and its columns' widths.
type row struct {
	height int
	widths []int
}

// rows are the layout's rows, top first, for a screen that lays its panes out in them.
func (l lessonLayout) rows() []row {
	return []row{{l.topH, []int{l.leftW, l.rightW}}, {l.botH, []int{l.logW, l.resW}}}
}

// layoutFor splits a w×h body.
func layoutFor(w, h int) lessonLayout {
	l := lessonLayout{leftW: w / 2, topH: h * 11 / 20, logW: w / 2}
	if w >= wideWidth {
		l.leftW = w * 34 / 100
	}
	l.rightW = w - l.leftW
	l.botH = h - l.topH
	l.resW = w - l.logW
	if w >= wideWidth {
		l.graphW = l.rightW * 46 / 100
	}
	return l
}

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
	// size, and measuring and wrapping every line again cost most of a frame (2–3×, measured).
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
			bc.Render(strings.Repeat(border.Top, max(0, innerW-1-ansi.StringWidth(t)))+border.TopRight))
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

// fitTitle makes a title for a w-wide paneBox whose end matters most: the pane's progress, its
// scroll hint, a build's queue. The start is cut first.
func fitTitle(title, suffix string, w int) string {
	room := w - 5 // the corners, the dash before the title and a space either side
	if sw := ansi.StringWidth(suffix); sw < room {
		return truncate(title, room-sw) + suffix
	}
	return truncate(title+suffix, room)
}

// paneInner is the room inside a w×h paneBox for its body.
func paneInner(w, h int) (int, int) { return max(0, w-4), max(0, h-2) }

// joinRow puts blocks of equal height side by side, line by line.
func joinRow(blocks ...string) string {
	split := make([][]string, len(blocks))
	n := 0
	for i, p := range blocks {
		split[i] = strings.Split(p, "\n")
		n = max(n, len(split[i]))
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

// truncate cuts s (which may hold colour sequences) to at most w columns, ending in "…" when
// it had to cut.
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// wrapText wraps plain text to width columns.
func wrapText(s string, width int) string {
	if width < 10 {
		return s
	}
	return lipgloss.NewStyle().Width(width).Render(strings.TrimSpace(s))
}

// stripMarkdown drops the emphasis and code marks that read as noise in a narrow pane, and
// joins the lines of each paragraph so the pane can wrap them to its own width.
func stripMarkdown(s string) string {
	s = strings.NewReplacer("**", "", "`", "").Replace(strings.TrimSpace(s))
	paras := strings.Split(s, "\n\n")
	for i, p := range paras {
		paras[i] = strings.Join(strings.Fields(p), " ")
	}
	return strings.Join(paras, "\n\n")
}

// oneLine is the first line of an untrusted message, as plain text.
func oneLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return termtext.Plain(s)
}

// commandText shows a command line a learner can type, "  $ " first, broken at spaces to fit
// width, each broken line ending in a shell continuation so the whole still pastes.
func commandText(cmd string, width int, st Styles) string {
	const indent = "      "
	words := strings.Fields(cmd)
	var lines []string
	line := "  $"
	for _, w := range words {
		if ansi.StringWidth(line)+1+ansi.StringWidth(w) > width-2 && strings.TrimSpace(line) != "$" && line != indent {
			lines = append(lines, line+" \\")
			line = indent + w
			continue
		}
		if line == indent {
			line += w
		} else {
			line += " " + w
		}
	}
	lines = append(lines, line)
	for i, l := range lines {
		lines[i] = st.Muted.Render(truncate(l, width))
	}
	return strings.Join(lines, "\n")
}
