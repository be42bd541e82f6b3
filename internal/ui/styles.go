package ui

import (
	"image/color"

	"charm.land/lipgloss/v2"
	"github.com/docktutor/docktutor/internal/ui/stagegraph"
)

// Styles holds every style the UI draws with, built in one place from the terminal's background
// so that light and dark terminals (and NO_COLOR) all read well.
type Styles struct {
	Title     lipgloss.Style
	Subtitle  lipgloss.Style
	Muted     lipgloss.Style
	Accent    lipgloss.Style
	OK        lipgloss.Style
	Warn      lipgloss.Style
	Error     lipgloss.Style
	Pane      lipgloss.Style // a pane's border when not focused
	PaneFocus lipgloss.Style // a pane's border when focused
	PaneTitle lipgloss.Style
	Selected  lipgloss.Style // the highlighted row of a list
	Status    lipgloss.Style // the status line

	// Dockerfile highlighting.
	Keyword lipgloss.Style
	Comment lipgloss.Style
	LineNo  lipgloss.Style

	// The size chart's bars, one colour per app family.
	Bar      lipgloss.Style
	BarOther lipgloss.Style

	// Graph draws the Dockerfile's stage graph.
	Graph stagegraph.Styles

	// Markdown is the Glamour style name for lesson text ("dark", "light" or "notty").
	Markdown string
	// Plain is true when no colour may be used (NO_COLOR, or output that is not a terminal).
	Plain bool
}

// NewStyles builds the styles for a dark or light background; plain drops every colour.
func NewStyles(isDark, plain bool) Styles {
	ld := lipgloss.LightDark(isDark)
	c := func(light, dark string) color.Color {
		if plain {
			return lipgloss.NoColor{}
		}
		return ld(lipgloss.Color(light), lipgloss.Color(dark))
	}
	accent := c("#5A3FC0", "#A68BFF")
	muted := c("#6B6B6B", "#8A8A8A")
	border := c("#B8B8B8", "#4A4A4A")

	s := Styles{
		Title:     lipgloss.NewStyle().Bold(true).Foreground(accent),
		Subtitle:  lipgloss.NewStyle().Foreground(c("#303030", "#D0D0D0")),
		Muted:     lipgloss.NewStyle().Foreground(muted),
		Accent:    lipgloss.NewStyle().Foreground(accent),
		OK:        lipgloss.NewStyle().Foreground(c("#1D7A35", "#5FD787")),
		Warn:      lipgloss.NewStyle().Foreground(c("#9A6700", "#E5C07B")),
		Error:     lipgloss.NewStyle().Foreground(c("#B3261E", "#FF6B6B")).Bold(true),
		Pane:      lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(border),
		PaneFocus: lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(accent),
		PaneTitle: lipgloss.NewStyle().Bold(true),
		Selected:  lipgloss.NewStyle().Bold(true).Foreground(accent),
		Status:    lipgloss.NewStyle().Foreground(muted),
		Keyword:   lipgloss.NewStyle().Bold(true).Foreground(c("#0B5CAD", "#61AFEF")),
		Comment:   lipgloss.NewStyle().Foreground(muted).Italic(true),
		LineNo:    lipgloss.NewStyle().Foreground(border),
		Bar:       lipgloss.NewStyle().Foreground(c("#2E7D32", "#7BD88F")),
		BarOther:  lipgloss.NewStyle().Foreground(c("#0B5CAD", "#61AFEF")),
		Markdown:  "dark",
		Plain:     plain,
	}
	if !isDark {
		s.Markdown = "light"
	}
	s.Graph = stagegraph.DefaultStyles(isDark)
	if plain {
		s.Graph = stagegraph.PlainStyles()
		s.Markdown = "notty"
		s.Selected = lipgloss.NewStyle().Bold(true)
	}
	return s
}
