package audit

import (
	"fmt"
	"path"
	"strings"

	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/engine"
)

// maxSecretFindings caps the secret findings of one image; the rest are counted in the last.
const maxSecretFindings = 10

// secretFindings scans the layers the Dockerfile made — layers[base:], the ones above the
// base image's — for files that look like secrets. A layer is forever: a file deleted by a
// later layer is still in the earlier one, and anyone who pulls the image can read it.
func secretFindings(g *dockerfile.Graph, layers []engine.LayerContents, base int) []Finding {
	lines := layerLines(g, layers[base:])
	var out []Finding
	more := 0
	for i := base; i < len(layers); i++ {
		for _, p := range layers[i].Files {
			if !looksSecret(p) {
				continue
			}
			if len(out) == maxSecretFindings {
				more++
				continue
			}
			line := lines[i-base]
			f := Finding{
				ID:       "secret",
				Level:    Warning,
				Title:    dockerfile.Printable(p) + " looks like a secret, and ships in layer " + fmt.Sprint(i+1),
				Measured: fmt.Sprintf("%s in layer %d of %d", dockerfile.Printable(p), i+1, len(layers)),
				Want:     "no .env, id_rsa, *.pem or *.key in any layer",
				Line:     line.n,
				Where:    "layer " + fmt.Sprint(i+1) + " " + line.where(layers[i].CreatedBy),
				Lesson:   lessonContext,
				Fix: "keep it out of the build context with .dockerignore, and give the container its secrets " +
					"at run time (or to one RUN with --mount=type=secret)",
			}
			if j := deletedAfter(layers, i, p); j >= 0 {
				f.Measured += fmt.Sprintf(", deleted by layer %d %s but still in layer %d", j+1, lines[j-base].where(layers[j].CreatedBy), i+1)
				f.Fix = "deleting it in a later layer does not remove it from this one: " + f.Fix
			}
			out = append(out, f)
		}
	}
	if more > 0 && len(out) > 0 {
		out[len(out)-1].Measured += fmt.Sprintf(" (and %d more such files not listed)", more)
	}
	return out
}

// looksSecret says whether a file's name is one secrets are kept under: .env files, SSH
// private keys, and *.pem and *.key files outside the places where certificate bundles and
// installed packages keep public certificates and test keys.
func looksSecret(p string) bool {
	name := path.Base(p)
	switch {
	case name == ".env":
		return true
	case strings.HasPrefix(name, ".env."):
		switch strings.TrimPrefix(name, ".env.") {
		case "example", "sample", "template", "dist", "defaults":
			return false
		}
		return true
	case name == "id_rsa" || name == "id_dsa" || name == "id_ecdsa" || name == "id_ed25519":
		return true
	case strings.HasSuffix(name, ".pem") || strings.HasSuffix(name, ".key"):
		for _, dir := range publicKeyDirs {
			if strings.Contains(p, dir) {
				return false
			}
		}
		return name != "cacert.pem" && name != "ca-bundle.pem" && name != "ca-certificates.pem"
	}
	return false
}

// publicKeyDirs hold *.pem and *.key files that are not the learner's secrets: the system's
// certificate authorities, and what package managers install (certifi's bundle, test keys of
// libraries, the Go toolchain's crypto test data).
var publicKeyDirs = []string{
	"/etc/ssl/", "/etc/pki/", "/etc/ca-certificates/", "/usr/share/", "/usr/lib/",
	"/usr/local/share/ca-certificates/", "/site-packages/", "/dist-packages/",
	"/node_modules/", "/usr/local/go/", "/go/pkg/mod/", "/gems/",
}

// deletedAfter returns the first layer after layer i that deletes p (itself, a directory
// above it, or with an opaque directory above it), or -1.
func deletedAfter(layers []engine.LayerContents, i int, p string) int {
	for j := i + 1; j < len(layers); j++ {
		for _, d := range layers[j].Deleted {
			if d == p || strings.HasPrefix(p, strings.TrimSuffix(d, "/")+"/") {
				return j
			}
		}
	}
	return -1
}

// layerLine is the Dockerfile instruction that made a layer, when it could be told.
type layerLine struct {
	n    int
	text string
}

// where names the layer's instruction for a learner: its Dockerfile line, else the image
// history's words.
func (l layerLine) where(createdBy string) string {
	if l.n > 0 {
		return fmt.Sprintf("(line %d: %s)", l.n, shorten(dockerfile.Printable(l.text), 50))
	}
	if createdBy == "" {
		return "(made by an instruction the history does not name)"
	}
	return "(" + shorten(dockerfile.Printable(historyText(createdBy)), 50) + ")"
}

// layerLines matches the layers the Dockerfile made, in order, with the instructions of the
// target stage and the stages it starts FROM, in order. Builders record a layer for each RUN,
// COPY and ADD, and for a WORKDIR that creates its directory; the history's words say which
// kind each layer is, and the instructions of that kind are taken in turn.
func layerLines(g *dockerfile.Graph, layers []engine.LayerContents) []layerLine {
	var chain []int
	for i := g.Target; i >= 0; i = g.Stages[i].BaseStage {
		chain = append([]int{i}, chain...)
	}
	var ins []dockerfile.Instruction
	for _, s := range chain {
		for _, in := range g.Stages[s].Instructions {
			switch in.Keyword {
			case "RUN", "COPY", "ADD", "WORKDIR":
				ins = append(ins, in)
			}
		}
	}
	out := make([]layerLine, len(layers))
	next := 0
	for li, l := range layers {
		kw := historyKeyword(l.CreatedBy)
		for k := next; k < len(ins) && kw != ""; k++ {
			if ins[k].Keyword == kw {
				out[li] = layerLine{n: ins[k].Line, text: ins[k].Text}
				next = k + 1
				break
			}
		}
	}
	return out
}

// historyText strips the builders' wrapping from a history entry: the legacy builder's
// "/bin/sh -c #(nop) " and BuildKit's " # buildkit".
func historyText(createdBy string) string {
	s := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(createdBy), "# buildkit"))
	if rest, ok := strings.CutPrefix(s, "/bin/sh -c #(nop)"); ok {
		return strings.TrimSpace(rest)
	}
	return s
}

// historyKeyword is the instruction a history entry records: the legacy builder writes
// "/bin/sh -c #(nop) COPY …" for everything but RUN, which is the command itself; BuildKit
// writes the instruction.
func historyKeyword(createdBy string) string {
	s := strings.TrimSpace(createdBy)
	if s == "" {
		return ""
	}
	if rest, ok := strings.CutPrefix(s, "/bin/sh -c #(nop)"); ok {
		w, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
		return strings.ToUpper(w)
	}
	w, _, _ := strings.Cut(s, " ")
	switch w = strings.ToUpper(w); w {
	case "COPY", "ADD", "WORKDIR", "RUN":
		if strings.HasSuffix(s, "# buildkit") || w != "RUN" {
			return w
		}
	}
	return "RUN" // the legacy builder's RUN: "/bin/sh -c <command>", or an exec form's words
}
