package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/inside"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/termtext"
)

// qaModel is the question side of a lesson with questions: a list on the left, and on the right
// the selected question, the learner's answer, the explanation and the evidence, computed from
// the learner's own builds. Row 0 of the list is the lesson's introduction.
type qaModel struct {
	cursor   int            // 0: introduction; i: question i-1
	answers  map[string]int // question id → chosen choice (1-based)
	revealed map[string]bool
	scroll   int
}

func newQA(l *lesson.Lesson, answers map[string]int) *qaModel {
	if answers == nil {
		answers = map[string]int{}
	}
	return &qaModel{answers: answers, revealed: map[string]bool{}}
}

func (q *qaModel) question(l *lesson.Lesson) *lesson.Question {
	if q.cursor == 0 {
		return nil
	}
	return l.Questions[q.cursor-1]
}

// listView is the left pane: the questions with a mark for each answered one. It also says on
// which line the selected row starts, so a short pane can scroll to it.
func (q *qaModel) listView(l *lesson.Lesson, st Styles, width int) (string, int) {
	rows := []string{q.row(0, "About this lesson", "  ", st, width)}
	cursorLine := 0
	for i, qu := range l.Questions {
		mark := "  "
		if c, ok := q.answers[qu.ID]; ok {
			if qu.Correct(c) {
				mark = st.OK.Render("✓ ")
			} else {
				mark = st.Error.Render("✗ ")
			}
		}
		if i+1 == q.cursor {
			cursorLine = strings.Count(strings.Join(rows, "\n"), "\n") + 1
		}
		rows = append(rows, q.row(i+1, fmt.Sprintf("%d. %s", i+1, stripMarkdown(qu.Question)), mark, st, width))
	}
	answered := 0
	for _, qu := range l.Questions {
		if _, ok := q.answers[qu.ID]; ok {
			answered++
		}
	}
	rows = append(rows, "", st.Muted.Render(wrapText(fmt.Sprintf("%d of %d answered · ↑/↓ choose · 1–%d answer · e evidence", answered, len(l.Questions), maxChoices(l)), width)))
	return strings.Join(rows, "\n"), cursorLine
}

func (q *qaModel) row(i int, text, mark string, st Styles, width int) string {
	lines := strings.Split(wrapText(text, width-4), "\n")
	for j := range lines {
		if j > 0 {
			lines[j] = "    " + lines[j]
		}
	}
	text = strings.Join(lines, "\n")
	if i == q.cursor {
		return st.Accent.Render("▸ ") + mark + st.Selected.Render(text)
	}
	return "  " + mark + text
}

func maxChoices(l *lesson.Lesson) int {
	n := 2
	for _, q := range l.Questions {
		n = maxInt(n, len(q.Choices))
	}
	return n
}

// handleKey moves through the list, answers and reveals. It reports whether it used the key.
func (m *lessonModel) qaKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	q, k := m.qa, m.c.keys
	switch {
	case key.Matches(msg, k.Up) && m.focus == focusText:
		q.cursor = maxInt(0, q.cursor-1)
		q.scroll = 0
		return nil, true
	case key.Matches(msg, k.Down) && m.focus == focusText:
		q.cursor = minInt(len(m.l.Questions), q.cursor+1)
		q.scroll = 0
		return nil, true
	case key.Matches(msg, k.Reveal):
		if qu := q.question(m.l); qu != nil {
			q.revealed[qu.ID] = true
			return nil, true
		}
	}
	if s := msg.String(); len(s) == 1 && s[0] >= '1' && s[0] <= '9' {
		qu := q.question(m.l)
		if c := int(s[0] - '0'); qu != nil && c <= len(qu.Choices) {
			q.answers[qu.ID] = c
			q.revealed[qu.ID] = true
			if m.progress != nil {
				m.progress.RecordAnswer(m.l.ID, qu.ID, c, qu.Correct(c))
			}
			return saveCmd(m.progress, nil), true
		}
	}
	return nil, false
}

func strategyIDs(l *lesson.Lesson) []string {
	out := make([]string, len(l.Strategies))
	for i, s := range l.Strategies {
		out[i] = s.ID
	}
	return out
}

func questionIDs(l *lesson.Lesson) []string {
	out := make([]string, len(l.Questions))
	for i, q := range l.Questions {
		out[i] = q.ID
	}
	return out
}

// answerView is the right pane: the question, its choices, and once answered (or revealed) the
// explanation and the evidence from the learner's own builds.
func (m *lessonModel) answerView(width int) string {
	st, q := m.c.styles, m.qa
	qu := q.question(m.l)
	if qu == nil {
		return m.text.View()
	}
	var b strings.Builder
	b.WriteString(st.Title.Render(wrapText(stripMarkdown(qu.Question), width)) + "\n\n")
	chosen, answered := q.answers[qu.ID]
	for i, c := range qu.Choices {
		n := i + 1
		line := fmt.Sprintf("%d) %s", n, stripMarkdown(c))
		switch {
		case (answered || q.revealed[qu.ID]) && qu.Correct(n):
			line = st.OK.Render("✓ " + line)
		case answered && n == chosen:
			line = st.Error.Render("✗ " + line)
		default:
			line = "  " + line
		}
		b.WriteString(wrapText(line, width) + "\n")
	}
	if !answered && !q.revealed[qu.ID] {
		b.WriteString("\n" + st.Muted.Render(wrapText(fmt.Sprintf("Press 1–%d to answer; the explanation and the evidence from your own builds follow. e shows them without answering.", len(qu.Choices)), width)))
		return b.String()
	}
	if answered {
		if qu.Correct(chosen) {
			b.WriteString("\n" + st.OK.Render("Right.") + "\n")
		} else {
			b.WriteString("\n" + st.Error.Render(fmt.Sprintf("Not quite: the answer is %d.", qu.Answer)) + "\n")
		}
	} else {
		b.WriteString("\n")
	}
	b.WriteString(wrapText(stripMarkdown(qu.Explain), width) + "\n\n")
	b.WriteString(st.PaneTitle.Render("Evidence") + st.Muted.Render(" — from your build of "+qu.Strategy) + "\n")
	b.WriteString(m.evidence(qu, width))
	return b.String()
}

// evidence renders what the learner's builds show for a question. It is computed from the
// results, graphs, image listings and file analyses gathered so far; what is missing says how
// to get it.
func (m *lessonModel) evidence(qu *lesson.Question, width int) string {
	st := m.c.styles
	res, built := m.results[qu.Strategy]
	need := func(id string) string {
		return st.Warn.Render(wrapText(fmt.Sprintf("Not measured yet: build %s (tab to it, then b), or press B to build everything.", id), width))
	}
	switch qu.Evidence {
	case lesson.EvidenceStages:
		g := m.graphs[qu.Strategy]
		if g == nil {
			return st.Muted.Render("No stage graph for this Dockerfile.")
		}
		s, _ := m.l.Strategy(qu.Strategy)
		lines := []string{fmt.Sprintf("%s — one file, %d FROM lines:", s.DockerfilePath, len(g.Stages))}
		for _, stg := range g.Stages {
			name := ""
			if stg.Name != "" {
				name = " AS " + stg.Name
			}
			mark := "discarded after the build"
			if stg.Index == g.Target {
				mark = "THE IMAGE"
			}
			lines = append(lines, fmt.Sprintf("  line %d: FROM %s%s  → %s", stg.Line, stg.Base, name, mark))
		}
		if built {
			lines = append(lines, fmt.Sprintf("One docker build ran all %d steps (%d from cache).", res.Steps, res.CachedSteps))
		}
		return strings.Join(lines, "\n")
	case lesson.EvidenceImages:
		if !built {
			return need(qu.Strategy)
		}
		n, ok := m.imageCount[qu.Strategy]
		if !ok {
			return st.Muted.Render("Counting images…")
		}
		return fmt.Sprintf("$ docker images --filter label=%s=%s\n  %d image tagged: %s\n%s", engine.LabelStrategy, qu.Strategy, n, res.Image,
			st.Muted.Render("The build stage ran, but no tag points at it: only the last stage became an image."))
	case lesson.EvidenceHistory:
		if !built {
			return need(qu.Strategy)
		}
		lines := []string{fmt.Sprintf("$ docker history %s", res.Image)}
		for _, l := range res.Info.Layers {
			if l.Empty {
				continue
			}
			lines = append(lines, fmt.Sprintf("  %9s  %s", FormatSize(l.Size), truncate(oneLine(termtext.Line(l.CreatedBy)), width-14)))
		}
		if rep, ok := m.inside[qu.Strategy]; ok {
			lines = append(lines, insideLine("Compilers", rep.Compilers, st))
		}
		return strings.Join(lines, "\n")
	case lesson.EvidenceFiles, lesson.EvidenceInside:
		ids := []string{qu.Strategy}
		if qu.Compare != "" {
			ids = append(ids, qu.Compare)
		}
		var parts []string
		for _, id := range ids {
			if _, ok := m.results[id]; !ok {
				parts = append(parts, need(id))
				continue
			}
			rep, ok := m.inside[id]
			if !ok {
				parts = append(parts, st.Muted.Render("Looking inside "+id+"…"))
				continue
			}
			parts = append(parts, insideSummary(id, rep, qu.Evidence == lesson.EvidenceFiles, st, width))
		}
		return strings.Join(parts, "\n\n")
	case lesson.EvidenceSizes:
		var bars []Bar
		for _, s := range m.l.Strategies {
			if r, ok := m.results[s.ID]; ok {
				bars = append(bars, Bar{Label: s.ID, Value: r.SizeBytes, Family: s.ID})
			}
		}
		if len(bars) == 0 {
			return need(qu.Strategy)
		}
		out := RenderChart(bars, st, width)
		if a, ok := m.results[qu.Strategy]; ok && qu.Compare != "" && a.SizeBytes > 0 {
			if b, ok := m.results[qu.Compare]; ok {
				out += "\n" + fmt.Sprintf("%s is %.0f× the size of %s: %s more to push, pull, store and scan.",
					qu.Compare, float64(b.SizeBytes)/float64(a.SizeBytes), qu.Strategy, FormatSize(b.SizeBytes-a.SizeBytes))
			}
		}
		return out
	}
	return ""
}

// insideSummary says what an image holds: file count and weight, shell, compilers, package
// managers, and with files the biggest top-level folders.
func insideSummary(id string, rep inside.Report, files bool, st Styles, width int) string {
	lines := []string{st.Subtitle.Render(id) + st.Muted.Render(fmt.Sprintf(" — %d files, %s", rep.Files, FormatSize(rep.Bytes)))}
	lines = append(lines,
		insideLine("Shell", rep.Shells, st),
		insideLine("Compilers", rep.Compilers, st),
		insideLine("Package managers", rep.PackageManagers, st))
	if files {
		for i, u := range rep.Top {
			if i == 5 {
				break
			}
			lines = append(lines, fmt.Sprintf("  %9s  %s (%d files)", FormatSize(u.Bytes), u.Path, u.Files))
		}
	}
	return strings.Join(lines, "\n")
}

func insideLine(label string, tools []inside.Tool, st Styles) string {
	if len(tools) == 0 {
		return "  " + label + ": " + st.OK.Render("none")
	}
	// Names only: the paths are in `docker run --entrypoint` reach, and a pane is narrow.
	names := make([]string, len(tools))
	for i, t := range tools {
		names[i] = t.Name
	}
	return "  " + label + ": " + st.Warn.Render(strings.Join(names, ", "))
}

// insideMsg carries what Contents found in a strategy's image.
type insideMsg struct {
	strategy string
	imageID  string
	report   inside.Report
	err      error
}

// imagesMsg carries how many images carry a strategy's label.
type imagesMsg struct {
	strategy string
	count    int
}

// managedLister is the part of a real engine that can list docktutor's images; the fake may
// not have it, and then the count is taken from the build itself.
type managedLister interface {
	ListManaged(ctx context.Context) (engine.Managed, error)
}

// lookInsideCmd analyses a freshly built image and counts the images its strategy tagged.
func lookInsideCmd(c *common, strategy, image, imageID string) tea.Cmd {
	eng, parent := c.eng, c.workCtx
	// Counted now, while the model owns the program, so quitting waits for the analysis's
	// container to be removed.
	c.work.Add(1)
	contents := func() tea.Msg {
		defer c.work.Done()
		ctx, cancel := context.WithTimeout(parent, 2*time.Minute)
		defer cancel()
		rep, err := eng.Contents(ctx, image)
		return insideMsg{strategy: strategy, imageID: imageID, report: rep, err: err}
	}
	count := func() tea.Msg {
		lister, ok := eng.(managedLister)
		if !ok {
			return imagesMsg{strategy: strategy, count: 1}
		}
		ctx, cancel := context.WithTimeout(parent, 30*time.Second)
		defer cancel()
		all, err := lister.ListManaged(ctx)
		if err != nil {
			return nil
		}
		// Count the images of this learner's lesson repository that carry the strategy's label:
		// other learners' namespaces and other lessons do not count.
		repo, _, _ := strings.Cut(image, ":")
		n := 0
		for _, img := range all.Images {
			if img.Labels[engine.LabelStrategy] != strategy {
				continue
			}
			for _, t := range img.Tags {
				if strings.HasPrefix(t, repo+":") {
					n++
					break
				}
			}
		}
		return imagesMsg{strategy: strategy, count: n}
	}
	return tea.Batch(contents, count)
}
