package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/docktutor/docktutor/internal/human"
	"github.com/docktutor/docktutor/internal/lesson"
)

// RenderPublished stands in for measurements while there are none (no daemon yet, nothing
// built yet): the size each of the lesson's base images has by its publisher's word, with the
// source and what kind of size it is, and a plain statement that none of it was measured
// here. It returns "" when the course states no figure for any of the lesson's base images.
// It is a pure function of its input.
func RenderPublished(l *lesson.Lesson, c *lesson.Course, st Styles, width int) string {
	type row struct {
		image string
		p     lesson.Published
		ok    bool
	}
	var rows []row
	seen := map[string]bool{}
	found, compressed := false, false
	var largest int64
	for _, s := range l.Strategies {
		img := s.BaseImage()
		if img == "" || img == "scratch" || seen[img] {
			continue
		}
		seen[img] = true
		p, ok := c.PublishedSize(img)
		rows = append(rows, row{img, p, ok})
		if ok {
			found = true
			compressed = compressed || p.Compressed
			largest = max(largest, p.Bytes)
		}
	}
	if !found {
		return ""
	}

	const valueW = 8 // "≈412.8MB"
	labelW := 0
	for _, r := range rows {
		labelW = max(labelW, len(r.image))
	}
	labelW = min(labelW, max(4, width-valueW-3))
	barW := max(4, width-labelW-valueW-2)

	heading := st.Subtitle.Render("Base images, as published") + st.Muted.Render(" · not measured here")
	if width < len("Base images, as published · not measured here") {
		heading = st.Subtitle.Render("Base images, as published") + "\n" + st.Muted.Render("not measured here")
	}
	lines := []string{heading}
	var sources []lesson.Published
	for _, r := range rows {
		label := fmt.Sprintf("%-*s", labelW, cutLeft(r.image, labelW))
		if !r.ok {
			lines = append(lines, label+" "+st.Muted.Render(fmt.Sprintf("%*s", valueW, "-")))
			continue
		}
		value := human.Size(r.p.Bytes)
		if r.p.Approx {
			value = "≈" + value
		}
		n := int(float64(r.p.Bytes) / float64(largest) * float64(barW))
		bar := strings.Repeat("█", n)
		if n == 0 {
			bar = "▏"
		}
		lines = append(lines, fmt.Sprintf("%s %*s %s", label, valueW, value, st.Bar.Render(bar)))
		if !containsSource(sources, r.p) {
			sources = append(sources, r.p)
		}
	}

	var notes []string
	for _, r := range rows {
		if !r.ok {
			notes = append(notes, fmt.Sprintf("-: the publisher of %s states no size.", r.image))
		}
	}
	if compressed {
		notes = append(notes, "Sizes are compressed downloads, as docker-library publishes them. Unpacked on disk, which is what docker images and docktutor measure, an image is larger.")
	}
	for _, r := range rows {
		if r.ok && r.p.Approx {
			notes = append(notes, fmt.Sprintf("≈ %s: a round figure from its publisher, of a kind the source does not state.", r.image))
		}
	}
	notes = append(notes, "Build a strategy to measure the real thing on your own daemon.")
	lines = append(lines, "")
	for _, n := range notes {
		lines = append(lines, st.Muted.Render(ansi.Wrap(n, width, "/")))
	}
	lines = append(lines, "", st.Muted.Render("Sources:"))
	for _, p := range sources {
		lines = append(lines, st.Muted.Render(ansi.Wrap(fmt.Sprintf("%s, %s: %s", p.Source, p.Date.Format("Jan 2006"), p.URL), width, "/")))
	}
	// A pane narrower than an image name, a size and "no figure" side by side cuts the rows.
	out := strings.Split(strings.Join(lines, "\n"), "\n")
	for i, l := range out {
		out[i] = truncate(l, width)
	}
	return strings.Join(out, "\n")
}

// cutLeft fits an image name into w columns by cutting its start, where names say least
// ("gcr.io/distroless/static-debian13" becomes "…static-debian13").
func cutLeft(image string, w int) string {
	r := []rune(image)
	if len(r) <= w {
		return image
	}
	return "…" + string(r[len(r)-(w-1):])
}

func containsSource(ps []lesson.Published, p lesson.Published) bool {
	for _, q := range ps {
		if q.Source == p.Source && q.URL == p.URL {
			return true
		}
	}
	return false
}
