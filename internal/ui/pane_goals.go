package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/docktutor/docktutor/internal/exercise"
	"github.com/docktutor/docktutor/internal/termtext"
)

// exerciseState is what an exercise's panes share: the learner's file as last read, and what
// the latest check found out about it.
type exerciseState struct {
	content  string             // the workspace file as last read
	readErr  error              // it could not be read
	verdicts []exercise.Verdict // of the latest check, in goal order as they arrive
	report   *exercise.Report   // the latest finished check; nil before one
	checked  string             // the content the verdicts are about
	checkErr error              // the latest check could not run (no daemon…)
	checking bool
}

// verdict is the latest verdict on goal id.
func (s *exerciseState) verdict(id string) (exercise.Verdict, bool) {
	for _, v := range s.verdicts {
		if v.ID == id {
			return v, true
		}
	}
	return exercise.Verdict{}, false
}

// passed counts the goals met in the latest check.
func (s *exerciseState) passed() int {
	n := 0
	for _, v := range s.verdicts {
		if v.Passed {
			n++
		}
	}
	return n
}

// stale reports whether the file changed since its verdicts.
func (s *exerciseState) stale() bool { return s.report != nil && s.checked != s.content }

// goalsPane lists the exercise's goals, each ✓ or ✗ with what was measured against what was
// wanted, and where to look when it failed.
type goalsPane struct {
	c     *common
	ex    *exerciseScreen
	state *exerciseState
	scrolling
}

func newGoalsPane(c *common, ex *exerciseScreen) *goalsPane {
	return &goalsPane{c: c, ex: ex, state: ex.state, scrolling: newScrolling(c.keys)}
}

func (p *goalsPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	p.scrollKey(msg)
	return p, nil
}

// View draws the pane.
func (p *goalsPane) View(width, height int) string {
	st, s := p.c.styles, p.state
	w, h := paneInner(width, height)
	var b strings.Builder
	goals := p.ex.ex.Goals
	switch {
	case s.checkErr != nil:
		b.WriteString(st.Error.Render(wrapText("Not checked: "+termtext.PlainLines(s.checkErr.Error()), w)) + "\n\n")
	case s.report != nil && s.report.Error != "":
		b.WriteString(st.Error.Render(wrapText(termtext.PlainLines(s.report.Error), w)) + "\n\n")
	case s.report == nil && !s.checking && p.ex.ex.Predict() != nil:
		b.WriteString(st.Muted.Render(wrapText("Not graded yet: order the images, then press c to build them and grade your order.", w)) + "\n\n")
	case s.report == nil && !s.checking && p.ex.store != nil && p.ex.store.Exercise(p.ex.ex.ID).Total > 0:
		before := p.ex.store.Exercise(p.ex.ex.ID)
		what := fmt.Sprintf("Your best check so far met %d of %d goals", before.Passed, before.Total)
		if before.Solved {
			what = "You solved this one before"
		}
		b.WriteString(st.Muted.Render(wrapText(what+": press c to check your file again, e to edit it.", w)) + "\n\n")
	case s.report == nil && !s.checking:
		b.WriteString(st.Muted.Render(wrapText("Not checked yet: press c to build your file and check it, e to edit it.", w)) + "\n\n")
	}
	if s.report != nil && s.report.Passed && !s.stale() && !s.checking {
		b.WriteString(st.OK.Render(wrapText("Solved: every goal is met. A solution shows beside your file, to compare; esc goes back to the menu.", w)) + "\n\n")
	}
	if s.stale() && !s.checking {
		b.WriteString(st.Warn.Render(wrapText("Your file changed since this check: press c to check it again.", w)) + "\n\n")
	}
	for _, g := range goals {
		v, ok := s.verdict(g.ID)
		var mark, line string
		switch {
		case ok && v.Passed:
			mark, line = st.OK.Render("✓"), g.Title
		case ok:
			mark, line = st.Error.Render("✗"), g.Title
		case s.checking:
			mark, line = st.Muted.Render("…"), st.Muted.Render(g.Title)
		default:
			mark, line = st.Muted.Render("·"), g.Title
		}
		b.WriteString(mark + " " + indentWrap(line, w-2, 2) + "\n")
		if !ok {
			continue
		}
		detail := v.Measured
		if !v.Passed && v.Want != "" {
			detail += " — goal " + v.Want
		}
		if detail != "" {
			b.WriteString(st.Muted.Render("  "+indentWrap(termtext.PlainLines(detail), w-2, 2)) + "\n")
		}
		for _, why := range []string{v.Hint, v.Where} {
			if !v.Passed && why != "" {
				b.WriteString(st.Warn.Render("  "+indentWrap(termtext.PlainLines(stripMarkdown(why)), w-2, 2)) + "\n")
			}
		}
	}
	p.scroll.setText(strings.TrimRight(b.String(), "\n"), h)
	title := "Goals"
	switch {
	case s.checking:
		title = fmt.Sprintf("Goals · checking %s", p.ex.spinner())
	case s.report != nil && s.report.Passed && !s.stale():
		title = "Goals · ✓ all met"
	case s.report != nil:
		title = fmt.Sprintf("Goals · %d/%d met", s.passed(), len(goals))
	}
	return paneBox(fitTitle(title, p.scroll.hint(p.focused), width), p.scroll.view(), width, height, p.focused, st)
}

// indentWrap wraps s to width and indents the lines after the first by n spaces.
func indentWrap(s string, width, n int) string {
	return strings.ReplaceAll(wrapText(s, max(1, width)), "\n", "\n"+strings.Repeat(" ", n))
}
