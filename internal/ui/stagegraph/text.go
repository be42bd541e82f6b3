package stagegraph

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/docktutor/docktutor/internal/dockerfile"
)

// The text the drawings are made of: styled segments in lines, cut, padded and wrapped to a
// width.

// seg is a run of text in one style; a line is a row of them. Widths are measured on the text,
// which holds no escape sequences (everything from the Dockerfile goes through Printable).
type seg struct {
	text  string
	style lipgloss.Style
}

type line []seg

func (l line) width() int {
	w := 0
	for _, s := range l {
		w += ansi.StringWidth(s.text)
	}
	return w
}

// fit cuts l to at most w columns, ending with "…" when it cuts.
func (l line) fit(w int) line {
	if w <= 0 {
		return nil
	}
	if l.width() <= w {
		return l
	}
	var out line
	left := w - 1 // room for the ellipsis
	for _, s := range l {
		sw := ansi.StringWidth(s.text)
		if sw <= left {
			out = append(out, s)
			left -= sw
			continue
		}
		out = append(out, seg{ansi.Truncate(s.text, left, ""), s.style}, seg{"…", s.style})
		return out
	}
	return out
}

func (l line) render() string {
	var b strings.Builder
	for _, s := range l {
		if s.text != "" {
			b.WriteString(s.style.Render(s.text))
		}
	}
	return b.String()
}

func (l line) pad(w int, style lipgloss.Style) line {
	if n := w - l.width(); n > 0 {
		return append(l, seg{strings.Repeat(" ", n), style})
	}
	return l
}

// text returns a segment of Dockerfile text made safe for the terminal.
func text(s string, style lipgloss.Style) seg { return seg{dockerfile.Printable(s), style} }

// fitLeftRight puts right at the right edge of width columns and fits left in what remains.
func fitLeftRight(left, right line, width int) line {
	if right == nil {
		return left.fit(width)
	}
	left = left.fit(width - right.width() - 2)
	gap := width - left.width() - right.width()
	return append(append(left, seg{strings.Repeat(" ", gap), lipgloss.NewStyle()}), right...)
}

// wrap breaks s into lines of at most width columns at spaces.
func wrap(s string, width int) []string {
	var rows []string
	cur := ""
	for _, w := range strings.Fields(s) {
		switch {
		case cur == "":
			cur = w
		case ansi.StringWidth(cur)+1+ansi.StringWidth(w) <= width:
			cur += " " + w
		default:
			rows = append(rows, cur)
			cur = w
		}
	}
	if cur != "" {
		rows = append(rows, cur)
	}
	return rows
}

func lineCount(s string) int { return strings.Count(s, "\n") + 1 }
