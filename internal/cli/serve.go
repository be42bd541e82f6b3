package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/docktutor/docktutor/internal/classroom"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/human"
	"github.com/docktutor/docktutor/internal/progress"
	"github.com/spf13/cobra"
)

type serveOptions struct {
	*globalOptions
	listen, keys, instructors, stateDir, builder string
	maxBuilds, maxSessions                       int
	idle                                         time.Duration
	contexts                                     []string
}

func newServeCmd(g *globalOptions) *cobra.Command {
	o := &serveOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "serve --authorized-keys FILE [flags]",
		Short: "Serve the tutorial to a classroom over SSH",
		Long: `serve runs the tutorial for a whole room on this host: every learner types

  ssh -p 2222 HOST

and gets their own tutorial, builds, progress and images, with nothing to install. Only the
keys in --authorized-keys (learners) and --instructors get in; an instructor's key opens a
dashboard of the room instead: who is where, their last build, their place in the build
queue, their idle time and raised hands, with keys to follow a learner's screen (enter), send
everyone a line (m) and write a class report (r).

Builds from every learner share each engine's --max-builds slots, handed out in turn so one
learner cannot starve the others. A learner's builds and containers get no network and
memory and process limits. --docker-context (repeatable) spreads learners over several
engines; each learner keeps to one.

Ctrl-C or SIGTERM ends the class: every learner is told, builds are cancelled, docktutor's
containers removed, progress saved. 'docktutor serve report' prints the class report.`,
		Example: `  docktutor serve --authorized-keys class.keys --instructors teacher.keys
  docktutor serve --authorized-keys class.keys --docker-context node1 --docker-context node2
  docktutor serve report --state-dir ~/.local/state/docktutor/classroom`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	f := cmd.Flags()
	f.StringVar(&o.listen, "listen", classroom.DefaultListen, "`ADDR` to listen on")
	f.StringVar(&o.keys, "authorized-keys", "", "the learners' public keys: an authorized_keys `FILE`, one key a line, its comment the learner's name")
	f.StringVar(&o.instructors, "instructors", "", "the instructors' public keys, an authorized_keys `FILE`: they get the dashboard")
	f.StringVar(&o.stateDir, "state-dir", "", "`DIR` of the host key, the learners' progress and the class reports (default $XDG_STATE_HOME/docktutor/classroom)")
	f.IntVar(&o.maxBuilds, "max-builds", classroom.DefaultMaxBuilds(), "builds (and checks, and analyses) at once on each engine")
	f.IntVar(&o.maxSessions, "max-sessions", classroom.DefaultMaxSessions, "sessions open at once")
	f.DurationVar(&o.idle, "idle-timeout", classroom.DefaultIdleTimeout, "end a session after this long without a keypress (0: never)")
	f.StringArrayVar(&o.contexts, "docker-context", nil, "docker context `NAME` of an engine to build on (repeatable; default: the current one)")
	f.StringVar(&o.builder, "builder", "auto", "builder: auto, buildkit or legacy")
	cmd.AddCommand(newServeReportCmd(g))
	return cmd
}

// defaultClassDir is where a class keeps its state unless --state-dir says otherwise.
func defaultClassDir() (string, error) {
	dir, err := progress.DefaultDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "classroom"), nil
}

func (o *serveOptions) run(ctx context.Context) error {
	if o.keys == "" {
		return exitf(2, "serve needs --authorized-keys FILE: the learners' public keys, one a line (ssh-ed25519 AAAA… name)")
	}
	builder, err := engine.ParseBuilder(o.builder)
	if err != nil {
		return &ExitError{Code: 2, Err: err}
	}
	if o.maxBuilds < 1 || o.maxSessions < 1 || o.idle < 0 {
		return exitf(2, "--max-builds and --max-sessions must be at least 1, --idle-timeout not negative")
	}
	if o.stateDir == "" {
		if o.stateDir, err = defaultClassDir(); err != nil {
			return exitf(2, "no state dir: %v; give --state-dir", err)
		}
	}
	roster, err := classroom.LoadRoster(o.keys, o.instructors)
	if err != nil {
		return exitf(2, "%v", err)
	}
	c, err := o.loadCourse()
	if err != nil {
		return err
	}
	engines, closeAll, err := openClassEngines(ctx, o.contexts)
	if err != nil {
		return err
	}
	defer closeAll()
	idle := o.idle
	if idle == 0 {
		idle = -1 // never
	}
	srv, err := classroom.New(classroom.Config{
		Listen: o.listen, StateDir: o.stateDir, Roster: roster, Course: c, Builder: builder,
		Engines: engines, MaxBuilds: o.maxBuilds, MaxSessions: o.maxSessions, IdleTimeout: idle,
		Log: o.streams.Err,
	})
	if err != nil {
		return err
	}
	if err := srv.Listen(); err != nil {
		return exitf(1, "%v", err)
	}
	o.banner(o.streams.Err, srv, roster, engines)
	return srv.Serve(ctx)
}

// banner says what the class runs on and how to join it.
func (o *serveOptions) banner(w io.Writer, srv *classroom.Server, roster classroom.Roster, engines []classroom.Engine) {
	port := srv.Addr().String()
	if i := strings.LastIndexByte(port, ':'); i >= 0 {
		port = port[i+1:]
	}
	var names []string
	for _, e := range engines {
		names = append(names, e.Name)
	}
	fmt.Fprintf(w, "docktutor serve: listening on %s\n", srv.Addr())
	fmt.Fprintf(w, "  %s, %s · engines: %s · %s at once on each\n",
		human.Plural(roster.Count(classroom.RoleLearner), "learner key", ""), human.Plural(roster.Count(classroom.RoleInstructor), "instructor key", ""),
		strings.Join(names, ", "), human.Plural(o.maxBuilds, "build", ""))
	fmt.Fprintf(w, "  state: %s\n", o.stateDir)
	fmt.Fprintf(w, "Learners join with:  ssh -p %s <this host's address>\n", port)
	fmt.Fprintln(w, "Ctrl-C ends the class.")
}

// openClassEngines connects to the engines of the class: each named docker context, or the one
// the environment selects.
func openClassEngines(ctx context.Context, contexts []string) ([]classroom.Engine, func(), error) {
	var clients []*engine.Client
	closeAll := func() {
		for _, c := range clients {
			_ = c.Close()
		}
	}
	var out []classroom.Engine
	open := func(name string) error {
		var cl *engine.Client
		var err error
		if name == "" {
			cl, err = engine.New(ctx)
		} else {
			cl, err = engine.NewContext(ctx, name)
		}
		if err != nil {
			return err
		}
		clients = append(clients, cl)
		info, err := cl.Info(ctx)
		if err != nil {
			return err
		}
		if name == "" {
			name = orDefault(info.Context, "default")
		}
		for _, e := range out {
			if e.Name == name {
				return fmt.Errorf("engine %s is named twice", name)
			}
		}
		out = append(out, classroom.Engine{Name: name, Engine: cl, Sweep: classroom.Sweeper(cl)})
		return nil
	}
	if len(contexts) == 0 {
		contexts = []string{""}
	}
	for _, name := range contexts {
		if err := open(name); err != nil {
			closeAll()
			return nil, nil, err
		}
	}
	return out, closeAll, nil
}

func newServeReportCmd(g *globalOptions) *cobra.Command {
	var stateDir, out string
	cmd := &cobra.Command{
		Use:   "report [--state-dir DIR] [-o FILE]",
		Short: "Print the class report of a classroom: each learner's lessons, exercises and sizes",
		Args:  cobra.NoArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			if stateDir == "" {
				var err error
				if stateDir, err = defaultClassDir(); err != nil {
					return exitf(2, "no state dir: %v; give --state-dir", err)
				}
			}
			if !classroom.HoldsClass(stateDir) {
				return exitf(1, "%s holds no class (no learners folder): give the --state-dir the server used", stateDir)
			}
			c, err := g.loadCourse()
			if err != nil {
				return err
			}
			md, err := classroom.ClassReport(stateDir, c, time.Now())
			if err != nil {
				return err
			}
			if out != "" {
				return os.WriteFile(out, []byte(md), 0o644)
			}
			_, err = io.WriteString(g.streams.Out, md)
			return err
		},
	}
	cmd.Flags().StringVar(&stateDir, "state-dir", "", "the class's state `DIR`, as given to serve")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the report to `FILE`")
	return cmd
}
