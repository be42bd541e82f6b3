// Command classload measures `docktutor serve` under a class's load, for the README: the server's
// memory per extra learner session and the keypress-to-frame latency of learners on the menu
// while some of their classmates build. It reports figures against goals and never fails
// because a goal is missed; it exits non-zero only when it could not measure (see .ci/classload).
//
// The server runs in a child process (this program again, with -serve) so that the resident
// memory read from /proc is the server's alone; the parent generates the learners' keys, drives
// their SSH sessions on loopback and reads the child's /proc/PID/status.
package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/docktutor/docktutor/internal/classroom"
	"github.com/docktutor/docktutor/internal/course"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/enginefake"
	gossh "golang.org/x/crypto/ssh"
)

// The goals.
const (
	goalMBPerSession = 12.0
	goalP95          = 50 * time.Millisecond
)

// menuText is on the menu once it is drawn (the first lesson's title); lessonText on the first
// lesson's screen once it is open (its first strategy's title).
const (
	menuText   = "Normal builds"
	lessonText = "Python on python:3.13"
)

type options struct {
	engines  string
	sessions int
	builds   int
	samples  int
	pace     time.Duration
	fakeFor  time.Duration
	noCache  bool
	keep     bool
}

func main() {
	var o options
	var serve, keys, state string
	flag.StringVar(&o.engines, "engine", "both", "engines to measure: fake, docker or both")
	flag.IntVar(&o.sessions, "sessions", 30, "learner sessions at once")
	flag.IntVar(&o.builds, "builds", 4, "learners who build while the others press keys")
	flag.IntVar(&o.samples, "samples", 300, "latency samples to collect while every build runs")
	flag.DurationVar(&o.pace, "pace", 400*time.Millisecond, "time between one learner's keypresses")
	flag.DurationVar(&o.fakeFor, "fake-build", 4*time.Second, "how long a fake build takes (a log line every 50 ms)")
	flag.BoolVar(&o.noCache, "docker-no-cache", true, "make every real build skip the cache, so it takes seconds, not milliseconds")
	flag.BoolVar(&o.keep, "keep", false, "keep the work directory (keys, server logs, learners' state)")
	// The child's flags: not for people.
	flag.StringVar(&serve, "serve", "", "(internal) serve a class on this engine: fake or docker")
	flag.StringVar(&keys, "keys", "", "(internal) the learners' authorized_keys file")
	flag.StringVar(&state, "state", "", "(internal) the server's state dir")
	flag.Parse()
	if serve != "" {
		if err := serveClass(serve, keys, state, o); err != nil {
			fmt.Fprintln(os.Stderr, "classload server:", err)
			os.Exit(1)
		}
		return
	}
	if o.sessions < o.builds+1 || o.builds < 0 || (o.engines != "fake" && o.engines != "docker" && o.engines != "both") {
		fmt.Fprintln(os.Stderr, "classload: -sessions must exceed -builds, and -engine be fake, docker or both")
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "classload:", err)
		os.Exit(1)
	}
}

// ---- the server (child) ------------------------------------------------------------------------

// serveClass serves a class until SIGTERM. It tells the parent on stdout its address ("addr
// A"), every change in the number of builds running ("builds N") and every forced collection
// ("gc"), which it runs on SIGUSR1.
func serveClass(kind, keys, state string, o options) error {
	roster, err := classroom.LoadRoster(keys, "")
	if err != nil {
		return err
	}
	crs, err := course.Builtin()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	out := &lines{w: os.Stdout}
	var eng engine.Engine
	switch kind {
	case "fake":
		eng = slowFake{Engine: enginefake.New(nil), took: o.fakeFor}
	case "docker":
		cl, err := engine.New(ctx)
		if err != nil {
			return err
		}
		defer cl.Close()
		eng = cl
		if o.noCache {
			eng = noCache{cl}
		}
	default:
		return fmt.Errorf("unknown engine %q", kind)
	}
	logf, err := os.Create(filepath.Join(state, "..", "server-"+kind+".log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	srv, err := classroom.New(classroom.Config{
		Listen: "127.0.0.1:0", StateDir: state, Roster: roster, Course: crs, Builder: engine.BuilderAuto,
		Engines: []classroom.Engine{{Name: kind, Engine: &counted{Engine: eng, out: out}}},
		// Every builder's build runs at once: the figure is latency while N builds run, not
		// while one runs and the others wait in the queue.
		MaxBuilds: max(1, o.builds), IdleTimeout: -1, Log: logf,
	})
	if err != nil {
		return err
	}
	if err := srv.Listen(); err != nil {
		return err
	}
	usr1 := make(chan os.Signal, 1)
	signal.Notify(usr1, syscall.SIGUSR1)
	go func() {
		for range usr1 {
			runtime.GC()
			debug.FreeOSMemory()
			out.printf("gc")
		}
	}()
	out.printf("addr %s", srv.Addr())
	return srv.Serve(ctx)
}

// lines writes one line at a time from any goroutine.
type lines struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lines) printf(format string, args ...any) {
	l.mu.Lock()
	fmt.Fprintf(l.w, format+"\n", args...)
	l.mu.Unlock()
}

// counted tells the parent how many builds and containers are running, and how long each
// build took.
type counted struct {
	engine.Engine
	out          *lines
	builds, runs atomic.Int32
}

func (c *counted) Build(ctx context.Context, req engine.BuildRequest, emit func(engine.Event)) (engine.BuildResult, error) {
	start := time.Now()
	c.out.printf("builds %d", c.builds.Add(1))
	res, err := c.Engine.Build(ctx, req, emit)
	c.out.printf("built %.3f %t", time.Since(start).Seconds(), err == nil)
	c.out.printf("builds %d", c.builds.Add(-1))
	return res, err
}

func (c *counted) Run(ctx context.Context, req engine.RunRequest) (engine.RunResult, error) {
	c.out.printf("runs %d", c.runs.Add(1))
	defer func() { c.out.printf("runs %d", c.runs.Add(-1)) }()
	return c.Engine.Run(ctx, req)
}

// slowFake is the fake engine with builds that take a while and log every 50 ms, as a real
// build streams its output to the learner's screen.
type slowFake struct {
	*enginefake.Engine
	took time.Duration
}

func (f slowFake) Build(ctx context.Context, req engine.BuildRequest, emit func(engine.Event)) (engine.BuildResult, error) {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	end := time.After(f.took)
	for i := 1; ; i++ {
		select {
		case <-ctx.Done():
			return engine.BuildResult{}, ctx.Err()
		case <-end:
			return f.Engine.Build(ctx, req, emit)
		case <-tick.C:
			emit(engine.Event{Kind: engine.EventLog, Step: 1, Text: fmt.Sprintf("compiling part %d of many", i)})
		}
	}
}

// noCache makes every build skip the build cache: the classroom's learners cannot ask for that
// (ui.Options has no NoCache), and a cached rebuild of a lesson takes milliseconds.
type noCache struct{ engine.Engine }

func (n noCache) Build(ctx context.Context, req engine.BuildRequest, emit func(engine.Event)) (engine.BuildResult, error) {
	req.NoCache = true
	return n.Engine.Build(ctx, req, emit)
}

// ---- the driver (parent) -----------------------------------------------------------------------

// learner is one generated key and the name its comment gives.
type learner struct {
	name   string
	signer gossh.Signer
	pub    gossh.PublicKey
}

func newLearner(name string) (learner, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return learner{}, err
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		return learner{}, err
	}
	pk, err := gossh.NewPublicKey(pub)
	return learner{name: name, signer: signer, pub: pk}, err
}

// figures are one engine's results.
type figures struct {
	engine                   string
	skipped                  string  // why it was not measured
	rss0, rss1, rssN         int64   // kB: listening, 1 session settled, N settled
	rss1GC, rssNGC, rssBuild int64   // after a forced GC; N sessions while building
	rssLesson, rssLessonGC   int64   // the builders in a lesson, before building
	rssBuildGC, rssAfterGC   int64   // while building after a GC; once the builds stopped, after a GC
	cpuIdle, cpuBusy         float64 // the server's CPU use while sampling, in cores
	driverBusy               float64 // this program's, while sampling with builds
	waitIdle, waitBusy       float64 // how long the server's threads waited for a CPU, per second
	hwm                      int64
	idleWrites               int // output writes on idle menus over 2 s after settling
	idle, busy               []time.Duration
	busyAll                  int // samples taken during the building phase, any number building
	timeouts                 int
	built                    []time.Duration // the builds that succeeded
	failed                   int
	cancelled                bool // builds still ran 5 minutes after the sampling; cancelled
}

func run(o options) error {
	dir, err := os.MkdirTemp("", "docktutor-classload.")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintln(os.Stderr, "classload: keeping", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	people := make([]learner, o.sessions)
	var keys strings.Builder
	for i := range people {
		if people[i], err = newLearner(fmt.Sprintf("load%02d", i+1)); err != nil {
			return err
		}
		keys.WriteString(strings.TrimSpace(string(gossh.MarshalAuthorizedKey(people[i].pub))) + " " + people[i].name + "\n")
	}
	keyFile := filepath.Join(dir, "learners.keys")
	if err := os.WriteFile(keyFile, []byte(keys.String()), 0o600); err != nil {
		return err
	}
	load0, date := loadavg(), time.Now().UTC().Format(time.RFC3339)
	var all []figures
	for _, kind := range []string{"fake", "docker"} {
		if o.engines != "both" && o.engines != kind {
			continue
		}
		if kind == "docker" {
			if why := daemonAnswers(); why != "" {
				all = append(all, figures{engine: kind, skipped: why})
				continue
			}
		}
		fmt.Fprintf(os.Stderr, "classload: %s engine, %d sessions, %d building\n", kind, o.sessions, o.builds)
		f, err := measure(o, kind, dir, keyFile, people)
		if kind == "docker" {
			if n, cerr := cleanDocker(people); cerr != nil {
				err = errors.Join(err, fmt.Errorf("clean-up: %w", cerr))
			} else {
				fmt.Fprintf(os.Stderr, "classload: removed %d image(s) the learners built\n", n)
			}
		}
		if err != nil {
			return fmt.Errorf("%s engine: %w", kind, err)
		}
		all = append(all, f)
	}
	report(os.Stdout, o, all, date, load0, loadavg())
	return nil
}

// daemonAnswers is "" when a Docker daemon answers, else why not.
func daemonAnswers() string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cl, err := engine.New(ctx)
	if err != nil {
		return err.Error()
	}
	defer cl.Close()
	if _, err := cl.Info(ctx); err != nil {
		return err.Error()
	}
	return ""
}

// child is the server process and what it says on stdout.
type child struct {
	cmd      *exec.Cmd
	addr     chan string
	gc       chan struct{}
	building atomic.Int32
	running  atomic.Int32 // containers
	exited   chan struct{}

	mu     sync.Mutex
	built  []time.Duration // builds that succeeded
	failed int             // builds that failed or were cancelled
}

func startChild(o options, kind, dir, keyFile string) (*child, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	state := filepath.Join(dir, "state-"+kind)
	cmd := exec.Command(self, "-serve", kind, "-keys", keyFile, "-state", state,
		"-builds", strconv.Itoa(o.builds), "-fake-build", o.fakeFor.String(), "-docker-no-cache="+strconv.FormatBool(o.noCache))
	// The learners' progress and caches stay in the work directory.
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+filepath.Join(dir, "xdg-state"), "XDG_CACHE_HOME="+filepath.Join(dir, "xdg-cache"), "DOCKTUTOR_DEBUG=")
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, addr: make(chan string, 1), gc: make(chan struct{}, 1), exited: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			word, arg, _ := strings.Cut(sc.Text(), " ")
			switch word {
			case "addr":
				c.addr <- arg
			case "gc":
				c.gc <- struct{}{}
			case "builds":
				n, _ := strconv.Atoi(arg)
				c.building.Store(int32(n))
			case "runs":
				n, _ := strconv.Atoi(arg)
				c.running.Store(int32(n))
			case "built":
				secs, ok, _ := strings.Cut(arg, " ")
				d, _ := strconv.ParseFloat(secs, 64)
				c.mu.Lock()
				if ok == "true" {
					c.built = append(c.built, time.Duration(d*float64(time.Second)))
				} else {
					c.failed++
				}
				c.mu.Unlock()
			}
		}
		_ = cmd.Wait()
		close(c.exited)
	}()
	return c, nil
}

// rss reads the child's VmRSS and VmHWM in kB.
func (c *child) rss() (rss, hwm int64) {
	data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	for _, line := range strings.Split(string(data), "\n") {
		k, v, _ := strings.Cut(line, ":")
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			rss = n
		case "VmHWM":
			hwm = n
		}
	}
	return rss, hwm
}

// rssAfterGC forces a collection in the child (returning memory to the system) and reads its
// RSS once that is done.
func (c *child) rssAfterGC() (int64, error) {
	if err := c.cmd.Process.Signal(syscall.SIGUSR1); err != nil {
		return 0, err
	}
	select {
	case <-c.gc:
	case <-time.After(10 * time.Second):
		return 0, errors.New("the server did not collect its garbage within 10 s")
	}
	time.Sleep(300 * time.Millisecond)
	r, _ := c.rss()
	return r, nil
}

// cpu is the child's CPU time so far, in seconds (user and system, from /proc/PID/stat).
func (c *child) cpu() float64 {
	data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c.cmd.Process.Pid))
	_, rest, _ := strings.Cut(string(data), ") ") // the command's name may hold spaces
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	s, _ := strconv.ParseFloat(f[12], 64)
	return (u + s) / 100 // USER_HZ is 100 on Linux
}

// runWait is how long the child's threads have waited on a run queue for a CPU, in seconds,
// summed over its threads (/proc/PID/task/TID/schedstat, second field). Threads that ended are
// not counted, so it can only understate.
func (c *child) runWait() float64 {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", c.cmd.Process.Pid))
	var ns float64
	for _, t := range tasks {
		data, _ := os.ReadFile(t)
		if f := strings.Fields(string(data)); len(f) >= 2 {
			n, _ := strconv.ParseFloat(f[1], 64)
			ns += n
		}
	}
	return ns / 1e9
}

// selfCPU is this process's CPU time so far, in seconds.
func selfCPU() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func (c *child) stop() {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(20 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
}

// measure runs one engine's whole load: memory, then latency without and with builds.
func measure(o options, kind, dir, keyFile string, people []learner) (figures, error) {
	f := figures{engine: kind}
	c, err := startChild(o, kind, dir, keyFile)
	if err != nil {
		return f, err
	}
	defer c.stop()
	var addr string
	select {
	case addr = <-c.addr:
	case <-c.exited:
		return f, errors.New("the server exited before listening")
	case <-time.After(30 * time.Second):
		return f, errors.New("the server did not listen within 30 s")
	}
	time.Sleep(time.Second)
	f.rss0, _ = c.rss()

	terms := make([]*term, len(people))
	defer func() {
		for _, t := range terms {
			if t != nil {
				t.close()
			}
		}
	}()
	if terms[0], err = connect(addr, people[0]); err != nil {
		return f, err
	}
	if err := settle(terms[:1]); err != nil {
		return f, err
	}
	f.rss1, _ = c.rss()
	if f.rss1GC, err = c.rssAfterGC(); err != nil {
		return f, err
	}
	// The others come in together, as a class does when the instructor says "go".
	errs := make([]error, len(people))
	var wg sync.WaitGroup
	for i := 1; i < len(people); i++ {
		wg.Go(func() { terms[i], errs[i] = connect(addr, people[i]) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return f, err
	}
	if err := settle(terms); err != nil {
		return f, err
	}
	f.rssN, _ = c.rss()
	if f.rssNGC, err = c.rssAfterGC(); err != nil {
		return f, err
	}

	builders, pressers := terms[:o.builds], terms[o.builds:]
	before := 0
	for _, t := range pressers {
		before += t.writeCount()
	}
	time.Sleep(2 * time.Second)
	for _, t := range pressers {
		f.idleWrites += t.writeCount()
	}
	f.idleWrites -= before

	// Latency with nobody building, for comparison.
	cpu0, wait0, t0 := c.cpu(), c.runWait(), time.Now()
	f.idle, _, f.timeouts = sample(pressers, o.pace, func() bool { return true }, 200, 0, 8*time.Second)

	f.cpuIdle = (c.cpu() - cpu0) / time.Since(t0).Seconds()
	f.waitIdle = (c.runWait() - wait0) / time.Since(t0).Seconds()

	// Builders open the first lesson and keep building: b again every half second (the lesson
	// ignores b while a build runs), so their builds follow one another.
	for _, t := range builders {
		if err := t.press("\r"); err != nil {
			return f, err
		}
	}
	for _, t := range builders {
		if err := t.waitFor(lessonText, 30*time.Second); err != nil {
			return f, err
		}
	}
	_ = quiet(builders, 15*time.Second)
	f.rssLesson, _ = c.rss()
	if f.rssLessonGC, err = c.rssAfterGC(); err != nil {
		return f, err
	}
	stopBuilding := make(chan struct{})
	var bwg sync.WaitGroup
	for _, t := range builders {
		bwg.Go(func() {
			tick := time.NewTicker(500 * time.Millisecond)
			defer tick.Stop()
			for {
				_ = t.press("b")
				select {
				case <-stopBuilding:
					return
				case <-tick.C:
				}
			}
		})
	}
	deadline := time.Now().Add(90 * time.Second)
	for int(c.building.Load()) < o.builds {
		if time.Now().After(deadline) {
			close(stopBuilding)
			return f, fmt.Errorf("%d builds never ran at once (at most %d seen)", o.builds, c.building.Load())
		}
		time.Sleep(20 * time.Millisecond)
	}
	limit := 30 * time.Second
	if kind == "docker" {
		limit = 240 * time.Second
	}
	var all []time.Duration
	var to int
	self0 := selfCPU()
	cpu0, wait0, t0 = c.cpu(), c.runWait(), time.Now()
	f.busy, all, to = sample(pressers, o.pace, func() bool { return int(c.building.Load()) >= o.builds }, o.samples, 10*time.Second, limit)
	f.busyAll, f.timeouts = len(all), f.timeouts+to
	f.cpuBusy = (c.cpu() - cpu0) / time.Since(t0).Seconds()
	f.driverBusy = (selfCPU() - self0) / time.Since(t0).Seconds()
	f.waitBusy = (c.runWait() - wait0) / time.Since(t0).Seconds()
	f.rssBuild, f.hwm = c.rss()
	if f.rssBuildGC, err = c.rssAfterGC(); err != nil {
		return f, err
	}
	close(stopBuilding)
	bwg.Wait()
	// The builds in progress finish, with their runs and checks: a cancelled legacy build
	// leaves the images of the steps it finished behind, without the owner's label.
	deadline = time.Now().Add(5 * time.Minute)
	for idle := time.Duration(0); idle < 3*time.Second; time.Sleep(100 * time.Millisecond) {
		idle += 100 * time.Millisecond
		if c.building.Load() > 0 || c.running.Load() > 0 {
			idle = 0
		}
		if time.Now().After(deadline) {
			for _, t := range builders {
				_ = t.press("\x03") // ctrl+c cancels the build
			}
			f.cancelled = true
			break
		}
	}
	c.mu.Lock()
	f.built, f.failed = slices.Clone(c.built), c.failed
	c.mu.Unlock()
	f.rssAfterGC, err = c.rssAfterGC()
	return f, err
}

// sample has every presser press down and up in turn, at pace each, and times each keypress
// to the first output that follows it. It returns the samples taken while counts() held at the
// keypress (until there are want of them and least has passed, or limit has), all samples, and
// how many keypresses drew nothing within 3 s.
func sample(pressers []*term, pace time.Duration, counts func() bool, want int, least, limit time.Duration) (kept, all []time.Duration, timeouts int) {
	start := time.Now()
	var mu sync.Mutex
	stop := make(chan struct{})
	var once sync.Once
	end := func() { once.Do(func() { close(stop) }) }
	var wg sync.WaitGroup
	for i, t := range pressers {
		wg.Go(func() {
			// Spread the learners over one pace, so the keypresses do not come in waves.
			select {
			case <-stop:
				return
			case <-time.After(pace * time.Duration(i) / time.Duration(len(pressers))):
			}
			tick := time.NewTicker(pace)
			defer tick.Stop()
			for n := 0; ; n++ {
				keys := "\x1b[B" // down
				if n%2 == 1 {
					keys = "\x1b[A" // up
				}
				ok := counts()
				d, err := t.timedPress(keys, 3*time.Second)
				mu.Lock()
				switch {
				case err != nil:
					timeouts++
				default:
					all = append(all, d)
					if ok && counts() {
						kept = append(kept, d)
					}
				}
				if len(kept) >= want && time.Since(start) >= least {
					end()
				}
				mu.Unlock()
				select {
				case <-stop:
					return
				case <-tick.C:
				}
			}
		})
	}
	select {
	case <-stop:
	case <-time.After(limit):
		end()
	}
	wg.Wait()
	return kept, all, timeouts
}

// term is one learner's SSH session with a pseudo-terminal.
type term struct {
	name   string
	client *gossh.Client
	in     io.WriteCloser

	mu      sync.Mutex
	tail    []byte    // the end of what the screen was sent
	last    time.Time // when output last came
	writes  int
	pressed time.Time // a timed keypress waiting for output; zero when none waits
	drew    chan time.Duration
}

func connect(addr string, p learner) (*term, error) {
	client, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User: p.name, Auth: []gossh.AuthMethod{gossh.PublicKeys(p.signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
	})
	if err != nil {
		return nil, fmt.Errorf("%s cannot connect: %w", p.name, err)
	}
	t := &term{name: p.name, client: client, drew: make(chan time.Duration, 1)}
	sess, err := client.NewSession()
	if err == nil {
		err = sess.RequestPty("xterm-256color", 40, 120, gossh.TerminalModes{})
	}
	if err == nil {
		t.in, err = sess.StdinPipe()
	}
	if err == nil {
		sess.Stdout, sess.Stderr = t, t
		err = sess.Shell()
	}
	if err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("%s: %w", p.name, err)
	}
	return t, nil
}

// Write takes the session's output: it ends a timed keypress's wait.
func (t *term) Write(p []byte) (int, error) {
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.tail = append(t.tail, p...)
	if len(t.tail) > 256<<10 {
		t.tail = slices.Clone(t.tail[len(t.tail)-128<<10:])
	}
	t.last, t.writes = now, t.writes+1
	if !t.pressed.IsZero() {
		t.drew <- now.Sub(t.pressed)
		t.pressed = time.Time{}
	}
	return len(p), nil
}

func (t *term) writeCount() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.writes
}

func (t *term) press(keys string) error {
	_, err := io.WriteString(t.in, keys)
	return err
}

// timedPress sends keys and waits for the first output after them.
func (t *term) timedPress(keys string, timeout time.Duration) (time.Duration, error) {
	t.mu.Lock()
	select { // a late answer to an earlier keypress that timed out
	case <-t.drew:
	default:
	}
	t.pressed = time.Now()
	t.mu.Unlock()
	if err := t.press(keys); err != nil {
		return 0, err
	}
	select {
	case d := <-t.drew:
		return d, nil
	case <-time.After(timeout):
		t.mu.Lock()
		t.pressed = time.Time{}
		t.mu.Unlock()
		return 0, fmt.Errorf("%s: nothing drawn within %s of a keypress", t.name, timeout)
	}
}

// waitFor waits until the screen's text holds want.
func (t *term) waitFor(want string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		t.mu.Lock()
		text := ansi.Strip(string(t.tail))
		t.mu.Unlock()
		if strings.Contains(text, want) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: the screen never showed %q within %s", t.name, want, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (t *term) quietFor() time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return time.Since(t.last)
}

func (t *term) close() { _ = t.client.Close() }

// settle waits until every session's menu is drawn and nothing has been drawn for a second.
func settle(terms []*term) error {
	for _, t := range terms {
		if err := t.waitFor(menuText, 60*time.Second); err != nil {
			return err
		}
	}
	return quiet(terms, 30*time.Second)
}

// quiet waits until nothing has been drawn on any of terms for a second.
func quiet(terms []*term, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		still := true
		for _, t := range terms {
			still = still && t.quietFor() >= time.Second
		}
		if still {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("the screens never went quiet for a second within %s", timeout)
}

// cleanDocker removes what the learners left on the daemon: the images and containers that carry
// docktutor's label and belong to one of this run's keys (owner label) or namespaces (tag).
func cleanDocker(people []learner) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cl, err := engine.New(ctx)
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	owners, prefixes := map[string]bool{}, []string{}
	for _, p := range people {
		owners[classroom.OwnerLabel(gossh.FingerprintSHA256(p.pub))] = true
		prefixes = append(prefixes, "docktutor/"+p.name+"/")
	}
	ours := func(labels map[string]string, tags []string) bool {
		if labels[engine.LabelManaged] != "true" {
			return false
		}
		return owners[labels[engine.LabelOwner]] || slices.ContainsFunc(tags, func(tag string) bool {
			return slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(tag, p) })
		})
	}
	m, err := cl.ListManaged(ctx)
	if err != nil {
		return 0, err
	}
	var errs []error
	for _, ct := range m.Containers {
		if ct.MadeByDocktutor() && ours(ct.Labels, nil) {
			errs = append(errs, cl.RemoveContainer(ctx, ct.ID))
		}
	}
	n := 0
	for _, im := range m.Images {
		if !ours(im.Labels, im.Tags) {
			continue
		}
		refs := im.Tags
		if len(refs) == 0 {
			refs = []string{im.ID}
		}
		for _, ref := range refs {
			if err := cl.Remove(ctx, ref); err != nil {
				errs = append(errs, err)
			}
		}
		n++
	}
	return n, errors.Join(errs...)
}

// ---- the report --------------------------------------------------------------------------------

func report(w io.Writer, o options, all []figures, date, load0, load1 string) {
	fmt.Fprintf(w, "docktutor serve under load · %s · %d cores (%s/%s) · %s\n", date, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Fprintf(w, "load average (1, 5, 15 min): %s at the start, %s at the end; server and SSH clients share the machine\n", load0, load1)
	fmt.Fprintf(w, "%d sessions on loopback (120x40), %d of them building; the others press down/up every %s\n", o.sessions, o.builds, o.pace)
	for _, f := range all {
		fmt.Fprintln(w)
		if f.skipped != "" {
			fmt.Fprintf(w, "%s engine: skipped, no daemon answers (%s)\n", f.engine, f.skipped)
			continue
		}
		what := fmt.Sprintf("enginefake, each build %s with a log line every 50 ms", o.fakeFor)
		if f.engine == "docker" {
			what = "the Docker daemon, lesson normal/python (legacy builder as auto picks it, then run and checks)"
			if o.noCache {
				what += ", every build --no-cache"
			}
		}
		fmt.Fprintf(w, "%s engine: %s\n", f.engine, what)
		per := mb(f.rssN-f.rss1) / float64(o.sessions-1)
		perGC := mb(f.rssNGC-f.rss1GC) / float64(o.sessions-1)
		row := func(k, v string) { fmt.Fprintf(w, "  %-40s %s\n", k, v) }
		row("sessions", strconv.Itoa(o.sessions))
		row("server RSS, listening, no session", fmt.Sprintf("%.1f MB", mb(f.rss0)))
		row("server RSS, 1 session settled", fmt.Sprintf("%.1f MB (%.1f MB after a forced GC)", mb(f.rss1), mb(f.rss1GC)))
		row(fmt.Sprintf("server RSS, %d sessions settled", o.sessions), fmt.Sprintf("%.1f MB (%.1f MB after a forced GC)", mb(f.rssN), mb(f.rssNGC)))
		row("RSS per extra session", fmt.Sprintf("%.2f MB (%.2f MB after GC)   goal ≤ %.0f MB: %s", per, perGC, goalMBPerSession, verdict(max(per, perGC) <= goalMBPerSession)))
		row(fmt.Sprintf("server RSS, %d of them in a lesson", o.builds), fmt.Sprintf("%.1f MB (%.1f MB after GC): +%.2f MB (+%.2f MB) per lesson opened",
			mb(f.rssLesson), mb(f.rssLessonGC), mb(f.rssLesson-f.rssN)/float64(max(1, o.builds)), mb(f.rssLessonGC-f.rssNGC)/float64(max(1, o.builds))))
		row(fmt.Sprintf("server RSS while %d build; peak (HWM)", o.builds), fmt.Sprintf("%.1f MB (%.1f MB after GC); peak %.1f MB", mb(f.rssBuild), mb(f.rssBuildGC), mb(f.hwm)))
		row("server RSS once the builds stopped", fmt.Sprintf("%.1f MB after GC", mb(f.rssAfterGC)))
		row("keypress→frame, nobody building", latency(f.idle))
		row("  server CPU; its wait for a CPU", fmt.Sprintf("%.2f cores; %.0f ms a second", f.cpuIdle, 1000*f.waitIdle))
		row(fmt.Sprintf("keypress→frame, %d builds running", o.builds), latency(f.busy))
		row("  server CPU; its wait for a CPU", fmt.Sprintf("%.2f cores; %.0f ms a second (this driver: %.2f cores)", f.cpuBusy, 1000*f.waitBusy, f.driverBusy))
		if len(f.busy) > 0 {
			row("  p95 goal", fmt.Sprintf("≤ %d ms: %s", goalP95.Milliseconds(), verdict(pct(f.busy, 0.95) <= goalP95)))
		}
		bt := "none finished"
		if len(f.built) > 0 {
			bt = fmt.Sprintf("p50 %.1f s, max %.1f s", pct(f.built, 0.5).Seconds(), pct(f.built, 1).Seconds())
		}
		row("  builds", fmt.Sprintf("%d finished (%s), %d failed", len(f.built), bt, f.failed))
		if f.cancelled {
			row("  WARNING", "builds were cancelled: a legacy build may have left untagged intermediate images (io.docktutor.managed, no owner label)")
		}
		row("  samples in the building phase", fmt.Sprintf("%d, of which %d with all %d building; %d keypresses drew nothing within 3 s", f.busyAll, len(f.busy), o.builds, f.timeouts))
		row("  idle menus' output over 2 s", fmt.Sprintf("%d writes (0: every sample is the keypress's own frame)", f.idleWrites))
	}
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

func mb(kB int64) float64 { return float64(kB) / 1024 }

func latency(ds []time.Duration) string {
	if len(ds) == 0 {
		return "no samples"
	}
	return fmt.Sprintf("p50 %s  p95 %s  max %s  (%d samples)", ms(pct(ds, 0.5)), ms(pct(ds, 0.95)), ms(pct(ds, 1)), len(ds))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// pct is the q-quantile of ds by the nearest rank.
func pct(ds []time.Duration, q float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}

func loadavg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(data))[:3], " ")
}
