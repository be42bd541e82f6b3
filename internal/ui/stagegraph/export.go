package stagegraph

import (
	"fmt"
	"slices"
	"strings"

	"github.com/docktutor/docktutor/internal/dockerfile"
)

// DOT writes the graph in Graphviz's language (`dot -Tsvg`): a box per stage with its base,
// THE IMAGE drawn bold, the stages the target does not need dashed and grey, and external
// images as notes. Edges are labelled with what crosses.
func DOT(g *dockerfile.Graph) string {
	var b strings.Builder
	b.WriteString("digraph dockerfile {\n")
	b.WriteString("  rankdir=TB;\n")
	b.WriteString("  node [shape=box, style=rounded, fontname=\"monospace\"];\n")
	b.WriteString("  edge [fontname=\"monospace\", fontsize=10];\n")
	for i := range g.Stages {
		s := &g.Stages[i]
		label := dotEscape(s.Label()) + `\nFROM ` + dotEscape(s.Base)
		attrs := ""
		switch {
		case i == g.Target:
			label += `\n(THE IMAGE)`
			attrs = ", penwidth=3"
		case !s.Needed:
			label += `\n(not built)`
			attrs = `, style="rounded,dashed", color=gray50, fontcolor=gray50`
		}
		fmt.Fprintf(&b, "  s%d [label=\"%s\"%s];\n", i, label, attrs)
	}
	for i, img := range g.External {
		fmt.Fprintf(&b, "  x%d [label=\"%s\", shape=note];\n", i, dotEscape(img))
	}
	for _, e := range g.Edges {
		attrs := ""
		if e.Kind == dockerfile.EdgeBase {
			attrs = ", style=bold"
		}
		if !g.Stages[e.To].Needed {
			attrs += ", color=gray50, fontcolor=gray50"
		}
		fmt.Fprintf(&b, "  s%d -> s%d [label=\"%s\"%s];\n", e.From, e.To, dotEscape(edgeLabel(e.Kind, e.Paths)), attrs)
	}
	for _, e := range g.ExternalEdges {
		fmt.Fprintf(&b, "  x%d -> s%d [label=\"%s\", style=dashed];\n", slices.Index(g.External, e.Image), e.To, dotEscape(edgeLabel(e.Kind, e.Paths)))
	}
	b.WriteString("}\n")
	return b.String()
}

// Mermaid writes the graph as a Mermaid flowchart, for Markdown that GitHub and GitLab render.
func Mermaid(g *dockerfile.Graph) string {
	var b strings.Builder
	b.WriteString("flowchart TD\n")
	for i := range g.Stages {
		s := &g.Stages[i]
		label := mermaidEscape(s.Label()) + "<br/>FROM " + mermaidEscape(s.Base)
		switch {
		case i == g.Target:
			label += "<br/><b>THE IMAGE</b>"
		case !s.Needed:
			label += "<br/><i>not built</i>"
		}
		fmt.Fprintf(&b, "  s%d[\"%s\"]\n", i, label)
	}
	for i, img := range g.External {
		fmt.Fprintf(&b, "  x%d[/\"%s\"/]\n", i, mermaidEscape(img))
	}
	for _, e := range g.Edges {
		arrow := "-->"
		if e.Kind == dockerfile.EdgeBase {
			arrow = "==>"
		}
		fmt.Fprintf(&b, "  s%d %s|\"%s\"| s%d\n", e.From, arrow, mermaidEscape(edgeLabel(e.Kind, e.Paths)), e.To)
	}
	for _, e := range g.ExternalEdges {
		fmt.Fprintf(&b, "  x%d -.->|\"%s\"| s%d\n", slices.Index(g.External, e.Image), mermaidEscape(edgeLabel(e.Kind, e.Paths)), e.To)
	}
	b.WriteString("  classDef image stroke-width:3px\n")
	b.WriteString("  classDef unused stroke-dasharray:5 5,opacity:0.5\n")
	fmt.Fprintf(&b, "  class s%d image\n", g.Target)
	var unused []string
	for i := range g.Stages {
		if !g.Stages[i].Needed {
			unused = append(unused, fmt.Sprintf("s%d", i))
		}
	}
	if len(unused) > 0 {
		fmt.Fprintf(&b, "  class %s unused\n", strings.Join(unused, ","))
	}
	return b.String()
}

// edgeLabel says what an edge carries, e.g. "COPY /out/hello".
func edgeLabel(kind dockerfile.EdgeKind, p []string) string {
	switch kind {
	case dockerfile.EdgeBase:
		return "FROM"
	case dockerfile.EdgeMount:
		return "mount " + paths(p)
	}
	return "COPY " + paths(p)
}

// dotEscape makes s safe inside a double-quoted DOT string.
func dotEscape(s string) string {
	s = dockerfile.Printable(s)
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

// mermaidEscape makes s safe inside a quoted Mermaid label: quotes and markup become entities.
func mermaidEscape(s string) string {
	s = dockerfile.Printable(s)
	return strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;", "|", "#124;").Replace(s)
}
