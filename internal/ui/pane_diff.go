package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/docktutor/docktutor/internal/human"
	"github.com/docktutor/docktutor/internal/inside"
)

// diffDepth is how deep the image diff groups files: /usr/local/go, /usr/lib/gcc.
const diffDepth = 3

// diffRows is how many directories the diff lists for each image before summing up the rest.
const diffRows = 10

// diffPartner is the strategy the one on screen is compared with (d): the next measured
// strategy that builds the same app, in lesson order, else the closest one before it. In the
// multistage lesson go-single is compared with go-multistage, go-multistage with
// go-distroless. "" when no other strategy of the app is measured.
func (d *lessonData) diffPartner() string {
	cur := d.strategy()
	before := ""
	for i, s := range d.l.Strategies {
		if _, ok := d.results[s.ID]; !ok || s.App != cur.App || i == d.cur {
			continue
		}
		if i > d.cur {
			return s.ID
		}
		before = s.ID
	}
	return before
}

// toggleDiff shows or hides the image diff in place of the strategy's details. While it
// shows, the lesson screen gathers the inside reports it is made of (diffShown): the learner
// asked, so exporting the images is fine.
func (p *resultsPane) toggleDiff() {
	p.diff = !p.diff
	p.scroll.top()
}

// diffView is the image diff between the strategy on screen and its partner, or what is
// missing for it.
func (p *resultsPane) diffView(width int) string {
	st, d := p.c.styles, p.data
	a, b := d.strategy().ID, d.diffPartner()
	head := st.PaneTitle.Render(wrapText("What "+a+" ships that another image of its app does not", width))
	switch {
	case b == "":
		return head + "\n" + st.Muted.Render(wrapText("Build another strategy of the same app to compare with (tab, then b). d hides this.", width))
	case d.results[a].Image == "":
		return head + "\n" + st.Muted.Render(wrapText("Build "+a+" first (b). d hides this.", width))
	case p.c.eng == nil:
		return head + "\n" + st.Muted.Render(wrapText("Comparing looks inside both images, and that needs Docker.", width))
	}
	ea, eb := d.inside[a], d.inside[b]
	for _, e := range []struct {
		id string
		ev evidence[inside.Report]
	}{{a, ea}, {b, eb}} {
		switch {
		case e.ev.err != nil:
			return head + "\n" + st.Error.Render("✗ ") + wrapText("Could not look inside "+e.id+": "+oneLine(e.ev.err.Error())+" — r retries.", width-2)
		case !e.ev.ready():
			return head + "\n" + st.Muted.Render("  Looking inside "+e.id+"…")
		}
	}
	return RenderDiff(a, b, inside.Compare(ea.value, eb.value, diffDepth), st, width, diffRows)
}

// RenderDiff shows what image a ships that image b does not, grouped by directory with sizes,
// then the other way round, each side's rows directories at most.
func RenderDiff(a, b string, diff inside.Diff, st Styles, width, rows int) string {
	lines := onlyLines(a, b, diff.OnlyA, st, width, rows)
	lines = append(lines, "")
	lines = append(lines, onlyLines(b, a, diff.OnlyB, st, width, min(rows, 5))...)
	lines = append(lines, "", st.Muted.Render(wrapText("Files at the same path in both count as shared. From the inside reports (what docker export gives); d hides this.", width)))
	return strings.Join(lines, "\n")
}

// onlyLines is one side of the diff: a headline, then a row per directory.
func onlyLines(a, b string, o inside.Only, st Styles, width, rows int) []string {
	head := fmt.Sprintf("Only in %s, not in %s:", a, b)
	if o.Files == 0 {
		return []string{st.Subtitle.Render(wrapText(head, width)), st.OK.Render("  nothing")}
	}
	lines := []string{
		st.Subtitle.Render(wrapText(head, width)),
		st.Muted.Render(truncate(fmt.Sprintf("  %s, %s", human.Plural(o.Files, "file", ""), human.Size(o.Bytes)), width)),
	}
	const sizeW = 8
	showFiles := width >= 50
	for i, g := range o.Groups {
		if i == rows {
			rest := o.Groups[i:]
			var bytes int64
			for _, g := range rest {
				bytes += g.Bytes
			}
			lines = append(lines, st.Muted.Render(truncate(fmt.Sprintf("  %*s  … %s more", sizeW, human.Size(bytes), human.Plural(len(rest), "directory", "directories")), width)))
			break
		}
		row := fmt.Sprintf("  %*s  ", sizeW, human.Size(g.Bytes))
		files := ""
		if showFiles && g.Files > 1 {
			files = st.Muted.Render(fmt.Sprintf("  %s", human.Plural(g.Files, "file", "")))
		}
		room := width - len(row) - ansi.StringWidth(files)
		lines = append(lines, row+truncate(g.Dir, max(room, 8))+files)
	}
	return lines
}
