package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Bar is one row of the size chart.
type Bar struct {
	Label  string
	Value  int64
	Family string // bars of one family (e.g. "python", "go") share a colour
	Note   string // shown after the value, e.g. "stale" or "failed"
}

// RenderChart draws a horizontal bar chart of image sizes, scaled to the largest value, in at
// most width columns. It is a pure function of its input so it can be golden-tested.
func RenderChart(bars []Bar, st Styles, width int) string {
	if len(bars) == 0 {
		return st.Muted.Render("No images built yet.")
	}
	labelW, valueW := 0, 0
	var max int64
	for _, b := range bars {
		labelW = maxInt(labelW, lipgloss.Width(b.Label))
		valueW = maxInt(valueW, len(FormatSize(b.Value)))
		if b.Value > max {
			max = b.Value
		}
	}
	labelW = minInt(labelW, maxInt(8, width/3))
	noteW := 0
	for _, b := range bars {
		noteW = maxInt(noteW, lipgloss.Width(b.Note)+1)
	}
	barW := width - labelW - valueW - 2 - noteW
	if barW < 4 {
		barW = 4
	}
	families := map[string]int{}
	var sb strings.Builder
	for i, b := range bars {
		if i > 0 {
			sb.WriteByte('\n')
		}
		if _, ok := families[b.Family]; !ok {
			families[b.Family] = len(families)
		}
		style := st.Bar
		if families[b.Family]%2 == 1 {
			style = st.BarOther
		}
		n := 0
		if max > 0 {
			n = int(float64(b.Value) / float64(max) * float64(barW))
		}
		bar := strings.Repeat("█", n)
		if n == 0 && b.Value > 0 {
			bar = "▏"
		}
		label := truncate(b.Label, labelW)
		fmt.Fprintf(&sb, "%-*s %*s %s", labelW, label, valueW, FormatSize(b.Value), style.Render(bar))
		if b.Note != "" {
			sb.WriteString(" " + st.Muted.Render(b.Note))
		}
	}
	return sb.String()
}

// FormatSize formats a byte count the way `docker images` does (decimal units).
func FormatSize(n int64) string {
	switch {
	case n <= 0:
		return "-"
	case n >= 1e9:
		return fmt.Sprintf("%.2fGB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1fMB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1fkB", float64(n)/1e3)
	}
	return fmt.Sprintf("%dB", n)
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

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func minInt(a, b int) int {
	if a < b {
		return a
	}
	return b
}
