package cli

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"time"

	"charm.land/glamour/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
	learnerreport "github.com/docktutor/docktutor/internal/report"
	"github.com/spf13/cobra"
)

type reportOptions struct {
	*globalOptions
	format string
	output string
	now    func() time.Time // the report's date; tests fix it
}

func newReportCmd(g *globalOptions) *cobra.Command {
	o := &reportOptions{globalOptions: g, now: time.Now}
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write what you did: lessons, exercises, measured sizes, answers",
		Long: `Write a report of what you did in the course: each lesson and exercise, done or not; the
image sizes you measured, with the base image and builder of each; your answers; the date.
Keep it, or share it. On a terminal it is drawn for reading (NO_COLOR drops the colours);
redirected, piped or written with -o it is plain Markdown, which renders on a code-hosting
site and in any Markdown viewer. It is made from your progress ($XDG_STATE_HOME/docktutor) and your
last measured results ($XDG_CACHE_HOME/docktutor); it needs no Docker daemon.`,
		Example: `  docktutor report
  docktutor report -o my-docktutor.md
  docktutor report --format json | jq '.lessons[] | {id, status}'`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return o.run() },
	}
	cmd.Flags().StringVar(&o.format, "format", "markdown", "markdown or json")
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "write the report to `FILE` instead of standard output")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"markdown", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func (o *reportOptions) run() error {
	if o.format != "markdown" && o.format != "json" {
		return exitf(2, "unknown report format %q; use markdown or json", o.format)
	}
	c, err := o.loadCourse()
	if err != nil {
		return err
	}
	s, err := o.openProgress()
	if err != nil {
		return err
	}
	r := learnerreport.Build(learnerreport.Inputs{Course: c, Progress: s, Results: o.openResults(), Now: o.now(),
		Exercises: learnerreport.Exercises(c, s)})

	var b bytes.Buffer
	if o.format == "json" {
		if err := learnerreport.WriteJSON(&b, r); err != nil {
			return err
		}
	} else {
		b.WriteString(learnerreport.Markdown(r))
	}
	if o.output == "" {
		if f, ok := terminalFile(o.streams.Out); ok && o.format == "markdown" {
			return drawReport(f, b.String())
		}
		_, err := o.streams.Out.Write(b.Bytes())
		return err
	}
	if err := os.WriteFile(o.output, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	fmt.Fprintf(o.streams.Err, "Report written to %s\n", o.output)
	return nil
}

// drawReport draws the Markdown report on the terminal f for reading: glamour's style for the
// terminal's background, or its colourless one under NO_COLOR or a dumb terminal, wrapped to
// the terminal's width (at most 100 columns, which reads better than a wide window's lines).
func drawReport(f *os.File, md string) error {
	style := "notty"
	if !noColour() && os.Getenv("TERM") != "" {
		style = "light"
		if darkTerminal() {
			style = "dark"
		}
	}
	width := 80
	if w, _, err := term.GetSize(f.Fd()); err == nil && w > 20 {
		width = min(w, 100)
	}
	out, err := renderReport(md, style, width)
	if err != nil { // the plain Markdown still says it all
		_, err = f.WriteString(md)
		return err
	}
	_, err = colorprofile.NewWriter(f, os.Environ()).Write([]byte(out))
	return err
}

// renderReport renders the Markdown report with a glamour style, wrapped to width.
func renderReport(md, style string, width int) (string, error) {
	r, err := glamour.NewTermRenderer(glamour.WithStandardStyle(style), glamour.WithWordWrap(width))
	if err != nil {
		return "", err
	}
	out, err := r.Render(md)
	return strings.TrimLeft(out, "\n"), err
}
