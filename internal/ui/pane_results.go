package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/human"
	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/termtext"
)

// resultsPane is the size chart of every strategy measured so far, then the measurements, the
// output and what is inside the image of the strategy on screen.
type resultsPane struct {
	c    *common
	data *lessonData
	scrolling
	// diff shows the image diff (pane_diff.go) in place of the strategy's details (d).
	diff bool
}

func newResultsPane(c *common, data *lessonData) *resultsPane {
	return &resultsPane{c: c, data: data, scrolling: newScrolling(c.keys)}
}

// Update scrolls on the scroll keys, and goes back to the top for another strategy.
func (p *resultsPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	switch msg := msg.(type) {
	case strategyMsg:
		p.scroll.top()
	case tea.KeyPressMsg:
		p.scrollKey(msg)
	}
	return p, nil
}

// View draws the pane.
func (p *resultsPane) View(width, height int) string {
	w, h := paneInner(width, height)
	p.scroll.setText(p.body(w), h)
	return paneBox(fitTitle("Results", p.scroll.hint(p.focused), width), p.scroll.view(), width, height, p.focused, p.c.styles)
}

// body is the whole of the pane's text for a width.
func (p *resultsPane) body(width int) string {
	st, d := p.c.styles, p.data
	if p.diff {
		return p.diffView(width) // in place of the chart: an 80×24 screen has room for one
	}
	out := RenderChart(sizeBars(d), st, width)
	if len(d.results) == 0 && p.c.course != nil {
		// Nothing measured yet, here or in an earlier session: what the publishers say stands
		// in, labelled as such.
		if pub := RenderPublished(d.l, p.c.course, st, width); pub != "" {
			out = pub
		}
	}
	if len(d.measured) > 0 {
		out = st.Muted.Render(wrapText("(date): measured in an earlier session", width)) + "\n" + out
	}
	if detail := p.detail(width); detail != "" {
		out += "\n\n" + detail
	}
	return out
}

// sizeBars are the chart's bars: every strategy measured, in lesson order, coloured by the app
// it builds, each compared with the first measured strategy of its app (usually the
// single-stage one).
func sizeBars(d *lessonData) []Bar {
	var bars []Bar
	baseline := map[string]int64{}
	for _, s := range d.l.Strategies {
		r, ok := d.results[s.ID]
		if !ok {
			continue
		}
		note := ""
		if base, ok := baseline[s.App]; ok && base > 0 {
			note = sizeChange(r.SizeBytes, base)
		} else {
			baseline[s.App] = r.SizeBytes
		}
		if d.failed[s.ID] != "" {
			note = "failed"
		}
		if t, ok := d.measured[s.ID]; ok {
			note = strings.TrimSpace(note + " (" + t.Format("Jan 2") + ")")
		}
		bars = append(bars, Bar{Label: s.ID, Value: r.SizeBytes, Family: s.App, Note: note})
	}
	return bars
}

// sizeChange says how a size compares with a baseline: -74%, +35%, or from twice as large on,
// ×107 (a percentage of thousands reads as noise).
func sizeChange(size, base int64) string {
	if size >= 2*base {
		return "×" + strings.TrimSuffix(ratioText(size, base), "×")
	}
	return fmt.Sprintf("%+.0f%%", (float64(size)/float64(base)-1)*100)
}

// detail is what was measured of the strategy on screen.
func (p *resultsPane) detail(width int) string {
	st, d := p.c.styles, p.data
	s := d.strategy()
	var lines []string
	if r, ok := d.results[s.ID]; ok {
		lines = append(lines,
			st.Subtitle.Render(wrapText(s.ID+" on "+r.BaseImage, width)),
			st.Muted.Render(wrapText(fmt.Sprintf("%s · %s · built in %s · cached %d/%d · %s%s", human.Size(r.SizeBytes),
				human.Plural(r.Layers, "layer", ""), human.Duration(human.Seconds(r.BuildSeconds)), r.CachedSteps, r.Steps, r.Builder,
				contextSent(r.ContextBytes)), width)),
			commandText(p.c.typed("docker image inspect -f '{{.Size}}' "+r.Image), width, st))
		if r.StandIn {
			// Its own line: it must not be cut off the end of a long base image name.
			lines = append(lines, st.Warn.Render(wrapText("Built on a test stand-in for "+r.BaseImage+", not the published image.", width)))
		}
		mark := st.OK.Render("✓ output:")
		if !r.Passed {
			mark = st.Error.Render("✗ output:")
		}
		lines = append(lines, mark, commandText(p.c.typed(lab.DockerRun(r.Image, nil, s.Args)), width, st))
		for _, line := range strings.Split(strings.TrimSpace(r.RunOutput), "\n") {
			lines = append(lines, "  "+termtext.Line(line))
		}
		lines = append(lines, whyLines(r.Diagnosis, st, width)...)
		if ev, ok := d.inside[s.ID]; ok {
			lines = append(lines, "", insideView("Inside "+s.ID, ev, false, st, width))
		} else {
			how := "r looks (it exports the image, which takes seconds for a big one)."
			if p.c.eng == nil {
				how = "that needs Docker."
			}
			lines = append(lines, "", st.Subtitle.Render("Inside "+s.ID), st.Muted.Render(wrapText("Not looked at in this session: "+how, width)))
		}
		for _, c := range r.Checks {
			mark := st.OK.Render("✓ ")
			if !c.Passed {
				mark = st.Error.Render("✗ ")
			}
			lines = append(lines, "", mark+c.Title, commandText(p.c.typed(c.Command), width, st))
			for _, line := range strings.Split(strings.TrimSpace(c.Output), "\n") {
				lines = append(lines, "  "+truncate(termtext.Line(line), width-2))
			}
			lines = append(lines, whyLines(c.Diagnosis, st, width)...)
		}
		if r.Rebuild != nil {
			lines = append(lines, "", st.PaneTitle.Render("After the edit, the rebuild:"))
			lines = append(lines, stepComparison(r.StepResults, r.Rebuild.StepResults, st, width)...)
		}
		if base := d.baseView(r.BaseImage, st, width); base != "" {
			lines = append(lines, "", base)
		}
	}
	if e := d.failed[s.ID]; e != "" {
		lines = append(lines, st.Error.Render("✗ ")+wrapText(e, width-2))
	}
	return strings.Join(lines, "\n")
}

// stepComparison lines up a build's steps with the rebuild's after an edit: which were reused
// from the cache and which ran again, with their times.
func stepComparison(first, again []lab.StepResult, st Styles, width int) []string {
	var out []string
	for i, s := range again {
		was := ""
		if i < len(first) {
			was = st.Muted.Render(" (before: " + stepWord(first[i]) + ")")
		}
		mark := st.OK.Render("✓ reused ")
		switch {
		case s.Cached:
		case engine.IsFrom(s.Name):
			// Builders never report FROM as cached: it is where the build starts.
			mark = st.Muted.Render("· base   ")
		default:
			mark = st.Warn.Render("↻ re-ran ")
		}
		line := mark + truncate(termtext.Line(s.Name), max(10, width-34)) + " " + stepWord(s)
		out = append(out, truncate(line+was, width))
	}
	return out
}

func stepWord(s lab.StepResult) string {
	if s.Cached {
		return "cached"
	}
	return human.Duration(s.Duration)
}

// contextSent says how big the build context sent to the daemon was, for the measurements
// line: " · context 41.2kB sent". Results kept from before docktutor measured it have none.
func contextSent(n int64) string {
	if n <= 0 {
		return ""
	}
	return " · context " + human.Size(n) + " sent"
}
