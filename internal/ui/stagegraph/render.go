// Package stagegraph draws a Dockerfile's stage graph for the terminal: one box per stage with
// its name, base image and key instructions, arrows for what crosses between stages, THE IMAGE
// marked and the stages the target does not need dimmed. During a build, a Tracker turns the
// engine's events into per-stage states that the drawing shows with a glyph and a colour.
// Drawing is a pure function of its inputs, tested with golden files, with no Bubble Tea in
// sight; DOT and Mermaid give the same graph to people who want a picture in their docs.
package stagegraph

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/docktutor/docktutor/internal/dockerfile"
)

// Layout chooses how stages are drawn.
type Layout int

// The layouts.
const (
	// LayoutAuto draws boxes when they fit (see Options.Height), one line per stage when not.
	LayoutAuto Layout = iota
	// LayoutBoxes draws one box per stage, top to bottom, arrows between them.
	LayoutBoxes
	// LayoutCompact draws one line per stage, for big Dockerfiles and short panes.
	LayoutCompact
)

// String names the layout.
func (l Layout) String() string {
	switch l {
	case LayoutBoxes:
		return "boxes"
	case LayoutCompact:
		return "compact"
	}
	return "auto"
}

// MinWidth is the narrowest drawing: narrower widths are drawn at MinWidth.
const MinWidth = 30

// maxBoxWidth keeps boxes readable on wide terminals.
const maxBoxWidth = 88

// autoCompactStages is how many stages LayoutAuto draws as boxes when the height is unknown.
const autoCompactStages = 12

// defaultInstructions is how many instructions a box lists when the height is unknown.
const defaultInstructions = 3

// Options tune a drawing.
type Options struct {
	// Width is the number of columns available (MinWidth at least).
	Width int
	// Height is the number of rows available, 0 when unknown. LayoutAuto lists as many
	// instructions in each box as fit, then draws one line per stage when not even one per
	// box does; a caller that still gets more lines than it has scrolls (Drawing.StageLines
	// says where each stage is).
	Height int
	// Layout forces a layout; LayoutAuto picks one.
	Layout Layout
	// Instructions is the most instructions a box lists before it sums up the rest in a
	// "… N more" line: 0 means no limit but the height (3 when the height is unknown, or the
	// layout is LayoutBoxes), negative none.
	Instructions int
}

// Drawing is a rendered stage graph.
type Drawing struct {
	// Text is the drawing, lines separated by "\n", without a final newline.
	Text string
	// Layout is the layout used.
	Layout Layout
	// StageLines[i] is the 0-based line of Text where stage i starts, to scroll to it.
	StageLines []int
}

// Render draws g at the given width, choosing the layout itself. states holds each stage's
// state during or after a build; nil draws the graph without states.
func Render(g *dockerfile.Graph, states map[int]State, st Styles, width int) string {
	return Draw(g, states, st, Options{Width: width}).Text
}

// Draw draws g as opts asks. states holds each stage's state during or after a build (a
// missing stage is Waiting); nil draws the graph without states.
func Draw(g *dockerfile.Graph, states map[int]State, st Styles, opts Options) Drawing {
	r := renderer{g: g, states: states, st: st, width: max(opts.Width, MinWidth)}
	if g == nil || len(g.Stages) == 0 {
		return Drawing{Text: "", Layout: opts.Layout}
	}
	limit := opts.Instructions
	if limit == 0 && (opts.Height <= 0 || opts.Layout == LayoutBoxes) {
		limit = defaultInstructions
	}
	switch opts.Layout {
	case LayoutBoxes:
		return r.boxes(r.uniform(limit))
	case LayoutCompact:
		return r.compact()
	}
	if opts.Height <= 0 {
		if len(g.Stages) > autoCompactStages {
			return r.compact()
		}
		return r.boxes(r.uniform(limit))
	}
	if len(g.Stages)*3 > opts.Height { // a box takes three lines at the least
		return r.compact()
	}
	if d, ok := r.fitBoxes(limit, opts.Height); ok {
		return d
	}
	return r.compact()
}

// fitBoxes draws the boxes in height lines with as many instructions listed as fit, at most
// limit per box (0: no limit). Every box gets the same room; the lines left over go to boxes
// that still hide instructions, THE IMAGE first, then in file order. It fails when not even
// one line per box for its instructions fits.
func (r *renderer) fitBoxes(limit, height int) (Drawing, bool) {
	if limit == 0 {
		for i := range r.g.Stages {
			limit = max(limit, len(r.g.Stages[i].Instructions))
		}
	}
	room := r.uniform(limit)
	d := r.boxes(room)
	lines := lineCount(d.Text)
	if lines <= height || limit < 0 {
		return d, lines <= height
	}
	// Only the listings change with the room; everything else takes the same lines.
	fixed := lines - r.listingLines(room)
	n := limit - 1
	for n >= 0 && fixed+r.listingLines(r.uniform(n)) > height {
		n--
	}
	if n < 0 {
		return Drawing{}, false
	}
	room = r.uniform(n)
	spare := height - fixed - r.listingLines(room)
	for _, i := range r.fillOrder() {
		if spare == 0 {
			break
		}
		s := &r.g.Stages[i]
		if listingLines(s, room[i]+1) > listingLines(s, room[i]) {
			room[i]++
			spare--
		}
	}
	return r.boxes(room), true
}

// fillOrder is the order in which boxes get lines left over: THE IMAGE, then file order.
func (r *renderer) fillOrder() []int {
	order := []int{r.g.Target}
	for i := range r.g.Stages {
		if i != r.g.Target {
			order = append(order, i)
		}
	}
	return order
}

// uniform gives every box room for n instructions.
func (r *renderer) uniform(n int) []int {
	room := make([]int, len(r.g.Stages))
	for i := range room {
		room[i] = n
	}
	return room
}

// listingLines is how many lines the boxes' listings take with that room.
func (r *renderer) listingLines(room []int) int {
	n := 0
	for i := range r.g.Stages {
		n += listingLines(&r.g.Stages[i], room[i])
	}
	return n
}

// listing is what a box lists under FROM with room for n instructions: all of them when
// they take at most n+1 lines, else the n key ones and how many more there are, which takes
// the (n+1)th line. A "… 1 more" line would take the line the instruction could have, so it
// never appears. Negative room lists nothing.
func listing(s *dockerfile.Stage, n int) (shown []dockerfile.Instruction, more int) {
	switch {
	case n < 0:
		return nil, 0
	case len(s.Instructions) <= n+1:
		return s.Instructions, 0
	}
	shown = s.KeyInstructions(n)
	return shown, len(s.Instructions) - len(shown)
}

// listingLines is how many lines listing(s, n) takes.
func listingLines(s *dockerfile.Stage, n int) int {
	shown, more := listing(s, n)
	if more > 0 {
		return len(shown) + 1
	}
	return len(shown)
}

type renderer struct {
	g      *dockerfile.Graph
	states map[int]State
	st     Styles
	width  int
}

// state returns the state of stage i and whether states are shown at all.
func (r *renderer) state(i int) (State, bool) {
	if r.states == nil {
		return Waiting, false
	}
	s := r.states[i]
	if s < 0 || s >= numStates {
		s = Waiting
	}
	return s, true
}

// tag is what a stage is to the build: THE IMAGE, used but not shipped (it stays in the
// builder's cache), or not built.
func (r *renderer) tag(i int) (string, lipgloss.Style) {
	s := r.g.Stages[i]
	switch {
	case i == r.g.Target:
		return "THE IMAGE", r.st.ImageTag
	case s.Needed:
		return "not shipped", r.st.Tag
	}
	if state, ok := r.state(i); ok && state != Waiting && state != Skipped {
		return "not needed", r.st.Dim // the legacy builder builds it anyway
	}
	return "not built", r.st.Dim
}

// textStyle is the style of stage i's text: dim when the target does not need it.
func (r *renderer) textStyle(i int, normal lipgloss.Style) lipgloss.Style {
	if r.g.Stages[i].Needed {
		return normal
	}
	return r.st.Dim
}

func (r *renderer) boxWidth() int { return min(r.width, maxBoxWidth) }

// boxes draws one box per stage with the arrows into it above it, box i listing what
// listing(stage, room[i]) gives.
func (r *renderer) boxes(room []int) Drawing {
	var rows []string
	d := Drawing{Layout: LayoutBoxes, StageLines: make([]int, len(r.g.Stages))}
	for i := range r.g.Stages {
		// The arrows touch the box above only when it is one of their sources; otherwise a
		// blank line keeps them from seeming to come from it.
		in := r.arrowsInto(i)
		if i > 0 && (len(in) == 0 || !r.hasEdge(i-1, i)) {
			rows = append(rows, "")
		}
		rows = append(rows, in...)
		d.StageLines[i] = len(rows)
		rows = append(rows, r.box(i, room[i])...)
	}
	rows = append(rows, "")
	rows = append(rows, r.note()...)
	d.Text = strings.Join(rows, "\n")
	return d
}

// box draws stage i with room for n instructions.
func (r *renderer) box(i, n int) []string {
	s := &r.g.Stages[i]
	bw := r.boxWidth()
	inner := bw - 2
	border, bstyle := r.st.BoxBorder, r.st.Border
	switch {
	case i == r.g.Target:
		border, bstyle = r.st.ImageBoxBorder, r.st.ImageBorder
	case !s.Needed:
		bstyle = r.st.DimBorder
	}

	rows := []string{r.titleRow(i, border, bstyle, bw)}
	body := []line{r.fromLine(i)}
	shown, more := listing(s, n)
	for _, in := range shown {
		body = append(body, r.instructionLine(i, in.Keyword, in.Text))
	}
	if more > 0 { // never 1: see listing
		body = append(body, line{{fmt.Sprintf("… %d more instructions", more), r.textStyle(i, r.st.More)}})
	}
	side := func(b string) string { return bstyle.Render(b) }
	for _, l := range body {
		l = l.fit(inner-2).pad(inner-2, lipgloss.NewStyle())
		rows = append(rows, side(border.Left)+" "+l.render()+" "+side(border.Right))
	}
	rows = append(rows, side(border.BottomLeft+strings.Repeat(border.Bottom, inner)+border.BottomRight))
	return rows
}

// titleRow is a box's top border with the stage's state, name and tag written into it:
// ╭─ ✓ build · done ───────── not shipped ─╮. What does not fit goes, state word first.
func (r *renderer) titleRow(i int, border lipgloss.Border, bstyle lipgloss.Style, bw int) string {
	s := &r.g.Stages[i]
	h := border.Top
	tag, tagStyle := r.tag(i)
	var glyph, word line
	if state, ok := r.state(i); ok {
		ss := r.st.States[state]
		glyph = line{{ss.Glyph, ss.Style}, {" ", lipgloss.NewStyle()}}
		word = line{{" · ", r.textStyle(i, r.st.Tag)}, {ss.Word, ss.Style}}
	}
	name := line{text(s.Label(), r.textStyle(i, r.st.Name))}
	right := line{{tag, tagStyle}}
	// Fixed parts: "╭─ " + left + " " + fill(≥1) + " " + right + " ─╮".
	fixed := 3 + 1 + 1 + 1 + 2 + right.width()
	left := append(append(append(line{}, glyph...), name...), word...)
	if fixed+left.width() > bw {
		left = append(append(line{}, glyph...), name...)
	}
	if fixed+left.width() > bw {
		left = left.fit(max(bw-fixed, glyph.width()+2))
	}
	if fixed+left.width() > bw { // too narrow even for the tag: drop it
		right = nil
		fixed = 3 + 1 + 1 + 1
		left = left.fit(bw - fixed)
	}
	fill := bw - fixed - left.width()
	var b strings.Builder
	b.WriteString(bstyle.Render(border.TopLeft + h + " "))
	b.WriteString(left.render())
	b.WriteString(bstyle.Render(" " + strings.Repeat(h, max(fill, 0))))
	if right != nil {
		b.WriteString(bstyle.Render(" "))
		b.WriteString(right.render())
		b.WriteString(bstyle.Render(" " + h + border.TopRight))
	} else {
		b.WriteString(bstyle.Render(border.TopRight))
	}
	return b.String()
}

// fromLine is "FROM <base>" for stage i.
func (r *renderer) fromLine(i int) line {
	s := &r.g.Stages[i]
	return line{
		{"FROM ", r.textStyle(i, r.st.Keyword)},
		text(s.Base, r.textStyle(i, r.st.Text)),
	}
}

func (r *renderer) instructionLine(i int, keyword, txt string) line {
	rest := strings.TrimPrefix(txt, keyword)
	return line{
		{keyword, r.textStyle(i, r.st.Keyword)},
		text(rest, r.textStyle(i, r.st.Text)),
	}
}

// arrowsInto draws what flows into stage i from other stages and images, source first so that
// it survives narrow widths:
//
//	│ from build: copies /out/hello
//	▼
func (r *renderer) arrowsInto(i int) []string {
	var labels []string
	incoming := r.g.Incoming(i)
	// Edges from the box just above come first, next to it.
	rank := func(e dockerfile.Edge) int {
		if e.From == i-1 {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(incoming, func(a, b dockerfile.Edge) int { return cmp.Compare(rank(a), rank(b)) })
	for _, e := range incoming {
		from := r.g.Stages[e.From].Label()
		switch e.Kind {
		case dockerfile.EdgeBase:
			labels = append(labels, "FROM "+from+": starts with all of it")
		case dockerfile.EdgeCopy:
			labels = append(labels, "from "+from+": copies "+paths(e.Paths))
		case dockerfile.EdgeMount:
			labels = append(labels, "from "+from+": mounts "+paths(e.Paths))
		}
	}
	for _, e := range r.g.ExternalEdges {
		if e.To != i {
			continue
		}
		verb := ": copies "
		if e.Kind == dockerfile.EdgeMount {
			verb = ": mounts "
		}
		labels = append(labels, "from image "+e.Image+verb+paths(e.Paths))
	}
	if len(labels) == 0 {
		return nil
	}
	arrow := r.textStyle(i, r.st.Arrow)
	label := r.textStyle(i, r.st.EdgeLabel)
	var rows []string
	for _, l := range labels {
		row := line{{"  │ ", arrow}, text(l, label)}
		rows = append(rows, row.fit(r.width).render())
	}
	return append(rows, line{{"  ▼", arrow}}.render())
}

// hasEdge reports whether stage to uses stage from in any way.
func (r *renderer) hasEdge(from, to int) bool {
	for _, e := range r.g.Edges {
		if e.From == from && e.To == to {
			return true
		}
	}
	return false
}

// paths lists what an edge carries; a mount of a whole stage has none.
func paths(p []string) string {
	if len(p) == 0 {
		return "/"
	}
	return strings.Join(p, ", ")
}

// note explains the marks, wrapped to the width.
func (r *renderer) note() []string {
	unneeded := 0
	for _, s := range r.g.Stages {
		if !s.Needed {
			unneeded++
		}
	}
	var msg string
	switch {
	case len(r.g.Stages) == 1:
		msg = "One stage: everything it holds ships in THE IMAGE."
	case unneeded == 0:
		msg = "Only THE IMAGE ships. The other stages are built and used; they stay in the builder's cache, not in the image."
	default:
		msg = "Only THE IMAGE ships. The stages it needs are built and used, and stay in the builder's cache; the others are not built."
	}
	var rows []string
	for _, l := range wrap(msg, r.width) {
		rows = append(rows, r.st.Note.Render(l))
	}
	return rows
}

// compact draws one line per stage:
//
//	✓ 3 svc01-build  FROM svc01-deps ← tools
func (r *renderer) compact() Drawing {
	n := len(r.g.Stages)
	d := Drawing{Layout: LayoutCompact, StageLines: make([]int, n)}
	needed := 0
	for _, s := range r.g.Stages {
		if s.Needed {
			needed++
		}
	}
	header := fmt.Sprintf("%d stages · THE IMAGE: %s · %d needed", n, r.g.Stages[r.g.Target].Label(), needed)
	rows := []string{line{text(header, r.st.Note)}.fit(r.width).render()}

	idxWidth := len(strconv.Itoa(n - 1))
	nameWidth := 0
	for i := range r.g.Stages {
		nameWidth = max(nameWidth, ansi.StringWidth(dockerfile.Printable(r.g.Stages[i].Label())))
	}
	nameWidth = min(nameWidth, max(8, r.width/3))

	for i := range r.g.Stages {
		s := &r.g.Stages[i]
		var l line
		if state, ok := r.state(i); ok {
			ss := r.st.States[state]
			l = append(l, seg{ss.Glyph, ss.Style}, seg{" ", lipgloss.NewStyle()})
		}
		l = append(l, seg{fmt.Sprintf("%*d ", idxWidth, i), r.textStyle(i, r.st.Tag)})
		l = append(l, line{text(s.Label(), r.textStyle(i, r.st.Name))}.fit(nameWidth).pad(nameWidth, lipgloss.NewStyle())...)
		var right line
		if tag, style := r.tag(i); i == r.g.Target || !s.Needed {
			right = line{{tag, style}}
		}
		// Where the stage starts from, and what it copies from, when there is room for it.
		detail := r.fromLine(i)
		if srcs := r.sources(i); srcs != "" {
			detail = append(detail, seg{" ← ", r.textStyle(i, r.st.Arrow)}, text(srcs, r.textStyle(i, r.st.EdgeLabel)))
		}
		room := r.width - l.width() - 2
		if right != nil {
			room -= right.width() + 2
		}
		if room >= 12 {
			l = append(l, seg{"  ", lipgloss.NewStyle()})
			l = append(l, detail.fit(room)...)
		}
		d.StageLines[i] = len(rows)
		rows = append(rows, fitLeftRight(l, right, r.width).render())
	}
	rows = append(rows, "")
	rows = append(rows, r.note()...)
	d.Text = strings.Join(rows, "\n")
	return d
}

// sources names the stages and images stage i copies or mounts from.
func (r *renderer) sources(i int) string {
	var names []string
	for _, e := range r.g.Incoming(i) {
		if e.Kind == dockerfile.EdgeBase {
			continue
		}
		if n := r.g.Stages[e.From].Label(); !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	for _, e := range r.g.ExternalEdges {
		if e.To == i && !slices.Contains(names, e.Image) {
			names = append(names, e.Image)
		}
	}
	return strings.Join(names, ", ")
}
