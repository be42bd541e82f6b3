package stagegraph

import (
	"charm.land/lipgloss/v2"
)

// StateStyle is how one State looks: a one-cell glyph, a word and a colour.
type StateStyle struct {
	Glyph string
	Word  string
	Style lipgloss.Style
}

// Styles are the colours and glyphs of a stage graph. Build one with DefaultStyles or
// PlainStyles; every field may be replaced to match the surrounding theme. Styles only colour
// and emphasise: they never change widths, so a drawing lays out the same in every Styles.
type Styles struct {
	// Border draws the box of a stage the target needs; ImageBorder the box of the target,
	// THE IMAGE; DimBorder the box of a stage the target does not need.
	Border, ImageBorder, DimBorder lipgloss.Style
	// BoxBorder and ImageBoxBorder are the line characters of the boxes.
	BoxBorder, ImageBoxBorder lipgloss.Border
	// Name is a stage's name in its title.
	Name lipgloss.Style
	// Keyword is an instruction keyword (FROM, RUN, COPY...), Text the rest of it.
	Keyword, Text lipgloss.Style
	// More is the "… 3 more" line of a box.
	More lipgloss.Style
	// Arrow is the connector between boxes, EdgeLabel what it says crosses.
	Arrow, EdgeLabel lipgloss.Style
	// ImageTag marks THE IMAGE; Tag marks the other stages (not shipped, not built).
	ImageTag, Tag lipgloss.Style
	// Dim is the text of a stage the target does not need.
	Dim lipgloss.Style
	// Note is the explanation under the drawing.
	Note lipgloss.Style
	// States has one entry per State, indexed by it.
	States [numStates]StateStyle
}

// DefaultStyles returns the colours for a dark or a light terminal background.
func DefaultStyles(isDark bool) Styles {
	c := lipgloss.LightDark(isDark)
	var (
		accent  = c(lipgloss.Color("#007A52"), lipgloss.Color("#3EE6A0")) // THE IMAGE
		keyword = c(lipgloss.Color("#6B2FBF"), lipgloss.Color("#B794F6"))
		text    = c(lipgloss.Color("#1F2328"), lipgloss.Color("#E6E6E6"))
		subtle  = c(lipgloss.Color("#57606A"), lipgloss.Color("#9AA0A6"))
		dim     = c(lipgloss.Color("#A8ADB3"), lipgloss.Color("#5C6066"))
		border  = c(lipgloss.Color("#3B6EA8"), lipgloss.Color("#6CA0DC"))
		yellow  = c(lipgloss.Color("#9A6700"), lipgloss.Color("#F2CC60"))
		cyan    = c(lipgloss.Color("#0969A0"), lipgloss.Color("#56D4DD"))
		green   = c(lipgloss.Color("#1A7F37"), lipgloss.Color("#56D364"))
		red     = c(lipgloss.Color("#CF222E"), lipgloss.Color("#FF7B72"))
	)
	s := PlainStyles()
	s.Border = lipgloss.NewStyle().Foreground(border)
	s.ImageBorder = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.DimBorder = lipgloss.NewStyle().Foreground(dim)
	s.Name = lipgloss.NewStyle().Foreground(text).Bold(true)
	s.Keyword = lipgloss.NewStyle().Foreground(keyword).Bold(true)
	s.Text = lipgloss.NewStyle().Foreground(text)
	s.More = lipgloss.NewStyle().Foreground(subtle).Italic(true)
	s.Arrow = lipgloss.NewStyle().Foreground(border)
	s.EdgeLabel = lipgloss.NewStyle().Foreground(subtle)
	s.ImageTag = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.Tag = lipgloss.NewStyle().Foreground(subtle)
	s.Dim = lipgloss.NewStyle().Foreground(dim)
	s.Note = lipgloss.NewStyle().Foreground(subtle)
	s.States[Waiting].Style = lipgloss.NewStyle().Foreground(subtle)
	s.States[Building].Style = lipgloss.NewStyle().Foreground(yellow).Bold(true)
	s.States[Cached].Style = lipgloss.NewStyle().Foreground(cyan)
	s.States[Done].Style = lipgloss.NewStyle().Foreground(green)
	s.States[Failed].Style = lipgloss.NewStyle().Foreground(red).Bold(true)
	s.States[Skipped].Style = lipgloss.NewStyle().Foreground(dim)
	return s
}

// PlainStyles returns styles without colour or emphasis, for NO_COLOR, files and pipes, and
// golden tests. Glyphs and borders are the same as DefaultStyles'.
func PlainStyles() Styles {
	plain := lipgloss.NewStyle()
	s := Styles{
		Border: plain, ImageBorder: plain, DimBorder: plain,
		BoxBorder:      lipgloss.RoundedBorder(),
		ImageBoxBorder: lipgloss.ThickBorder(),
		Name:           plain, Keyword: plain, Text: plain, More: plain,
		Arrow: plain, EdgeLabel: plain, ImageTag: plain, Tag: plain, Dim: plain, Note: plain,
	}
	s.States = [numStates]StateStyle{
		Waiting:  {Glyph: "○", Word: "waiting", Style: plain},
		Building: {Glyph: "◐", Word: "building", Style: plain},
		Cached:   {Glyph: "↺", Word: "cached", Style: plain},
		Done:     {Glyph: "✓", Word: "done", Style: plain},
		Failed:   {Glyph: "✗", Word: "failed", Style: plain},
		Skipped:  {Glyph: "–", Word: "skipped", Style: plain},
	}
	return s
}
