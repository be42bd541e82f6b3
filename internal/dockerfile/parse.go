package dockerfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// internalErrorPrefix starts the message of an error that comes from a panic while parsing.
const internalErrorPrefix = "docktutor could not read this Dockerfile (please report it): "

// scratch is the empty base image, which is not an image to pull.
const scratch = "scratch"

// Options are the build settings that change how a Dockerfile reads.
type Options struct {
	// Target is the stage to build (--target), matched case-insensitively against stage
	// names; empty means the last stage.
	Target string
	// BuildArgs are --build-arg values. They override the defaults of the global ARGs that
	// declare them, as in a real build.
	BuildArgs map[string]string
	// Platform is the build and target platform ("linux/arm64") that BuildKit's automatic
	// platform ARGs (BUILDPLATFORM, TARGETARCH, ...) take; empty means linux and the
	// architecture docktutor runs on.
	Platform string
	// Filename names the file in errors ("build/odd.Dockerfile:2: …"); empty means
	// "Dockerfile".
	Filename string
}

// Parse reads a Dockerfile with BuildKit's parser and returns its stage graph for
// opts.Target. Errors are *Error (BuildKit would refuse the file, with its line) or
// *TargetError (no stage has the target's name). Parse never panics.
func Parse(src []byte, opts Options) (g *Graph, err error) {
	// BuildKit's packages are not written for hostile input the way a TUI reading a learner's
	// file needs; a panic in them must not take the program down. FuzzParse fails on this
	// error, so it is a safety net, not a way to hide bugs.
	defer func() {
		if r := recover(); r != nil {
			g, err = nil, newError(0, "%s%v", internalErrorPrefix, r)
		}
		var pe *Error
		if errors.As(err, &pe) {
			pe.File = opts.Filename
		}
	}()
	if err := checkLineLengths(src); err != nil {
		return nil, err
	}
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		return nil, fromBuildKit(err, 0)
	}
	// A linter without a Warn function reports nothing; a nil or zero one would panic on
	// "# check=" comments.
	stages, metaArgs, err := instructions.Parse(res.AST, linter.New(&linter.Config{}))
	if err != nil {
		return nil, fromBuildKit(err, 0)
	}
	if len(stages) == 0 {
		return nil, newError(lastLine(res.AST), "dockerfile contains no stages to build")
	}

	lex := shell.NewLex(res.EscapeToken)
	targetName := opts.Target
	if targetName == "" {
		targetName = stages[len(stages)-1].Name
	}
	args, err := globalArgs(lex, metaArgs, opts, targetName)
	if err != nil {
		return nil, err
	}

	g = &Graph{Stages: make([]Stage, len(stages)), MetaArgSteps: len(metaArgs)}
	if err := g.readStages(stages, lex, args); err != nil {
		return nil, err
	}
	deps, err := g.resolveReferences(stages, lex)
	if err != nil {
		return nil, err
	}

	target, err := g.resolveTarget(opts.Target)
	if err != nil {
		return nil, err
	}
	g.Target = target
	g.markNeeded(deps)
	if err := g.checkOrder(deps); err != nil {
		return nil, err
	}
	return g, nil
}

// maxLineLength is the longest line BuildKit's parser reads, without its newline: its
// bufio.Scanner holds a line and its newline in bufio.MaxScanTokenSize bytes.
const maxLineLength = bufio.MaxScanTokenSize - 1

// checkLineLengths refuses a file with a line BuildKit's parser cannot read, as BuildKit does,
// but names that line. BuildKit's parser blames the last line it did read (the line before,
// or none at all when the long line is the first instruction, which it then calls a "file
// with no instructions"), so the line is found here. Errors BuildKit's parser finds in the
// lines before it come first, as in BuildKit; those that only say the lines before it end
// too soon (no instructions yet, a heredoc still open) do not.
func checkLineLengths(src []byte) error {
	line, start := 1, 0
	for start < len(src) {
		end := bytes.IndexByte(src[start:], '\n')
		if end < 0 {
			end = len(src) - start
		}
		if end > maxLineLength {
			break
		}
		start += end + 1
		line++
	}
	if start >= len(src) {
		return nil
	}
	if _, err := parser.Parse(bytes.NewReader(src[:start])); err != nil {
		switch pe := fromBuildKit(err, 0); pe.Msg {
		case "file with no instructions", "unterminated heredoc":
		default:
			return pe
		}
	}
	return newError(line, "dockerfile line greater than max allowed size of %d", maxLineLength)
}

// readStages fills g.Stages from BuildKit's stages: names, expanded bases and platforms, base
// stages (dockerfile2llb's buildDispatchStates and addState).
func (g *Graph) readStages(stages []instructions.Stage, lex *shell.Lex, args *argEnv) error {
	byName := map[string]int{}
	for i, st := range stages {
		line := startLine(st.Location)
		base, err := expand(lex, st.BaseName, args)
		if err != nil {
			return wrapAt(err, st.Location)
		}
		if base.Result == "" {
			return newError(line, "base name (%s) should not be blank", st.BaseName)
		}
		s := Stage{
			Index:     i,
			Name:      st.Name,
			Base:      base.Result,
			BaseStage: -1,
			Line:      line,
		}
		if st.Platform != "" {
			p, err := expand(lex, st.Platform, args)
			if err != nil {
				return wrapAt(fmt.Errorf("failed to process arguments for platform %s: %w", p.Result, err), st.Location)
			}
			if p.Result == "" {
				return newError(line, "empty platform value from expression %s", st.Platform)
			}
			s.Platform = p.Result
		}
		// BuildKit looks the base up by its exact text among the stages defined so far; stage
		// names are lower case, so "FROM Build" names an image, not the stage "build".
		if j, ok := byName[s.Base]; ok {
			s.BaseStage = j
		}
		if s.Name != "" {
			byName[s.Name] = i
		}
		for _, c := range st.Commands {
			in := Instruction{Keyword: strings.ToUpper(c.Name()), Line: startLine(c.Location()), FromStage: -1}
			if sc, ok := c.(fmt.Stringer); ok { // every command keeps its source text
				in.Text = displayText(in.Keyword, sc.String())
			}
			s.Instructions = append(s.Instructions, in)
		}
		g.Stages[i] = s
	}
	return nil
}

// stageRef is what a reference resolves to: a stage of the file, or an image that
// dockerfile2llb registers as an extra, unnamed state after the stages.
type stageRef struct {
	stage int    // index into Graph.Stages, or -1
	image string // when stage < 0
}

// dep is one use of another stage by an instruction, kept to check build order later.
type dep struct {
	from, to int
	kind     EdgeKind
	cmd      int    // instruction index in the using stage
	ref      string // the reference as written, for messages
	mountTo  string // mount target, for messages
	// err, when set, is an error BuildKit reports only when it builds the using stage; from
	// is then -1.
	err *Error
}

// resolveReferences follows COPY --from and RUN --mount=from= the way dockerfile2llb's
// buildStageDependencyGraph does, fills edges, external images and BuildKit's progress names,
// and rejects circular references.
func (g *Graph) resolveReferences(stages []instructions.Stage, lex *shell.Lex) ([]dep, error) {
	// refs mirrors dockerfile2llb's list of dispatch states: the stages, then one extra state
	// per reference to something that is not a stage. Numeric --from indexes this list, so
	// "COPY --from=2" can name an image referenced earlier in a two-stage file, as in BuildKit.
	refs := make([]stageRef, len(stages))
	byName := map[string]int{}
	for i := range g.Stages {
		refs[i] = stageRef{stage: i}
		if n := g.Stages[i].Name; n != "" {
			byName[n] = i // later stages with the same name win, as in BuildKit
		}
	}
	lookup := func(name string) stageRef {
		if i, ok := byName[strings.ToLower(name)]; ok {
			return stageRef{stage: i}
		}
		r := stageRef{stage: -1, image: name}
		refs = append(refs, r)
		return r
	}

	var deps []dep
	noEnv := shell.EnvsFromSlice(nil)
	for i := range g.Stages {
		s := &g.Stages[i]
		if s.BaseStage >= 0 {
			g.addEdge(Edge{From: s.BaseStage, To: i, Kind: EdgeBase, Line: s.Line})
		}
		for ci, c := range stages[i].Commands {
			line := s.Instructions[ci].Line
			switch c := c.(type) {
			case *instructions.CopyCommand:
				if c.From == "" {
					continue
				}
				r, err := expand(lex, c.From, noEnv)
				if err != nil {
					return nil, wrapAt(err, c.Location())
				}
				if r.Result != c.From {
					return nil, newError(line, "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround")
				}
				var ref stageRef
				if n, err := strconv.Atoi(c.From); err == nil {
					if n < 0 || n >= len(refs) {
						return nil, newError(line, "invalid stage index %d", n)
					}
					ref = refs[n]
				} else {
					ref = lookup(c.From)
				}
				if ref.stage < 0 {
					g.addExternal(ExternalEdge{Image: ref.image, To: i, Kind: EdgeCopy, Paths: c.SourcePaths, Line: line})
					continue
				}
				s.Instructions[ci].FromStage = ref.stage
				g.addEdge(Edge{From: ref.stage, To: i, Kind: EdgeCopy, Paths: c.SourcePaths, Line: line})
				deps = append(deps, dep{from: ref.stage, to: i, kind: EdgeCopy, cmd: ci, ref: c.From})
			case *instructions.RunCommand:
				mounts, err := runMounts(c)
				if err != nil {
					deps = append(deps, dep{from: -1, to: i, cmd: ci, err: fromBuildKit(err, line)})
				}
				for _, m := range mounts {
					from := m.From
					if from == "" {
						from = scratch // dockerfile2llb registers a scratch state for every mount
					}
					ref := lookup(from)
					if m.From == "" {
						continue
					}
					var paths []string
					if m.Source != "" {
						paths = []string{m.Source}
					}
					if ref.stage < 0 {
						g.addExternal(ExternalEdge{Image: ref.image, To: i, Kind: EdgeMount, Paths: paths, Line: line})
						continue
					}
					s.Instructions[ci].FromStage = ref.stage
					g.addEdge(Edge{From: ref.stage, To: i, Kind: EdgeMount, Paths: paths, Line: line})
					deps = append(deps, dep{from: ref.stage, to: i, kind: EdgeMount, cmd: ci, ref: m.From, mountTo: m.Target})
				}
			}
		}
	}

	// BuildKit names a stage in its progress unless the whole build is one state.
	for i := range g.Stages {
		switch {
		case len(refs) == 1:
			g.Stages[i].ProgressName = ""
		case g.Stages[i].Name != "":
			g.Stages[i].ProgressName = g.Stages[i].Name
		default:
			g.Stages[i].ProgressName = "stage-" + strconv.Itoa(i)
		}
	}
	if err := g.checkCycles(deps); err != nil {
		return nil, err
	}
	return deps, nil
}

// runMounts returns a RUN's --mount options with every field read. BuildKit decodes only
// "from" until it expands the instruction while building the stage; expanding with the identity
// reads the rest as written. If that fails, the mounts still have "from", and the error is the
// one BuildKit would report when it builds the stage, unless a variable could change it.
func runMounts(c *instructions.RunCommand) ([]*instructions.Mount, error) {
	err := c.Expand(func(w string) (string, error) { return w, nil })
	if err != nil && strings.Contains(c.String(), "$") {
		err = nil
	}
	return instructions.GetMounts(c), err
}

// addEdge adds e, or merges its paths into the edge with the same (From, To, Kind).
func (g *Graph) addEdge(e Edge) {
	for i := range g.Edges {
		old := &g.Edges[i]
		if old.From == e.From && old.To == e.To && old.Kind == e.Kind {
			for _, p := range e.Paths {
				if !slices.Contains(old.Paths, p) {
					old.Paths = append(old.Paths, p)
				}
			}
			return
		}
	}
	e.Paths = append([]string(nil), e.Paths...)
	g.Edges = append(g.Edges, e)
}

// addExternal records a use of an image by --from; scratch is not an image and is left out.
func (g *Graph) addExternal(e ExternalEdge) {
	if e.Image == scratch {
		return
	}
	if !slices.Contains(g.External, e.Image) {
		g.External = append(g.External, e.Image)
	}
	for i := range g.ExternalEdges {
		old := &g.ExternalEdges[i]
		if old.Image == e.Image && old.To == e.To && old.Kind == e.Kind {
			for _, p := range e.Paths {
				if !slices.Contains(old.Paths, p) {
					old.Paths = append(old.Paths, p)
				}
			}
			return
		}
	}
	e.Paths = append([]string(nil), e.Paths...)
	g.ExternalEdges = append(g.ExternalEdges, e)
}

// checkCycles rejects a stage that copies or mounts from itself, directly or through others
// (dockerfile2llb's validateCircularDependency, which follows only those references).
func (g *Graph) checkCycles(deps []dep) error {
	out := make([][]dep, len(g.Stages))
	for _, d := range deps {
		if d.err != nil {
			continue
		}
		out[d.to] = append(out[d.to], d)
	}
	const (
		unvisited = iota
		onPath
		finished
	)
	mark := make([]int, len(g.Stages))
	var visit func(i int) *dep
	visit = func(i int) *dep {
		mark[i] = onPath
		for k := range out[i] {
			d := &out[i][k]
			if mark[d.from] == onPath {
				return d
			}
			if mark[d.from] == unvisited {
				if c := visit(d.from); c != nil {
					return c
				}
			}
		}
		mark[i] = finished
		return nil
	}
	for i := range g.Stages {
		if mark[i] != unvisited {
			continue
		}
		if d := visit(i); d != nil {
			line := g.Stages[d.to].Instructions[d.cmd].Line
			return newError(line, "circular dependency detected on stage: %s", g.Stages[i].Label())
		}
	}
	return nil
}

// resolveTarget finds the target stage by name, case-insensitively, or takes the last stage.
func (g *Graph) resolveTarget(name string) (int, error) {
	if name == "" {
		return len(g.Stages) - 1, nil
	}
	found := -1
	var names []string
	for i := range g.Stages {
		if n := g.Stages[i].Name; n != "" {
			names = append(names, n)
			if strings.EqualFold(n, name) {
				found = i // the last stage of that name, as BuildKit's name table keeps it
			}
		}
	}
	if found < 0 {
		return 0, &TargetError{Target: name, Stages: names}
	}
	return found, nil
}

// markNeeded marks the stages reachable from the target through bases and references.
func (g *Graph) markNeeded(deps []dep) {
	var visit func(i int)
	visit = func(i int) {
		if g.Stages[i].Needed {
			return
		}
		g.Stages[i].Needed = true
		if b := g.Stages[i].BaseStage; b >= 0 {
			visit(b)
		}
		for _, d := range deps {
			if d.to == i && d.err == nil {
				visit(d.from)
			}
		}
	}
	visit(g.Target)
}

// checkOrder rejects what dockerfile2llb rejects only while it builds the needed stages in
// file order: a COPY --from or a mount of a stage that comes later in the file, and a mount it
// cannot read. The first one in file order wins, as in a build.
func (g *Graph) checkOrder(deps []dep) error {
	for _, d := range deps { // deps are in file order
		if !g.Stages[d.to].Needed {
			continue
		}
		line := g.Stages[d.to].Instructions[d.cmd].Line
		switch {
		case d.err != nil:
			return d.err
		case d.from < d.to:
			continue
		case d.kind == EdgeMount:
			return newError(line, "cannot mount from stage %q to %q, stage needs to be defined before current command", d.ref, d.mountTo)
		default:
			return newError(line, "cannot copy from stage %q, it needs to be defined before current stage %q", d.ref, g.Stages[d.to].Label())
		}
	}
	return nil
}

// validUTF8 replaces each byte that is not part of valid UTF-8 with U+FFFD, as text/scanner
// does.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// wrapAt attaches a location to a BuildKit error that has none and converts it.
func wrapAt(err error, loc []parser.Range) *Error {
	return fromBuildKit(err, startLine(loc))
}

func startLine(loc []parser.Range) int {
	if len(loc) == 0 {
		return 0
	}
	return loc[0].Start.Line
}

func lastLine(ast *parser.Node) int {
	if ast == nil || len(ast.Children) == 0 {
		return 0
	}
	return ast.Children[len(ast.Children)-1].StartLine
}

// displayText is an instruction's source on one line, its keyword in upper case.
func displayText(keyword, src string) string {
	words := strings.Fields(src)
	if len(words) == 0 {
		return keyword
	}
	words[0] = keyword
	return strings.Join(words, " ")
}
