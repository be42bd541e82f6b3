package audit

import (
	"fmt"
	"strings"

	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/human"
	"github.com/docktutor/docktutor/internal/inside"
)

// Limits are the size and layer goals for what ships.
type Limits struct {
	MaxSize   int64 // bytes; 0 means DefaultMaxSize
	MaxLayers int   // filesystem layers; 0 means DefaultMaxLayers
}

// The default goals for what ships. A Python app on python:3.13-slim with a few dependencies
// stays under the size, a Go binary on distroless far under; a toolchain image (golang,
// python:3.13) is well over. Twenty layers is more than any of the lessons' images has.
const (
	DefaultMaxSize   = 250_000_000
	DefaultMaxLayers = 20
)

func (l Limits) withDefaults() Limits {
	if l.MaxSize <= 0 {
		l.MaxSize = DefaultMaxSize
	}
	if l.MaxLayers <= 0 {
		l.MaxLayers = DefaultMaxLayers
	}
	return l
}

// theImage describes the target stage's FROM for a finding's Where: the line to look at when
// what ships comes with the base.
func theImage(g *dockerfile.Graph) (int, string) {
	s := &g.Stages[g.Target]
	return s.Line, fmt.Sprintf("line %d: FROM %s is THE IMAGE", s.Line, shorten(dockerfile.Printable(s.Base), 50))
}

// sizeFindings measures what ships: its size and its filesystem layers. Within the goals each
// is a note; over them, a warning.
func sizeFindings(g *dockerfile.Graph, info engine.ImageInfo, lim Limits) []Finding {
	line, where := theImage(g)
	size := Finding{
		ID: "size", Level: Note, Line: line, Where: where, Lesson: lessonMultistage,
		Title:    "the image is " + human.Size(info.Size),
		Measured: human.Size(info.Size),
		Want:     "≤ " + human.Size(lim.MaxSize),
		Fix:      "build in one stage and ship the result on a small base: only what COPY --from names crosses over",
	}
	if info.Size > lim.MaxSize {
		size.Level = Warning
		size.Title = fmt.Sprintf("the image is %s, over the goal of %s", human.Size(info.Size), human.Size(lim.MaxSize))
	}
	n := len(info.DiffIDs)
	layers := Finding{
		ID: "layers", Level: Note, Line: line, Where: where, Lesson: lessonMultistage,
		Title:    "the image has " + human.Plural(n, "layer", "layers"),
		Measured: human.Plural(n, "layer", "layers"),
		Want:     fmt.Sprintf("≤ %d", lim.MaxLayers),
		Fix:      "ship from a final stage that copies the result in with one COPY --from; join RUNs that belong together",
	}
	if n > lim.MaxLayers {
		layers.Level = Warning
		layers.Title = fmt.Sprintf("the image has %d layers, over the goal of %d", n, lim.MaxLayers)
	}
	return []Finding{size, layers}
}

// toolFindings reports a shell, compilers and package managers in what ships.
func toolFindings(g *dockerfile.Graph, rep inside.Report) []Finding {
	line, where := theImage(g)
	var out []Finding
	add := func(id, what string, tools []inside.Tool, lesson, fix string) {
		if len(tools) == 0 {
			return
		}
		names := make([]string, len(tools))
		for i, t := range tools {
			names[i] = t.String()
		}
		out = append(out, Finding{
			ID: id, Level: Warning, Line: line, Where: where, Lesson: lesson, Fix: fix,
			Title:    "the image ships " + what + ": " + tools[0].Name,
			Measured: dockerfile.Printable(strings.Join(names, ", ")),
			Want:     "none in what ships",
		})
	}
	add("shell", "a shell", rep.Shells, lessonDistroless,
		"ship on a base without one (distroless, scratch); its :debug variant has a shell for when you need to look inside")
	add("compiler", "a compiler", rep.Compilers, lessonMultistage,
		"compile in a build stage and COPY --from it only the result")
	add("package-manager", "a package manager", rep.PackageManagers, lessonDistroless,
		"install in a build stage, copy what was installed, and ship on a base without a package manager")
	return out
}

// userFinding reports an image that runs as root: USER unset, root, 0 or 0:….
func userFinding(g *dockerfile.Graph, info engine.ImageInfo) (Finding, bool) {
	user, _, _ := strings.Cut(info.User, ":")
	if user != "" && user != "root" && user != "0" {
		return Finding{}, false
	}
	f := Finding{
		ID: "root", Level: Warning, Lesson: lessonDistroless,
		Title:    "the image runs as root",
		Measured: "user " + quoteOr(info.User, "(unset: root)"),
		Want:     "an unprivileged user",
		Fix:      "add USER 65532:65532 (distroless's nonroot) or a user you create, after the last RUN that needs root",
	}
	// The last USER of the stages that make the image is the one to change.
	for i := g.Target; i >= 0; i = g.Stages[i].BaseStage {
		ins := g.Stages[i].Instructions
		for k := len(ins) - 1; k >= 0; k-- {
			if ins[k].Keyword == "USER" {
				f.Line = ins[k].Line
				f.Where = fmt.Sprintf("line %d: %s", ins[k].Line, shorten(dockerfile.Printable(ins[k].Text), 50))
				return f, true
			}
		}
	}
	f.Line, f.Where = theImage(g)
	f.Where += ", and no USER follows it"
	return f, true
}

func quoteOr(s, empty string) string {
	if s == "" {
		return empty
	}
	return dockerfile.Printable(s)
}
