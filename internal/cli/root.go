// Package cli holds docktutor's command tree: one file per command, each with its own options
// struct. It wires lessons, the engine and the UI together and maps failures to exit codes;
// the work itself lives in the packages it calls.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/termtext"
	"github.com/spf13/cobra"
)

// envNamespace names the environment variable that gives a learner on a shared daemon a
// namespace of their own: images become docktutor/<namespace>/<lesson>:<strategy>.
const envNamespace = "DOCKTUTOR_NAMESPACE"

// Streams are the standard streams a command reads and writes. Commands never touch os.Stdout
// directly, so tests (and a future SSH server) can give them their own.
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// StdStreams returns the process's own standard streams.
func StdStreams() Streams { return Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr} }

// ExitError carries the exit code a failure should end the process with.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// exitf builds an ExitError from a format.
func exitf(code int, format string, args ...any) error {
	return &ExitError{Code: code, Err: fmt.Errorf(format, args...)}
}

// ErrorText is err's message made safe to print: errors quote Dockerfiles, container output
// and daemon messages, none of which may drive the terminal. Each line keeps its words and
// loses its escape sequences and control characters.
func ErrorText(err error) string { return termtext.PlainLines(err.Error()) }

// ExitCode maps an error from Execute to a process exit code: 0 for nil, the ExitError's code
// when there is one, 1 otherwise.
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return 1
}

// globalOptions are the flags every command shares.
type globalOptions struct {
	streams    Streams
	lessonsDir string // --lessons: load lessons from this folder instead of the embedded ones
	// connect opens the daemon; tests replace it with a fake.
	connect func(ctx context.Context) (engine.Engine, engine.DaemonInfo, error)
}

// Version is set at build time (-ldflags "-X github.com/docktutor/docktutor/internal/cli.Version=…").
var Version = "dev"

// NewRootCmd builds the docktutor command tree.
func NewRootCmd(streams Streams) *cobra.Command {
	return newRootCmd(&globalOptions{streams: streams, connect: connectEngine})
}

func newRootCmd(g *globalOptions) *cobra.Command {
	streams := g.streams
	root := &cobra.Command{
		Use:   "docktutor",
		Short: "Learn how container images are built, by building them",
		Long: `docktutor is an interactive terminal tutorial. Each lesson builds the same small apps
several ways against your own Docker daemon and shows the evidence beside the explanation:
the build as it streams, the measured image sizes, and what ships in each image.

Run it without arguments for the lesson menu.`,
		Version:       buildVersion(),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runMenu(cmd.Context(), g)
		},
	}
	root.SetVersionTemplate("docktutor {{.Version}}\n")
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.Err)
	root.PersistentFlags().StringVar(&g.lessonsDir, "lessons", "", "load lessons from `DIR` instead of the built-in ones")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &ExitError{Code: 2, Err: err}
	})
	root.AddCommand(
		newListCmd(g),
		newLessonCmd(g),
		newBuildCmd(g),
		newProgressCmd(g),
		newReportCmd(g),
		newGraphCmd(g),
		newDoctorCmd(g),
		newCleanCmd(g),
		newCheckCmd(g),
		newExerciseCmd(g),
		newKitCmd(g),
		newServeCmd(g),
	)
	return root
}

// writeJSON writes v as indented JSON: the --json output of every command.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// openEngine connects to the daemon for a command; release closes the connection.
func (g *globalOptions) openEngine(ctx context.Context) (eng engine.Engine, release func(), err error) {
	eng, _, err = g.connect(ctx)
	if err != nil {
		return nil, nil, err
	}
	release = func() {}
	if c, ok := eng.(io.Closer); ok {
		release = func() { _ = c.Close() }
	}
	return eng, release, nil
}
