package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/ui/stagegraph"
)

// graphFormats are the values --format takes.
var graphFormats = []string{"text", "json", "dot", "mermaid"}

// graphDefaultWidth is the width of text drawings that go to a file or a pipe.
const graphDefaultWidth = 80

type graphOptions struct {
	*globalOptions
	file      string
	target    string
	format    string
	width     int
	buildArgs []string
}

func newGraphCmd(g *globalOptions) *cobra.Command {
	o := &graphOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "graph [-f Dockerfile] [--target STAGE] [--format text|json|dot|mermaid]",
		Short: "Draw the stages of a Dockerfile and what crosses between them",
		Long: `Draw a Dockerfile's build stages as BuildKit reads them: what each stage starts FROM,
what COPY --from and RUN --mount=from= take from other stages and images, which stage is
THE IMAGE (the last one, or --target), and which stages the build does not need at all.

Formats:
  text     boxes and arrows for the terminal (one line per stage for big files);
           coloured on a terminal unless NO_COLOR is set
  json     the graph for scripts: {"stages":[{"index","name","base","needed","line"}],
           "edges":[{"from","to","kind","paths"}],"target","external"}; kind is base
           (FROM <stage>), copy (COPY --from) or mount (RUN --mount=from=)
  dot      Graphviz, for 'dot -Tsvg'
  mermaid  a Mermaid flowchart, for Markdown

A Dockerfile BuildKit would refuse exits with status 1 and "PATH:LINE: message", PATH as
given with -f (<stdin> for -f -); an unknown --target exits with status 2 and lists the
stages.`,
		Example: `  # The Dockerfile in the current folder
  docktutor graph

  # What does --target test build, and what does it leave out?
  docktutor graph -f build/Dockerfile --target test

  # Which stages does the image need? (jq)
  docktutor graph --format json | jq -r '.stages[] | select(.needed) | .name'

  # A picture for the docs
  docktutor graph --format dot | dot -Tsvg > stages.svg
  cat Dockerfile | docktutor graph -f - --format mermaid`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return exitf(2, "graph takes no arguments; to draw %s: docktutor graph -f %s", args[0], args[0])
			}
			return nil
		},
		RunE: func(*cobra.Command, []string) error { return o.run() },
	}
	f := cmd.Flags()
	f.StringVarP(&o.file, "file", "f", "Dockerfile", "read the Dockerfile at `PATH` (- for standard input)")
	f.StringVar(&o.target, "target", "", "draw the build of `STAGE` instead of the last stage")
	f.StringVar(&o.format, "format", "text", "output `FORMAT`: "+strings.Join(graphFormats, ", "))
	f.IntVar(&o.width, "width", 0, "draw text `COLUMNS` wide (default: the terminal's width, or 80)")
	f.StringArrayVar(&o.buildArgs, "build-arg", nil, "set a global ARG as docker build does, `KEY=VALUE` (repeatable)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(graphFormats, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("target", o.completeTargets)
	return cmd
}

func (o *graphOptions) run() error {
	if !slices.Contains(graphFormats, o.format) {
		return exitf(2, "unknown format %q; use %s", o.format, strings.Join(graphFormats, ", "))
	}
	args, err := parseBuildArgs(o.buildArgs)
	if err != nil {
		return err
	}
	src, err := o.read()
	if err != nil {
		return err
	}
	g, err := dockerfile.Parse(src, dockerfile.Options{Target: o.target, BuildArgs: args, Filename: o.fileName()})
	var te *dockerfile.TargetError
	switch {
	case errors.As(err, &te):
		return &ExitError{Code: 2, Err: err}
	case err != nil:
		return &ExitError{Code: 1, Err: err}
	}

	out := o.streams.Out
	switch o.format {
	case "json":
		b, err := json.MarshalIndent(g, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(out, "%s\n", b)
		return err
	case "dot":
		_, err := io.WriteString(out, stagegraph.DOT(g))
		return err
	case "mermaid":
		_, err := io.WriteString(out, stagegraph.Mermaid(g))
		return err
	}
	styles, w := o.textOutput()
	_, err = fmt.Fprintln(w, stagegraph.Render(g, nil, styles, o.textWidth()))
	return err
}

// read returns the Dockerfile's bytes from the file or standard input.
func (o *graphOptions) read() ([]byte, error) {
	if o.file == "-" {
		b, err := io.ReadAll(o.streams.In)
		if err != nil {
			return nil, exitf(1, "read the Dockerfile from standard input: %w", err)
		}
		return b, nil
	}
	b, err := os.ReadFile(o.file)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, exitf(1, "no Dockerfile at %s; name one with -f PATH (or -f - for standard input)", o.file)
	case errors.Is(err, syscall.EISDIR):
		return nil, exitf(1, "%s is a directory; name the Dockerfile in it: docktutor graph -f %s", o.file, filepath.Join(o.file, "Dockerfile"))
	case err != nil:
		return nil, &ExitError{Code: 1, Err: err} // it names the path and what failed
	}
	return b, nil
}

// fileName is how errors name the Dockerfile: the path as given, <stdin> for standard input.
func (o *graphOptions) fileName() string {
	if o.file == "-" {
		return "<stdin>"
	}
	return o.file
}

// parseBuildArgs turns KEY=VALUE flags into a map; a bare KEY takes its value from the
// environment, as docker build does.
func parseBuildArgs(list []string) (map[string]string, error) {
	args := map[string]string{}
	for _, a := range list {
		k, v, ok := strings.Cut(a, "=")
		if k == "" {
			return nil, exitf(2, "invalid --build-arg %q; use KEY=VALUE", a)
		}
		if !ok {
			if v, ok = os.LookupEnv(k); !ok {
				continue
			}
		}
		args[k] = v
	}
	return args, nil
}

// terminalFile returns w as a file when it is a terminal.
func terminalFile(w io.Writer) (*os.File, bool) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return nil, false
	}
	return f, true
}

// textOutput picks the styles for a text drawing and the writer to print it with: colours
// only on a terminal and without NO_COLOR, downsampled to what the terminal shows, for a dark
// background unless the terminal says, at once, that its background is light.
func (o *graphOptions) textOutput() (stagegraph.Styles, io.Writer) {
	out, ok := terminalFile(o.streams.Out)
	if !ok || os.Getenv("NO_COLOR") != "" {
		return stagegraph.PlainStyles(), o.streams.Out
	}
	return stagegraph.DefaultStyles(darkTerminal()), colorprofile.NewWriter(out, os.Environ())
}

// noColour reports whether the learner asked for no colours (NO_COLOR) or their terminal shows
// none (TERM=dumb).
func noColour() bool { return os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" }

// darkTerminal asks the terminal for its background colour, at most backgroundQueryTimeout,
// and says dark when it does not answer. A dumb terminal (or one nothing is known of) would
// print the question, not answer it: it is not asked.
func darkTerminal() bool {
	if t := os.Getenv("TERM"); t != "" && t != "dumb" {
		return darkBackground(backgroundQueryTimeout)
	}
	return true
}

// backgroundQueryTimeout bounds the wait for a terminal to say its background colour. A
// terminal that answers does so within milliseconds; lipgloss waits 2 s, twice, for one
// that does not.
const backgroundQueryTimeout = 100 * time.Millisecond

// darkBackground asks the controlling terminal for its background colour and reports whether
// it is dark; dark when the terminal cannot be asked or does not answer within timeout.
// It asks on /dev/tty opened for the purpose, not on standard input: only a file of its own
// can be given a read deadline and closed, so that nothing is left reading, and stealing the
// user's keys, after the timeout.
func darkBackground(timeout time.Duration) bool {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return true
	}
	defer tty.Close()
	dark, _ := queryBackground(tty, timeout)
	return dark
}

// queryBackground sends the terminal the background colour query (OSC 11), followed by the
// primary device attributes query that every terminal answers, and reads the answers until
// that second answer or the timeout. It never calls tty.Fd, which would make the file
// blocking and its deadline void; a file without deadlines (not a terminal, or a platform
// that cannot poll one) is not asked at all.
func queryBackground(tty *os.File, timeout time.Duration) (dark, answered bool) {
	if err := tty.SetReadDeadline(time.Now().Add(timeout)); err != nil {
		return true, false
	}
	conn, err := tty.SyscallConn()
	if err != nil {
		return true, false
	}
	var state *term.State
	if cerr := conn.Control(func(fd uintptr) { state, err = term.MakeRaw(fd) }); cerr != nil || err != nil {
		return true, false // not a terminal
	}
	defer conn.Control(func(fd uintptr) { _ = term.Restore(fd, state) })
	if _, err := io.WriteString(tty, ansi.RequestBackgroundColor+ansi.RequestPrimaryDeviceAttributes); err != nil {
		return true, false
	}
	return readBackground(tty)
}

// Answers to the queries: the background colour (OSC 11, ended by BEL or ST) and the
// primary device attributes (DA1).
var (
	backgroundAnswer = regexp.MustCompile(`\x1b\]11;([^\x07\x1b]*)(?:\x07|\x1b\\)`)
	attributesAnswer = regexp.MustCompile(`\x1b\[\?[0-9;]*c`)
)

// readBackground reads a terminal's answers to the background colour and device attributes
// queries until the device attributes (or an error, such as a passed deadline) end them. An
// answer may come in pieces, so the pieces are put together before they are read.
func readBackground(r io.Reader) (dark, answered bool) {
	var got []byte
	buf := make([]byte, 256)
	for len(got) < 4096 { // far more than two answers: the terminal is saying something else
		n, err := r.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil || attributesAnswer.Match(got) {
			break
		}
	}
	if m := backgroundAnswer.FindSubmatch(got); m != nil {
		if c := ansi.XParseColor(string(m[1])); c != nil {
			return isDark(c), true
		}
	}
	return true, false
}

// isDark reports whether c's lightness (HSL) is under one half, as lipgloss decides it.
func isDark(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	hi, lo := max(r, g, b), min(r, g, b)
	return hi+lo < 0xffff // (hi+lo)/2 < 0xffff/2
}

// textWidth is --width, else the terminal's width, else 80.
func (o *graphOptions) textWidth() int {
	if o.width > 0 {
		return o.width
	}
	if f, ok := terminalFile(o.streams.Out); ok {
		if w, _, err := term.GetSize(f.Fd()); err == nil && w > 0 {
			return w
		}
	}
	return graphDefaultWidth
}

// completeTargets offers the stage names of the Dockerfile -f names.
func (o *graphOptions) completeTargets(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	file, _ := cmd.Flags().GetString("file")
	if file == "-" {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	src, err := os.ReadFile(filepath.Clean(file))
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	g, err := dockerfile.Parse(src, dockerfile.Options{})
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var names []string
	for _, s := range g.Stages {
		if s.Name != "" {
			names = append(names, s.Name)
		}
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}
