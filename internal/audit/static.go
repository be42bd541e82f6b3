package audit

import (
	"fmt"
	"strings"

	"github.com/docktutor/docktutor/internal/dockerfile"
)

// Static returns the findings the Dockerfile alone shows, for the stages the build of g's
// target needs: a dependency install after a COPY of the whole build context, and a base
// image with no tag or with the tag latest. src is the Dockerfile as read, for quoting lines.
func Static(g *dockerfile.Graph, src []byte) []Finding {
	lines := strings.Split(string(src), "\n")
	var out []Finding
	// wholeCopy[i] is the first COPY of the whole context in stage i or the stages it starts
	// FROM: a stage FROM one that copied everything starts after that COPY.
	wholeCopy := make([]*dockerfile.Instruction, len(g.Stages))
	for i := range g.Stages {
		s := &g.Stages[i]
		var inherited *dockerfile.Instruction
		if s.BaseStage >= 0 && s.BaseStage < i {
			inherited = wholeCopy[s.BaseStage]
		}
		var found []Finding
		found, wholeCopy[i] = installAfterCopy(s, inherited)
		if !s.Needed {
			continue
		}
		if f, ok := baseTag(s, lines); ok {
			out = append(out, f)
		}
		out = append(out, found...)
	}
	return out
}

// baseTag checks a stage's FROM: an image without a tag is latest, and latest is whatever
// the registry holds today, so the same Dockerfile builds something else next month. A
// digest pins the image whatever the tag says; scratch and other stages are no images.
func baseTag(s *dockerfile.Stage, lines []string) (Finding, bool) {
	if s.BaseStage >= 0 || s.Base == "scratch" || strings.Contains(s.Base, "@") {
		return Finding{}, false
	}
	name := s.Base[strings.LastIndexByte(s.Base, '/')+1:] // a registry's :port is before the last '/'
	_, tag, hasTag := strings.Cut(name, ":")
	where := fmt.Sprintf("line %d: %s", s.Line, quoteLine(lines, s.Line))
	measured := "FROM " + dockerfile.Printable(s.Base)
	if !strings.Contains(where, s.Base) {
		measured += " (after ARG substitution)"
	}
	f := Finding{
		Level:    Warning,
		Measured: measured,
		Want:     "a fixed tag, e.g. python:3.13-slim, or a digest (@sha256:…)",
		Line:     s.Line,
		Where:    where,
		Lesson:   lessonNormal,
	}
	switch {
	case !hasTag || tag == "":
		f.ID = "base-untagged"
		f.Title = "base image " + dockerfile.Printable(s.Base) + " has no tag, which means latest"
		f.Fix = "name the version you tested with: FROM " + dockerfile.Printable(strings.TrimSuffix(s.Base, ":")) + ":<version>"
		if repo, _, _ := strings.Cut(name, ":"); repo != "" && repo[len(repo)-1] >= '0' && repo[len(repo)-1] <= '9' {
			// gcr.io/distroless/static-debian13: the name pins the release, and the
			// publisher's own examples use it without a tag. What it holds still moves.
			f.Level = Note
			f.Title += "; its name pins a release, but its contents still move"
		}
	case tag == "latest":
		f.ID = "base-latest"
		f.Title = "base image " + dockerfile.Printable(s.Base) + " is whatever latest is today"
		f.Fix = "replace latest with the version you tested with"
	default:
		return Finding{}, false
	}
	return f, true
}

// installAfterCopy finds a dependency install that comes after a COPY (or ADD) of the whole
// build context in the same stage, or in a stage it starts FROM (copied, when not nil): any
// edit to any file then changes the COPY's layer, and the install below it runs again on
// every build. It returns the findings and the stage's first whole-context COPY, if any.
func installAfterCopy(s *dockerfile.Stage, copied *dockerfile.Instruction) ([]Finding, *dockerfile.Instruction) {
	var out []Finding
	for i, in := range s.Instructions {
		switch in.Keyword {
		case "COPY", "ADD":
			if copied == nil && in.FromStage < 0 && copiesWholeContext(in.Text) {
				copied = &s.Instructions[i]
			}
		case "RUN":
			if copied == nil {
				continue
			}
			tool, ok := installCommand(runCommand(in.Text))
			if !ok {
				continue
			}
			out = append(out, Finding{
				ID:    "install-after-copy",
				Level: Warning,
				Title: tool + " runs after a COPY of the whole build context: any edit reinstalls every dependency",
				Measured: fmt.Sprintf("line %d: %s comes after line %d: %s",
					in.Line, shorten(dockerfile.Printable(in.Text), 60), copied.Line, shorten(dockerfile.Printable(copied.Text), 40)),
				Want:   "the install before the COPY of the sources",
				Line:   in.Line,
				Where:  fmt.Sprintf("line %d and line %d", copied.Line, in.Line),
				Lesson: lessonCache,
				Fix:    "copy only what the install reads (requirements.txt, package*.json, go.mod and go.sum…) before it, and the rest after",
			})
		}
	}
	return out, copied
}

// copiesWholeContext says whether a COPY or ADD instruction's sources include the root of the
// build context ("." "./" "/" or "*"), in shell or JSON form.
func copiesWholeContext(text string) bool {
	words := instructionArgs(text)
	if len(words) < 2 {
		return false
	}
	for _, src := range words[:len(words)-1] {
		switch strings.TrimRight(src, "/") {
		case "", ".", "*", "./*":
			return true
		}
	}
	return false
}

// instructionArgs returns an instruction's arguments without its keyword and --flags: the
// JSON array when the instruction is in exec form, its words otherwise.
func instructionArgs(text string) []string {
	_, rest, _ := strings.Cut(text, " ")
	rest = strings.TrimSpace(rest)
	var words []string
	for {
		w, after, _ := strings.Cut(rest, " ")
		if !strings.HasPrefix(w, "--") {
			break
		}
		rest = strings.TrimSpace(after)
	}
	if arr, ok := jsonArray(rest); ok {
		return arr
	}
	words = strings.Fields(rest)
	return words
}

// runCommand returns the shell command of a RUN instruction: without the keyword and --mount
// style flags; the words of an exec-form array joined by spaces.
func runCommand(text string) string {
	return strings.Join(instructionArgs(text), " ")
}

// quoteLine returns line n (1-based) of the file, trimmed and shortened, safe to print.
func quoteLine(lines []string, n int) string {
	if n < 1 || n > len(lines) {
		return ""
	}
	return shorten(dockerfile.Printable(strings.TrimSpace(lines[n-1])), 60)
}

// shorten cuts s to at most max runes, marking the cut with an ellipsis.
func shorten(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max-1]) + "…"
}
