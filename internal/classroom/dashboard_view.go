package classroom

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/docktutor/docktutor/internal/human"
	"github.com/docktutor/docktutor/internal/termtext"
)

// View draws the dashboard.
func (d *Dashboard) View() tea.View {
	v := tea.NewView(d.render())
	v.AltScreen = true
	v.WindowTitle = "docktutor classroom"
	return v
}

// size is the terminal's size, or a standard one before the first WindowSizeMsg.
func (d *Dashboard) size() (int, int) {
	if d.width <= 0 || d.height <= 0 {
		return 80, 24
	}
	return d.width, d.height
}

func (d *Dashboard) render() string {
	w, h := d.size()
	var lines []string
	if d.following != "" {
		lines = d.renderFollow(w, h)
	} else {
		lines = d.renderTable(w, h)
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		lines[i] = fit(l, w)
	}
	return strings.Join(lines, "\n")
}

// renderFollow draws the followed learner's screen under a bar that says whose it is, cropped
// to the instructor's window: theirs may be larger.
func (d *Dashboard) renderFollow(w, h int) []string {
	st := d.styles
	name, gone := d.following, true
	if i := slices.IndexFunc(d.learners, func(l Learner) bool { return l.Fingerprint == d.following }); i >= 0 {
		name, gone = termtext.Plain(d.learners[i].Name), !d.learners[i].Connected
	}
	bar := st.Title.Render("following "+name) + st.Muted.Render(" — ↑/↓ the next learner, esc to return")
	if gone {
		bar += st.Warn.Render(" · disconnected")
	}
	lines := []string{bar}
	if d.frame == "" {
		return append(lines, st.Muted.Render("Nothing drawn yet."))
	}
	// Each line is made to stand alone (a colour carried over from the line before, reset at
	// its end), so that cropping cannot cut a colour off or leak it past the crop.
	var pen termtext.Pen
	for _, l := range strings.Split(d.frame, "\n") {
		if len(lines) >= h {
			break
		}
		lines = append(lines, ansi.Truncate(pen.Line(termtext.Sanitize(l)), w, "")+termtext.Reset)
	}
	return lines
}

// renderTable draws the header, the learners' table, the notice or message input, and the
// help line, in h lines at most.
func (d *Dashboard) renderTable(w, h int) []string {
	st := d.styles
	connected, hands := 0, 0
	for _, l := range d.learners {
		if l.Connected {
			connected++
			if l.Hand {
				hands++
			}
		}
	}
	arrow := "▲"
	if d.reverse {
		arrow = "▼"
	}
	header := d.header(connected, hands, arrow, w)

	var foot []string
	switch {
	case d.composing:
		foot = append(foot, d.input.View())
	case d.notice != "":
		style := st.Status
		if d.noticeBad {
			style = st.Error
		}
		foot = append(foot, style.Render(termtext.Plain(d.notice)))
	}
	foot = append(foot, d.help.ShortHelpView(d.bindings()))

	lines := []string{header}
	rows := max(0, h-len(lines)-len(foot))
	if len(d.learners) == 0 {
		if rows > 0 {
			lines = append(lines, st.Muted.Render("No learner has come yet."))
		}
	} else {
		lines = append(lines, d.table(w, rows)...)
	}
	for len(lines) < h-len(foot) {
		lines = append(lines, "")
	}
	lines = append(lines, foot...)
	if len(lines) > h { // a terminal too short for all: the header and the help go first
		lines = lines[len(lines)-h:]
	}
	return lines
}

// header is the top line: the room at a glance, shortened for a narrow window.
func (d *Dashboard) header(connected, hands int, arrow string, w int) string {
	st := d.styles
	clock, sorted := d.at.Format("15:04"), fmt.Sprintf(" · by %s %s", d.sortBy, arrow)
	full := st.Title.Render("docktutor classroom") + st.Subtitle.Render(fmt.Sprintf(" · %s connected · %s raised · %s",
		human.Plural(connected, "learner", ""), human.Plural(hands, "hand", ""), clock))
	if ansi.StringWidth(full+sorted) <= w {
		return full + st.Muted.Render(sorted)
	}
	if ansi.StringWidth(full) <= w {
		return full
	}
	return st.Title.Render("classroom") + st.Subtitle.Render(fmt.Sprintf(" · %d on · %d ✋ · %s", connected, hands, clock))
}

// bindings are the keys that do something now.
func (d *Dashboard) bindings() []key.Binding {
	k := d.keys
	if d.composing {
		return []key.Binding{k.Send, k.Back}
	}
	if len(d.learners) == 0 {
		return []key.Binding{k.Message, k.Report, k.Quit}
	}
	return []key.Binding{k.Up, k.Down, k.Follow, k.Sort, k.Cycle, k.Message, k.Report, k.Quit}
}

// table draws the column titles and as many learners as rows allows (titles included),
// scrolled so that the selected one shows.
func (d *Dashboard) table(w, rows int) []string {
	if rows <= 0 {
		return nil
	}
	st := d.styles
	cells := make([][numColumns]string, len(d.learners))
	for i, l := range d.learners {
		cells[i] = d.cells(l)
	}
	cols, widths := layout(cells, d.sortBy, w-2) // two columns for the selection mark

	arrow := "▲"
	if d.reverse {
		arrow = "▼"
	}
	var title strings.Builder
	title.WriteString("  ")
	for i, c := range cols {
		t := c.String()
		if c == d.sortBy {
			t += " " + arrow
		}
		title.WriteString(pad(t, widths[i]))
		if i < len(cols)-1 {
			title.WriteString(gap)
		}
	}
	out := []string{st.PaneTitle.Render(title.String())}

	cur := d.cursor()
	first := max(0, cur-(rows-1)+1)
	for i := first; i < len(d.learners) && len(out) < rows; i++ {
		l := d.learners[i]
		var row strings.Builder
		if i == cur {
			row.WriteString(st.Selected.Render("▸ "))
		} else {
			row.WriteString("  ")
		}
		for j, c := range cols {
			cell := pad(cells[i][c], widths[j])
			switch {
			case !l.Connected:
				cell = st.Muted.Render(cell)
			case i == cur && c == colName:
				cell = st.Selected.Render(cell)
			case c == colBuild && !l.LastBuild.At.IsZero() && l.LastBuild.OK:
				cell = st.OK.Render(cell)
			case c == colBuild && !l.LastBuild.At.IsZero():
				cell = st.Error.Render(cell)
			case c == colHand && l.Hand:
				cell = st.Warn.Render(cell)
			}
			row.WriteString(cell)
			if j < len(cols)-1 {
				row.WriteString(gap)
			}
		}
		out = append(out, row.String())
	}
	return out
}

// cells is a learner's row as plain text, column by column.
func (d *Dashboard) cells(l Learner) [numColumns]string {
	var c [numColumns]string
	c[colName] = termtext.Plain(l.Name)
	c[colWhere] = cmp.Or(termtext.Plain(l.Where), "—")
	if !l.Connected && d.plain { // dimmed when there are colours
		c[colName] += " (gone)"
	}
	c[colBuild] = "—"
	if !l.LastBuild.At.IsZero() {
		mark := "✓"
		if !l.LastBuild.OK {
			mark = "✗"
		}
		c[colBuild] = mark + " " + ago(d.at.Sub(l.LastBuild.At)) + " ago"
	}
	c[colQueue] = "—"
	if l.QueuePlace > 0 {
		c[colQueue] = human.Ordinal(l.QueuePlace)
	}
	c[colIdle] = "—"
	if !l.LastInput.IsZero() {
		if idle := d.at.Sub(l.LastInput); idle < time.Minute {
			c[colIdle] = "now"
		} else {
			c[colIdle] = ago(idle)
		}
	}
	if l.Hand {
		c[colHand] = "✋"
	}
	c[colEngine] = cmp.Or(termtext.Plain(l.Engine), "—")
	return c
}

const gap = "  "

// Column widths: what each column wants at most and needs at least; drop is the order columns
// leave a narrow window in (name and where stay).
var (
	wantWidth = [numColumns]int{20, 36, 12, 7, 6, 6, 16}
	minWidth  = [numColumns]int{6, 8, 9, 5, 4, 4, 6}
	drop      = []column{colEngine, colQueue, colIdle, colBuild, colHand}
)

// layout chooses the columns that fit in w and their widths: each as wide as its widest cell
// or title (up to its want), the engine column dropped first when the window is narrow, then
// the others (a raised hand last); then where and name are narrowed.
func layout(rows [][numColumns]string, sortBy column, w int) ([]column, []int) {
	var width [numColumns]int
	for c := range numColumns {
		width[c] = ansi.StringWidth(c.String())
		if c == sortBy {
			width[c] += 2 // " ▲"
		}
		for _, r := range rows {
			width[c] = max(width[c], ansi.StringWidth(r[c]))
		}
		width[c] = min(width[c], wantWidth[c])
	}
	shown := [numColumns]bool{true, true, true, true, true, true, true}
	total := func(ws [numColumns]int) int {
		n, cols := 0, 0
		for c := range numColumns {
			if shown[c] {
				n += ws[c]
				cols++
			}
		}
		return n + len(gap)*max(0, cols-1)
	}
	mins := minWidth
	for c := range numColumns {
		mins[c] = min(mins[c], width[c])
	}
	for _, c := range drop {
		if total(mins) <= w {
			break
		}
		shown[c] = false
	}
	for _, c := range []column{colWhere, colName} {
		if over := total(width) - w; over > 0 {
			width[c] = max(mins[c], width[c]-over)
		}
	}
	var cols []column
	var widths []int
	for c := range numColumns {
		if shown[c] {
			cols, widths = append(cols, c), append(widths, width[c])
		}
	}
	return cols, widths
}

// pad cuts or pads s to exactly w columns.
func pad(s string, w int) string {
	s = fit(s, w)
	return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s)))
}

// fit cuts a line to w columns: the last guard against a line that would wrap.
func fit(s string, w int) string {
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// ago is a duration as a glance reads it: 45s, 4m, 2h, 3d.
func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", max(0, int(d.Seconds())))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}
