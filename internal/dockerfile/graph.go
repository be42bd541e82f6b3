// Package dockerfile reads a Dockerfile the way BuildKit reads it and answers the questions a
// learner asks of a multi-stage build: which stages exist, what each starts FROM, what crosses
// between them (COPY --from, RUN --mount=from=), which stage is the image and which stages the
// build needs. It uses BuildKit's own parser, instruction decoder and shell lexer, and follows
// the rules of BuildKit's dockerfile2llb converter for stage references; it never talks to a
// daemon and knows nothing of the UI.
package dockerfile

import (
	"encoding/json"
	"strconv"
)

// Graph is a Dockerfile's stages and the references between them, seen from one target.
type Graph struct {
	// Stages in file order; Stages[i].Index == i.
	Stages []Stage
	// Edges are unique (From, To, Kind) triples, ordered by first appearance in the file.
	Edges []Edge
	// Target is the index of the stage the build produces: the last stage unless a target
	// was asked for.
	Target int
	// External lists the images referenced by COPY --from or RUN --mount=from= that are not
	// stages of this Dockerfile, each once, in order of first appearance ("scratch" excluded).
	External []string
	// ExternalEdges are the uses of those images, one per (image, stage, kind), in file order.
	ExternalEdges []ExternalEdge
	// MetaArgSteps is the number of ARG instructions before the first FROM. The legacy builder
	// counts each as a step ("Step 1/9 : ARG BASE=alpine") before the first stage starts.
	MetaArgSteps int
}

// Stage is one FROM and the instructions that follow it.
type Stage struct {
	Index int
	// Name is the stage's AS name, lower-cased as BuildKit does; empty when unnamed.
	Name string
	// Base is what FROM names after global ARG expansion: an image reference, "scratch", or
	// the name of an earlier stage.
	Base string
	// BaseStage is the index of the stage Base refers to, or -1 when Base is an image.
	BaseStage int
	// Platform is FROM's --platform value after global ARG expansion, if any.
	Platform string
	// Line is the 1-based line of the FROM instruction.
	Line int
	// Needed reports whether building the target needs this stage.
	Needed bool
	// Instructions are the stage's instructions after FROM, in order.
	Instructions []Instruction
	// ProgressName is the name BuildKit prefixes to this stage's steps in its progress
	// ("[build 2/4] RUN …", "[stage-1 1/2] COPY …"). It is empty when BuildKit prints no
	// stage name, which it does when the whole build has a single stage.
	ProgressName string
}

// Label is how people refer to the stage: its name, or "stage-N" when it has none.
func (s *Stage) Label() string {
	if s.Name != "" {
		return s.Name
	}
	return "stage-" + strconv.Itoa(s.Index)
}

// LegacySteps is the number of steps the legacy builder numbers for this stage: its FROM and
// every instruction after it.
func (s *Stage) LegacySteps() int { return 1 + len(s.Instructions) }

// Instruction is one Dockerfile instruction inside a stage.
type Instruction struct {
	// Line is the 1-based line where the instruction starts.
	Line int
	// Keyword is the instruction's keyword in upper case: RUN, COPY, ENTRYPOINT...
	Keyword string
	// Text is the instruction as written, with its keyword in upper case, line continuations
	// joined and runs of white space collapsed. Heredoc bodies are not included. It may hold any byte the file held:
	// pass it through Printable before writing it to a terminal.
	Text string
	// FromStage is the stage a COPY --from or RUN --mount=from= reads, or -1.
	FromStage int
}

// EdgeKind says how one stage uses another.
type EdgeKind string

// The kinds of edge.
const (
	// EdgeBase: the stage starts FROM the other stage and inherits all of it.
	EdgeBase EdgeKind = "base"
	// EdgeCopy: the stage copies files out of the other stage with COPY --from.
	EdgeCopy EdgeKind = "copy"
	// EdgeMount: a RUN in the stage mounts the other stage with --mount=from=.
	EdgeMount EdgeKind = "mount"
)

// Edge is one stage using another. From < To in every Dockerfile that builds.
type Edge struct {
	From, To int
	Kind     EdgeKind
	// Paths are what crosses: the source paths of the COPY --from instructions, or the
	// source of the mounts, merged over all instructions of this edge without repeats.
	Paths []string
	// Line is the line of the first instruction that made the edge.
	Line int
}

// ExternalEdge is a stage using an image that is not a stage of the file: COPY --from=<image>
// or RUN --mount=from=<image>.
type ExternalEdge struct {
	Image string
	To    int
	Kind  EdgeKind
	Paths []string
	Line  int
}

// LegacyStage maps a legacy builder step number ("Step i/n", 1-based) to the index of the
// stage it belongs to, or -1 for the global ARG steps before the first FROM and for numbers
// beyond the file. The legacy builder numbers every instruction of the file in order, global
// ARGs included, and --target only shortens n: the numbering is the same.
func (g *Graph) LegacyStage(step int) int {
	n := step - g.MetaArgSteps
	if n <= 0 {
		return -1
	}
	for i := range g.Stages {
		if n <= g.Stages[i].LegacySteps() {
			return i
		}
		n -= g.Stages[i].LegacySteps()
	}
	return -1
}

// LegacyTotal is the n of the legacy builder's "Step i/n" for a build of g.Target: the legacy
// builder counts every step up to the end of the target stage, needed or not.
func (g *Graph) LegacyTotal() int {
	n := g.MetaArgSteps
	for i := 0; i <= g.Target && i < len(g.Stages); i++ {
		n += g.Stages[i].LegacySteps()
	}
	return n
}

// StageByProgressName finds the stage BuildKit means by a progress prefix such as "build" or
// "stage-1"; an empty name means the single stage of a one-stage build. It returns -1 when no
// stage matches.
func (g *Graph) StageByProgressName(name string) int {
	found := -1
	for i := range g.Stages {
		if g.Stages[i].ProgressName == name {
			// Two stages may share a name; BuildKit resolves references to the last one, and
			// only that one can be reached by name, so prefer a needed stage, then the last.
			if found < 0 || g.Stages[i].Needed || !g.Stages[found].Needed {
				found = i
			}
		}
	}
	return found
}

// Incoming returns the edges that end at stage i, in file order.
func (g *Graph) Incoming(i int) []Edge {
	var out []Edge
	for _, e := range g.Edges {
		if e.To == i {
			out = append(out, e)
		}
	}
	return out
}

// KeyInstructions picks at most max instructions worth showing in a small drawing of the stage:
// what crosses from other stages first, then what the image runs (ENTRYPOINT, CMD), then what
// builds it (RUN, COPY, ADD; the last ones first), then, when there is room left, the rest
// (ENV, LABEL, ARG and the like; the last ones first), returned in file order.
func (s *Stage) KeyInstructions(max int) []Instruction {
	if max <= 0 {
		return nil
	}
	score := func(in Instruction) int {
		switch {
		case in.FromStage >= 0:
			return 3
		case in.Keyword == "ENTRYPOINT", in.Keyword == "CMD":
			return 2
		case in.Keyword == "RUN", in.Keyword == "COPY", in.Keyword == "ADD":
			return 1
		}
		return 0
	}
	// Highest scores first; among equals the later instruction, closer to what the stage
	// produces (the RUN that builds rather than the COPY of go.mod).
	picked := make([]bool, len(s.Instructions))
	left := max
	for want := 3; want >= 0 && left > 0; want-- {
		for i := len(s.Instructions) - 1; i >= 0 && left > 0; i-- {
			if score(s.Instructions[i]) == want {
				picked[i] = true
				left--
			}
		}
	}
	var out []Instruction
	for i, ok := range picked {
		if ok {
			out = append(out, s.Instructions[i])
		}
	}
	return out
}

// The JSON contract of `docktutor graph --format json`. Field names never change; fields may
// be added.
type (
	jsonGraph struct {
		Stages   []jsonStage `json:"stages"`
		Edges    []jsonEdge  `json:"edges"`
		Target   int         `json:"target"`
		External []string    `json:"external"`
	}
	jsonStage struct {
		Index  int    `json:"index"`
		Name   string `json:"name"`
		Base   string `json:"base"`
		Needed bool   `json:"needed"`
		Line   int    `json:"line"`
	}
	jsonEdge struct {
		From  int      `json:"from"`
		To    int      `json:"to"`
		Kind  EdgeKind `json:"kind"`
		Paths []string `json:"paths,omitempty"`
	}
)

// MarshalJSON writes the graph in the documented JSON form:
//
//	{"stages":[{"index":0,"name":"build","base":"golang:1.25-alpine","needed":true,"line":1}],
//	 "edges":[{"from":0,"to":1,"kind":"copy","paths":["/app"]}],
//	 "target":1,
//	 "external":["nginx:1.27"]}
//
// Lists are never null.
func (g *Graph) MarshalJSON() ([]byte, error) {
	out := jsonGraph{
		Stages:   make([]jsonStage, 0, len(g.Stages)),
		Edges:    make([]jsonEdge, 0, len(g.Edges)),
		Target:   g.Target,
		External: append([]string{}, g.External...),
	}
	for _, s := range g.Stages {
		out.Stages = append(out.Stages, jsonStage{Index: s.Index, Name: s.Name, Base: s.Base, Needed: s.Needed, Line: s.Line})
	}
	for _, e := range g.Edges {
		out.Edges = append(out.Edges, jsonEdge{From: e.From, To: e.To, Kind: e.Kind, Paths: e.Paths})
	}
	return json.Marshal(out)
}
