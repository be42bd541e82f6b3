package classroom

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"charm.land/ssh"
	"charm.land/wish/v2"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/lesson"
)

// Config is a classroom server's settings; the zero values of the numbers mean their defaults.
type Config struct {
	Listen   string // address to listen on; ":2222" when empty
	StateDir string // host key, learners' stores, class reports
	Roster   Roster // the keys that may come in
	Course   *lesson.Course
	Builder  engine.Builder
	// Engines are the daemons learners build on, at least one; each learner sticks to one.
	Engines []Engine
	// MaxBuilds is how many builds (and analyses, and checks) run at once on each engine;
	// 0 means max(1, cores/2).
	MaxBuilds int
	// MaxSessions caps the sessions open at once (0: 100); IdleTimeout ends a session in which
	// no key was pressed for that long (0: 30 minutes; negative: never).
	MaxSessions int
	IdleTimeout time.Duration
	Limits      Limits // what a learner's builds and containers may use; zero: DefaultLimits
	// ConnBurst and ConnEvery limit new connections from one address: a burst of ConnBurst,
	// then one every ConnEvery (0: 60 and one a second, as a class behind one NAT needs).
	ConnBurst int
	ConnEvery time.Duration
	Log       io.Writer // who came and went, and what went wrong; nil discards
}

// The defaults of Config's zero values, which the command's flags show.
const (
	DefaultListen      = ":2222"
	DefaultMaxSessions = 100
	DefaultIdleTimeout = 30 * time.Minute
)

// DefaultMaxBuilds is how many builds run at once on each engine unless Config says: half the
// host's cores, at least one.
func DefaultMaxBuilds() int { return max(1, runtime.NumCPU()/2) }

// Engine is one daemon the class builds on.
type Engine struct {
	Name   string // the docker context's name, shown on the dashboard
	Engine engine.Engine
	// Sweep removes the containers docktutor made on this engine for the learners whose owner
	// label ours accepts, when the server stops (see Sweeper); nil when there is nothing to
	// sweep.
	Sweep func(ctx context.Context, ours func(owner string) bool) (int, error)
}

// ContainerLister is what Sweeper needs of an engine: *engine.Client has it.
type ContainerLister interface {
	ListManaged(ctx context.Context) (engine.Managed, error)
	RemoveContainer(ctx context.Context, id string) error
}

// Sweeper removes the containers docktutor made for a class's learners on one engine: created
// by docktutor (its names and label) and owned by one of this class's learners (ours accepts
// their OwnerLabel). Nothing else: not another class's on the same daemon, not those of a
// docktutor run on the host, nor any a learner's image started outside docktutor.
func Sweeper(e ContainerLister) func(ctx context.Context, ours func(owner string) bool) (int, error) {
	return func(ctx context.Context, ours func(owner string) bool) (int, error) {
		m, err := e.ListManaged(ctx)
		if err != nil {
			return 0, err
		}
		n := 0
		var errs []error
		for _, ct := range m.Containers {
			if !ct.MadeByDocktutor() || !ours(ct.Labels[engine.LabelOwner]) {
				continue
			}
			if err := e.RemoveContainer(ctx, ct.ID); err != nil {
				errs = append(errs, err)
				continue
			}
			n++
		}
		return n, errors.Join(errs...)
	}
}

// The reasons a session ends, besides the learner quitting.
var (
	errClassEnded = errors.New("the class has ended")
	errIdle       = errors.New("idle")
)

// ownerSuffix ends the owner label of everything a classroom learner makes. What comes before
// the '@' is a key fingerprint, never a user name, so a docktutor run on the host as any user
// (lab.IsMine) never takes a learner's images for its own.
const ownerSuffix = "@docktutor-serve"

// OwnerLabel is the value of engine.LabelOwner on a classroom learner's images and containers.
func OwnerLabel(fingerprint string) string { return fingerprint + ownerSuffix }

// Server serves the tutorial over SSH to the learners of a roster and the dashboard to its
// instructors.
type Server struct {
	cfg    Config
	room   *Room
	shared []*Shared
	srv    *ssh.Server
	ln     net.Listener
	flood  *floodGate
	owners map[string]bool // the owner labels of the roster's learners (OwnerLabel)

	mu       sync.Mutex
	sessions map[*session]struct{}
	ending   bool
	open     sync.WaitGroup
}

// New checks the configuration and makes the server; Listen and Serve start it.
func New(cfg Config) (*Server, error) {
	if len(cfg.Engines) == 0 {
		return nil, errors.New("classroom: no engine to build on")
	}
	if len(cfg.Roster) == 0 {
		return nil, errors.New("classroom: no keys may come in")
	}
	if cfg.Course == nil {
		return nil, errors.New("classroom: no course")
	}
	if cfg.Listen == "" {
		cfg.Listen = DefaultListen
	}
	if cfg.MaxBuilds <= 0 {
		cfg.MaxBuilds = DefaultMaxBuilds()
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = DefaultMaxSessions
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.Limits == (Limits{}) {
		cfg.Limits = DefaultLimits()
	}
	if cfg.ConnBurst <= 0 {
		cfg.ConnBurst = 60
	}
	if cfg.ConnEvery <= 0 {
		cfg.ConnEvery = time.Second
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if err := os.MkdirAll(filepath.Join(cfg.StateDir, learnersDir), 0o700); err != nil {
		return nil, fmt.Errorf("state dir: %w", err)
	}
	s := &Server{cfg: cfg, room: NewRoom(), sessions: map[*session]struct{}{}, flood: newFloodGate(cfg.ConnBurst, cfg.ConnEvery)}
	for _, e := range cfg.Engines {
		s.shared = append(s.shared, NewShared(e.Name, e.Engine, cfg.MaxBuilds, cfg.Limits))
	}
	s.owners = map[string]bool{}
	for fp, m := range cfg.Roster {
		if m.Role == RoleLearner {
			s.owners[OwnerLabel(fp)] = true
		}
	}
	srv, err := wish.NewServer(
		wish.WithAddress(cfg.Listen),
		wish.WithHostKeyPath(filepath.Join(cfg.StateDir, "ssh_host_ed25519_key")),
		wish.WithPublicKeyAuth(func(_ ssh.Context, key ssh.PublicKey) bool {
			_, ok := cfg.Roster[fingerprint(key)]
			return ok
		}),
		wish.WithMiddleware(func(ssh.Handler) ssh.Handler { return s.handle }),
	)
	if err != nil {
		return nil, fmt.Errorf("classroom: %w", err)
	}
	// A shell, nothing else: an exec request (ssh host some-command) and subsystems (sftp) are
	// refused; port forwarding is refused by leaving its callbacks unset.
	srv.SessionRequestCallback = func(_ ssh.Session, requestType string) bool { return requestType == "shell" }
	srv.ConnCallback = func(_ ssh.Context, conn net.Conn) net.Conn {
		if !s.flood.allow(conn.RemoteAddr(), time.Now()) {
			s.logf("refused a connection from %s: too many in a short time", conn.RemoteAddr())
			return nil
		}
		return conn
	}
	s.srv = srv
	return s, nil
}

// Room is the server's room of learners.
func (s *Server) Room() *Room { return s.room }

// Listen binds the server's address; Addr is then known (tests listen on port 0).
func (s *Server) Listen() error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	s.ln = ln
	return nil
}

// Addr is the address the server listens on, once Listen has bound it.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Serve serves until ctx ends, then ends the class: every session is told the class has ended,
// its builds are cancelled and its containers removed, and whatever docktutor made for the
// class that is still running is swept. It returns within about 10 seconds of ctx ending.
func (s *Server) Serve(ctx context.Context) error {
	if s.ln == nil {
		if err := s.Listen(); err != nil {
			return err
		}
	}
	served := make(chan error, 1)
	go func() { served <- s.srv.Serve(s.ln) }()
	select {
	case err := <-served:
		if !errors.Is(err, ssh.ErrServerClosed) {
			return err
		}
		return nil
	case <-ctx.Done():
	}
	s.end(7*time.Second, 3*time.Second)
	return nil
}

// end closes the class: no new connection, every session ended (waiting at most wait for
// their clean-up), then the sweep of every engine (at most sweep).
func (s *Server) end(wait, sweep time.Duration) {
	_ = s.ln.Close()
	s.mu.Lock()
	s.ending = true
	for ss := range s.sessions {
		ss.cancel(errClassEnded)
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.open.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(wait):
		s.logf("some sessions did not end within %s; closing their connections", wait)
	}
	_ = s.srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), sweep)
	defer cancel()
	for _, e := range s.cfg.Engines {
		if e.Sweep == nil {
			continue
		}
		n, err := e.Sweep(ctx, s.ours)
		switch {
		case err != nil:
			s.logf("engine %s: could not remove the class's containers: %v", e.Name, err)
		case n > 0:
			s.logf("engine %s: removed %d container(s) left by the class", e.Name, n)
		}
	}
}

// ours reports whether an owner label is one of this class's learners'.
func (s *Server) ours(owner string) bool { return s.owners[owner] }

// broadcast sends a line to every learner's status line and says how many sessions it reached.
func (s *Server) broadcast(text string) int {
	s.mu.Lock()
	var targets []*session
	for ss := range s.sessions {
		if ss.member.Role == RoleLearner {
			targets = append(targets, ss)
		}
	}
	s.mu.Unlock()
	n := 0
	for _, ss := range targets {
		if ss.announce(text) {
			n++
		}
	}
	s.logf("instructor: %q sent to %d session(s)", text, n)
	return n
}

// admit counts a new session, or refuses it when the class is full or ending.
func (s *Server) admit(ss *session) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.ending:
		return errClassEnded
	case len(s.sessions) >= s.cfg.MaxSessions:
		return fmt.Errorf("the class is full (%d sessions); ask the instructor", s.cfg.MaxSessions)
	}
	s.sessions[ss] = struct{}{}
	s.open.Add(1)
	return nil
}

// leave forgets a session that ended.
func (s *Server) leave(ss *session) {
	s.mu.Lock()
	delete(s.sessions, ss)
	s.mu.Unlock()
	s.open.Done()
}

func (s *Server) logf(format string, args ...any) {
	fmt.Fprintf(s.cfg.Log, "%s %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// floodGate limits new connections per address: a bucket of burst tokens, one back every
// every.
type floodGate struct {
	mu      sync.Mutex
	burst   float64
	every   time.Duration
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newFloodGate(burst int, every time.Duration) *floodGate {
	return &floodGate{burst: float64(burst), every: every, buckets: map[string]*bucket{}}
}

func (g *floodGate) allow(addr net.Addr, now time.Time) bool {
	host := addr.String()
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	b, ok := g.buckets[host]
	if !ok {
		b = &bucket{tokens: g.burst, at: now}
		g.buckets[host] = b
	}
	b.tokens = min(g.burst, b.tokens+float64(now.Sub(b.at))/float64(g.every))
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
