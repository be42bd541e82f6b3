package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/human"
	"github.com/docktutor/docktutor/internal/inside"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/internal/termtext"
)

// evidenceView is what the learner's builds show for a question: computed from the results,
// the stage graphs, the image listings and the analyses gathered so far, and followed by the
// question's caption from the lesson. What is missing says how to get it; what failed says
// why, and that r retries.
func evidenceView(d *lessonData, qu *lesson.Question, st Styles, width int) string {
	out := evidenceBody(d, qu, st, width)
	if qu.Caption != "" {
		out += "\n" + st.Muted.Render(wrapText(stripMarkdown(qu.Caption), width))
	}
	return out
}

func evidenceBody(d *lessonData, qu *lesson.Question, st Styles, width int) string {
	res, built := d.results[qu.Strategy]
	need := func(id string) string {
		return st.Warn.Render(wrapText(fmt.Sprintf("Not measured yet: build %s (tab to it, then b), or press B to build everything.", id), width))
	}
	failed := func(what string, err error) string {
		return st.Error.Render("✗ ") + wrapText(what+": "+oneLine(err.Error())+" — r retries.", width-2)
	}
	switch qu.Evidence {
	case lesson.EvidenceStages:
		s, _ := d.l.Strategy(qu.Strategy)
		g := s.Graph
		if g == nil {
			return st.Muted.Render("No stage graph for this Dockerfile.")
		}
		lines := []string{fmt.Sprintf("%s — one file, %s:", s.DockerfilePath, human.Plural(len(g.Stages), "FROM line", ""))}
		for _, stg := range g.Stages {
			name := ""
			if stg.Name != "" {
				name = " AS " + stg.Name
			}
			mark := "not shipped"
			if stg.Index == g.Target {
				mark = "THE IMAGE"
			}
			lines = append(lines, truncate(fmt.Sprintf("  line %d: FROM %s%s  → %s", stg.Line, stg.Base, name, mark), width))
		}
		if built {
			lines = append(lines, fmt.Sprintf("One docker build ran all %d steps (%d from cache).", res.Steps, res.CachedSteps))
		}
		return strings.Join(lines, "\n")
	case lesson.EvidenceImages:
		if !built {
			return need(qu.Strategy)
		}
		ev, ok := d.images[qu.Strategy]
		cmd := commandText(d.c.typed(fmt.Sprintf("docker images --filter label=%s=%s --filter reference=%s", engine.LabelStrategy, qu.Strategy, repository(res.Image))), width, st)
		switch {
		case ev.err != nil:
			return cmd + "\n" + failed("Could not list the images", ev.err)
		case !ok || ev.pending:
			return cmd + "\n" + st.Muted.Render("    Counting images…")
		}
		count := fmt.Sprintf("    %s: %s", human.Plural(ev.value, "image", ""), res.Image)
		if lipgloss.Width(count) > width { // the tag on a line of its own, as `docker images` would wrap
			count = fmt.Sprintf("    %s:\n%s", human.Plural(ev.value, "image", ""), truncate("      "+res.Image, width))
		}
		return cmd + "\n" + count
	case lesson.EvidenceHistory:
		if !built {
			return need(qu.Strategy)
		}
		lines := []string{commandText(d.c.typed("docker history "+res.Image), width, st)}
		ev, ok := d.layers[qu.Strategy]
		switch {
		case ev.err != nil:
			return lines[0] + "\n" + failed("Could not read the history", ev.err)
		case !ok || ev.pending:
			return lines[0] + "\n" + st.Muted.Render("    Reading the history…")
		}
		for _, l := range ev.value {
			if l.Empty {
				continue
			}
			size, by := human.Size(l.Size), oneLine(termtext.Line(l.CreatedBy))
			if l.Size == 0 {
				size = "0B"
			}
			if strings.TrimSpace(by) == "" {
				by = st.Muted.Render("(imported, no instruction: the bottom of the base image)")
			}
			lines = append(lines, fmt.Sprintf("  %9s  %s", size, truncate(by, width-13)))
		}
		if in, ok := d.inside[qu.Strategy]; ok && in.ready() {
			lines = append(lines, insideLine("Compilers", in.value.Compilers, st))
		}
		return strings.Join(lines, "\n")
	case lesson.EvidenceFiles, lesson.EvidenceInside:
		ids := []string{qu.Strategy}
		if qu.Compare != "" {
			ids = append(ids, qu.Compare)
		}
		var parts []string
		for _, id := range ids {
			if d.results[id].Image == "" {
				parts = append(parts, need(id))
				continue
			}
			parts = append(parts, insideView(id, d.inside[id], qu.Evidence == lesson.EvidenceFiles, st, width))
		}
		return strings.Join(parts, "\n\n")
	case lesson.EvidenceBase:
		var parts []string
		for _, id := range []string{qu.Strategy, qu.Compare} {
			if s, ok := d.l.Strategy(id); ok {
				parts = append(parts, baseEvidence(d, s.BaseImage(), st, width))
			}
		}
		return strings.Join(parts, "\n\n")
	case lesson.EvidenceSizes:
		bars := sizeBars(d)
		if len(bars) == 0 {
			return need(qu.Strategy)
		}
		out := RenderChart(bars, st, width)
		a, okA := d.results[qu.Strategy]
		b, okB := d.results[qu.Compare]
		if okA && okB && a.SizeBytes > 0 && b.SizeBytes > a.SizeBytes {
			out += "\n" + wrapText(fmt.Sprintf("%s is %s the size of %s: %s more.",
				qu.Compare, ratioText(b.SizeBytes, a.SizeBytes), qu.Strategy, human.Size(b.SizeBytes-a.SizeBytes)), width)
		}
		return out
	}
	return ""
}

// ratioText is how many times larger big is than small: "107×", or "1.4×" below ten.
func ratioText(big, small int64) string {
	r := float64(big) / float64(small)
	if r < 10 {
		return fmt.Sprintf("%.1f×", r)
	}
	return fmt.Sprintf("%.0f×", r)
}

// insideView says what an image holds, or that the analysis is under way (or not started: the
// lesson screen starts it as soon as a pane shows it) or failed: file count and weight, shell,
// compilers, package managers, and with files the biggest top-level folders.
func insideView(title string, ev evidence[inside.Report], files bool, st Styles, width int) string {
	switch {
	case ev.err != nil:
		return st.Subtitle.Render(title) + "\n" + st.Error.Render("✗ ") +
			wrapText("Could not look inside: "+oneLine(ev.err.Error())+" — r retries.", width-2)
	case !ev.ready() || ev.value.Files == 0:
		return st.Subtitle.Render(title) + "\n" + st.Muted.Render("  Looking inside…")
	}
	rep := ev.value
	lines := []string{st.Subtitle.Render(title) + st.Muted.Render(fmt.Sprintf(" — %d files, %s", rep.Files, human.Size(rep.Bytes)))}
	lines = append(lines,
		insideLine("Shell", rep.Shells, st),
		insideLine("Compilers", rep.Compilers, st),
		insideLine("Package managers", rep.PackageManagers, st))
	if files {
		for i, u := range rep.Top {
			if i == 5 {
				break
			}
			lines = append(lines, truncate(fmt.Sprintf("  %9s  %s (%s)", human.Size(u.Bytes), u.Path, human.Plural(u.Files, "file", "")), width))
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
