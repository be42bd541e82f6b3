package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/docktutor/docktutor/internal/human"
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
	var largest int64
	for _, b := range bars {
		labelW = max(labelW, lipgloss.Width(b.Label))
		valueW = max(valueW, len(human.Size(b.Value)))
		largest = max(largest, b.Value)
	}
	labelW = min(labelW, max(8, width/3))
	noteW := 0
	for _, b := range bars {
		noteW = max(noteW, lipgloss.Width(b.Note)+1)
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
		if largest > 0 {
			n = int(float64(b.Value) / float64(largest) * float64(barW))
		}
		bar := strings.Repeat("█", n)
		if n == 0 && b.Value > 0 {
			bar = "▏"
		}
		label := truncate(b.Label, labelW)
		fmt.Fprintf(&sb, "%-*s %*s %s", labelW, label, valueW, human.Size(b.Value), style.Render(bar))
		if b.Note != "" {
			sb.WriteString(" " + st.Muted.Render(b.Note))
		}
	}
	return sb.String()
}
