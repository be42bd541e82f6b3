package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/term"
	"github.com/docktutor/docktutor/internal/audit"
	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/human"
	"github.com/docktutor/docktutor/internal/lab"
	"github.com/spf13/cobra"
)

// checkLesson is the lesson label and the repository of the images `docktutor check` builds:
// docktutor/check:<project>.
const checkLesson = "check"

// Exit codes of `docktutor check` beyond 0 (no warning), 1 (warnings, or a failed build) and 2
// (a usage error or a Dockerfile that does not parse).
const exitCheckUnmeasured = 3 // the daemon could not be reached, or the image not measured

type checkOptions struct {
	*globalOptions
	file      string
	context   string
	target    string
	builder   string
	maxSize   string
	maxLayers int
	json      bool
	quiet     bool
}

func newCheckCmd(g *globalOptions) *cobra.Command {
	o := &checkOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "check [-f Dockerfile] [--context DIR] [--target STAGE] [--json]",
		Short: "Build your own Dockerfile and check it against docktutor's goals",
		Long: `Build your own project's Dockerfile on your Docker daemon and check it with the goals the
lessons teach. Each finding says what was measured, where to look (a Dockerfile line or an
image layer) and which lesson teaches the fix.

The goals:
  install-after-copy  a dependency install (pip, npm, apt-get, go mod download…) after a
                      COPY of the whole build context: every edit reinstalls everything
  base-untagged, base-latest
                      a base image with no tag or with latest
  size, layers        the size and layer count of what ships (--max-size, --max-layers)
  shell, compiler, package-manager
                      a shell, a compiler or a package manager in what ships
  root                the image runs as root
  secret              a file that looks like a secret (.env, id_rsa, *.pem, *.key) in ANY
                      layer: a file deleted in a later layer still ships in an earlier one

The build context (--context, default the current folder) honours its .dockerignore. The
image is tagged docktutor/check:<folder name>, labelled like every image docktutor builds,
and 'docktutor clean' removes it.

Exit status: 0 when no goal warns, 1 when one does or the build fails, 2 for a usage error
or a Dockerfile that does not parse (with its line, before anything is built), 3 when the
daemon cannot be reached or the image cannot be measured.`,
		Example: `  docktutor check
  docktutor check -f docker/Dockerfile --context .
  docktutor check --target runtime --json | jq '.findings[] | select(.level == "warning")'`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return exitf(2, "check takes no arguments; for the project in %s: docktutor check --context %s", args[0], args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	f := cmd.Flags()
	f.StringVarP(&o.file, "file", "f", "", "the `Dockerfile` (default: Dockerfile in the context)")
	f.StringVar(&o.context, "context", ".", "the build context `DIR`")
	f.StringVar(&o.target, "target", "", "build this `STAGE` and check it as the image")
	f.StringVar(&o.builder, "builder", "auto", "builder: auto, buildkit or legacy")
	f.StringVar(&o.maxSize, "max-size", human.Size(audit.DefaultMaxSize), "the size goal for what ships, e.g. 100MB")
	f.IntVar(&o.maxLayers, "max-layers", audit.DefaultMaxLayers, "the layer-count goal for what ships")
	f.BoolVar(&o.json, "json", false, "print JSON (the README documents it)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "do not print build steps while building")
	return cmd
}

// projectCheckJSON is the JSON shape of `docktutor check --json`, documented in the README.
type projectCheckJSON struct {
	Dockerfile string `json:"dockerfile"`
	Context    string `json:"context"`
	Target     string `json:"target,omitempty"`
	audit.Report
	Passed   bool   `json:"passed"`
	Warnings int    `json:"warnings"`
	Error    string `json:"error,omitempty"`
}

// checkInput is the project as read from disk, before any daemon is involved.
type checkInput struct {
	contextDir string // as given
	file       string // the Dockerfile's path as given, or as defaulted
	fsys       fs.FS  // the build context, with the Dockerfile in it
	inContext  string // the Dockerfile's path inside fsys
	src        []byte
	graph      *dockerfile.Graph
}

func (o *checkOptions) run(ctx context.Context) error {
	builder, err := engine.ParseBuilder(o.builder)
	if err != nil {
		return &ExitError{Code: 2, Err: err}
	}
	maxSize, err := parseSize(o.maxSize)
	if err != nil {
		return &ExitError{Code: 2, Err: fmt.Errorf("--max-size: %w", err)}
	}
	in, err := o.read()
	if err != nil {
		return err
	}
	out := projectCheckJSON{Dockerfile: in.file, Context: in.contextDir, Target: o.target}

	eng, release, err := o.openEngine(ctx)
	if err != nil {
		// What the Dockerfile shows is still worth saying.
		out.Findings = audit.Static(in.graph, in.src)
		audit.Sort(out.Findings)
		return o.finish(out, &ExitError{Code: exitCheckUnmeasured, Err: err})
	}
	defer release()
	ae, ok := eng.(audit.Engine)
	if !ok {
		return fmt.Errorf("this engine cannot list an image's layers")
	}
	slug := projectSlug(in.contextDir)
	req := audit.Request{
		Context: in.fsys, Dockerfile: in.inContext, Source: in.src, Graph: in.graph, Target: o.target,
		Tag: lab.Tag(os.Getenv(envNamespace), checkLesson, slug),
		Labels: map[string]string{
			engine.LabelLesson: checkLesson, engine.LabelStrategy: slug, engine.LabelOwner: lab.Owner(),
		},
		Builder: builder,
		Limits:  audit.Limits{MaxSize: maxSize, MaxLayers: o.maxLayers},
	}
	var emit func(engine.Event)
	if !o.quiet {
		emit = stepPrinter(o.streams.Err, "check").Event
	}
	rep, err := audit.Check(ctx, ae, req, emit)
	out.Report = rep
	o.recordStageImages(rep.StageImages)
	var bf *audit.BuildFailedError
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return &ExitError{Code: 130, Err: errors.New("interrupted; the build was cancelled and its containers removed")}
	case errors.As(err, &bf):
		err = &ExitError{Code: 1, Err: fmt.Errorf("the build failed: %w", err)}
	default:
		err = &ExitError{Code: exitCheckUnmeasured, Err: err}
	}
	return o.finish(out, err)
}

// finish prints the report and returns the error the command ends with: err when there is
// one, exit status 1 when a goal warns.
func (o *checkOptions) finish(out projectCheckJSON, err error) error {
	if out.Findings == nil {
		out.Findings = []audit.Finding{}
	}
	out.Warnings = audit.Warnings(out.Findings)
	out.Passed = err == nil && out.Warnings == 0
	if err != nil {
		out.Error = err.Error()
	}
	if o.json {
		if werr := writeJSON(o.streams.Out, out); werr != nil {
			return werr
		}
	} else {
		printCheck(o.streams.Out, out, err == nil, o.checkWidth())
	}
	if err != nil {
		return err
	}
	if out.Warnings > 0 {
		return &ExitError{Code: 1, Err: fmt.Errorf("%s", human.Plural(out.Warnings, "goal warns", "goals warn"))}
	}
	return nil
}

// read finds the build context and the Dockerfile and parses it: everything that can go wrong
// before a daemon is asked exits 2 here, a broken Dockerfile with its line.
func (o *checkOptions) read() (*checkInput, error) {
	in := &checkInput{contextDir: o.context, file: o.file}
	st, err := os.Stat(o.context)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, exitf(2, "no build context at %s: --context names the project's folder", o.context)
	case err != nil:
		return nil, &ExitError{Code: 2, Err: err}
	case !st.IsDir():
		return nil, exitf(2, "the build context %s is not a folder: --context names the project's folder", o.context)
	}
	if in.file == "" {
		in.file = filepath.Join(o.context, "Dockerfile")
	}
	in.src, err = os.ReadFile(in.file)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, exitf(2, "no Dockerfile at %s; name one with -f PATH", in.file)
	case err != nil:
		return nil, &ExitError{Code: 2, Err: err}
	}
	in.graph, err = dockerfile.Parse(in.src, dockerfile.Options{Target: o.target, Filename: in.file})
	if err != nil {
		return nil, &ExitError{Code: 2, Err: err} // *dockerfile.Error names the file and line
	}

	ctxAbs, err := filepath.Abs(o.context)
	if err != nil {
		return nil, &ExitError{Code: 2, Err: err}
	}
	fileAbs, err := filepath.Abs(in.file)
	if err != nil {
		return nil, &ExitError{Code: 2, Err: err}
	}
	in.fsys = os.DirFS(ctxAbs)
	rel, err := filepath.Rel(ctxAbs, fileAbs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		// Outside the context: sent beside it under a name of its own, as the docker CLI does,
		// with the ignore file BuildKit reads beside it (Dockerfile.dockerignore), if any.
		in.inContext = ".docktutor-check.Dockerfile"
		in.fsys = audit.WithFile(in.fsys, in.inContext, in.src)
		if ignore, err := os.ReadFile(in.file + ".dockerignore"); err == nil {
			in.fsys = audit.WithFile(in.fsys, in.inContext+".dockerignore", ignore)
		}
	} else {
		in.inContext = filepath.ToSlash(rel)
	}
	return in, nil
}

// recordStageImages notes the legacy builder's leftover stage images so that clean removes
// them, as `docktutor build` does.
func (o *checkOptions) recordStageImages(ids []string) {
	if len(ids) == 0 {
		return
	}
	cache := o.openResults()
	if cache == nil {
		return
	}
	cache.AddStageImages(ids...)
	if err := cache.Save(); err != nil {
		o.warn(err.Error())
	}
}

// projectSlug names the project's image after its folder, as an image tag allows: lower-case
// letters, digits, '.', '_' and '-', at most 64 of them; "project" when nothing is left.
func projectSlug(dir string) string {
	abs, err := filepath.Abs(dir)
	if err == nil {
		dir = abs
	}
	var b strings.Builder
	for _, r := range strings.ToLower(filepath.Base(dir)) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)), r == '_', r == '-', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-.")
	if len(s) > 64 {
		s = s[:64]
	}
	if s == "" || s == "check" {
		return "project"
	}
	return s
}

// parseSize reads a size as people write it: 250MB, 1.5GB, 800kB, 1000000 (bytes). Units are
// decimal, as docker's are.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	num := strings.TrimRightFunc(t, unicode.IsLetter)
	unit := strings.ToUpper(strings.TrimSpace(t[len(num):]))
	mult := map[string]float64{"": 1, "B": 1, "KB": 1e3, "K": 1e3, "MB": 1e6, "M": 1e6, "GB": 1e9, "G": 1e9}[unit]
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || mult == 0 || v <= 0 {
		return 0, fmt.Errorf("%q is not a size; write it like 250MB or 1.5GB", s)
	}
	return int64(v * mult), nil
}

// printCheck writes the report for people, wrapped to width: a heading, each finding with
// what was measured, where to look and the lesson that teaches the fix (said once for goals
// that find several things), and a summary line.
func printCheck(w io.Writer, out projectCheckJSON, measured bool, width int) {
	head := dockerfile.Printable(out.Dockerfile)
	if out.Target != "" {
		head += " (target " + dockerfile.Printable(out.Target) + ")"
	}
	if measured {
		// "208.7 MB", as the goals' verdicts write sizes.
		size := strings.TrimRightFunc(human.Size(out.SizeBytes), unicode.IsLetter)
		size += " " + human.Size(out.SizeBytes)[len(size):]
		fmt.Fprintf(w, "%s → %s: %s, %s, built with %s\n\n", head, out.Image, size,
			human.Plural(out.Layers, "layer", "layers"), out.Builder)
	} else {
		fmt.Fprintf(w, "%s: not built; what the Dockerfile alone shows:\n\n", head)
	}
	notes := 0
	told := map[string]bool{}
	for _, f := range out.Findings {
		mark := "✗"
		if f.Level != audit.Warning {
			mark = "·"
			notes++
		}
		fmt.Fprintln(w, wrapText(mark+" "+f.ID+"  "+f.Title, width, "    "))
		measured := f.Measured
		if f.Want != "" {
			measured += " — goal: " + f.Want
		}
		fmt.Fprintln(w, wrapText("    measured  "+measured, width, "              "))
		if f.Where != "" {
			fmt.Fprintln(w, wrapText("    look at   "+f.Where, width, "              "))
		}
		if !told[f.ID] {
			if f.Level == audit.Warning {
				fmt.Fprintln(w, wrapText("    fix       "+f.Fix, width, "              "))
			}
			fmt.Fprintf(w, "    learn     docktutor lesson %s\n", f.Lesson)
			told[f.ID] = true
		}
		fmt.Fprintln(w)
	}
	var sum string
	switch {
	case out.Warnings == 0 && measured:
		sum = fmt.Sprintf("✓ no goal warns (%s).", human.Plural(notes, "note", "notes"))
	default:
		sum = fmt.Sprintf("%s, %s.", human.Plural(out.Warnings, "warning", "warnings"), human.Plural(notes, "note", "notes"))
	}
	if measured {
		sum += fmt.Sprintf(" The image stays as %s; 'docktutor clean' removes it.", out.Image)
	}
	fmt.Fprintln(w, wrapText(sum, width, ""))
}

// checkWidth is the width the report is wrapped to: the terminal's, 100 columns at most (long
// lines read badly), or 100 into a file or a pipe.
func (o *checkOptions) checkWidth() int {
	if f, ok := terminalFile(o.streams.Out); ok {
		if w, _, err := term.GetSize(f.Fd()); err == nil && w > 20 {
			return min(w, 100)
		}
	}
	return 100
}

// wrapText breaks s at spaces so that no line is wider than width (a word longer than the
// line stays whole), starting every line after the first with indent.
func wrapText(s string, width int, indent string) string {
	var b strings.Builder
	col, fresh := 0, true // fresh: nothing but the indent on the line yet
	for i, word := range strings.Split(s, " ") {
		n := utf8.RuneCountInString(word)
		switch {
		case i == 0:
		case col+1+n > width && !fresh && word != "":
			b.WriteString("\n" + indent)
			col = utf8.RuneCountInString(indent)
			b.WriteString(word)
			col += n
			fresh = false
			continue
		default:
			b.WriteByte(' ')
			col++
		}
		b.WriteString(word)
		col += n
		fresh = fresh && word == ""
	}
	return b.String()
}
