package classroom

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"github.com/charmbracelet/colorprofile"
	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/inside"
	"github.com/docktutor/docktutor/internal/progress"
	"github.com/docktutor/docktutor/internal/ui"
	gossh "golang.org/x/crypto/ssh"
)

// session is one SSH session: a learner's tutorial or an instructor's dashboard.
type session struct {
	sess   ssh.Session
	member Member
	cancel context.CancelCauseFunc

	mu      sync.Mutex
	program *tea.Program // once it is made
	seat    *seat        // a learner's, once seated
	// lastInput is the time of the last keypress, as Unix nanoseconds.
	lastInput atomic.Int64
}

// touched records a keypress, for the idle clock and the dashboard.
func (ss *session) touched() {
	now := time.Now()
	ss.lastInput.Store(now.UnixNano())
	ss.mu.Lock()
	st := ss.seat
	ss.mu.Unlock()
	if st != nil {
		st.touched(now)
	}
}

// announce sends an instructor's line to the session's program; false when it has none.
func (ss *session) announce(text string) bool {
	p := ss.currentProgram()
	if p == nil {
		return false
	}
	go p.Send(ui.AnnounceMsg{Text: text}) // Send waits for the program's loop; the sender must not
	return true
}

func (ss *session) setProgram(p *tea.Program) {
	ss.mu.Lock()
	ss.program = p
	ss.mu.Unlock()
}

// currentProgram is the session's program, nil until it is made.
func (ss *session) currentProgram() *tea.Program {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.program
}

func (ss *session) send(msg tea.Msg) {
	if p := ss.currentProgram(); p != nil {
		p.Send(msg)
	}
}

func fingerprint(key ssh.PublicKey) string { return gossh.FingerprintSHA256(key) }

// handle serves one SSH session from start to end.
func (s *Server) handle(sess ssh.Session) {
	member, ok := s.cfg.Roster[fingerprint(sess.PublicKey())]
	if !ok { // authentication let only the roster in; this cannot happen
		_ = sess.Exit(1)
		return
	}
	pty, windows, hasPty := sess.Pty()
	if !hasPty {
		fmt.Fprintln(sess.Stderr(), "docktutor is a full-screen tutorial and needs a terminal: connect with ssh -t.")
		_ = sess.Exit(1)
		return
	}
	ctx, cancel := context.WithCancelCause(sess.Context())
	defer cancel(nil)
	ss := &session{sess: sess, member: member, cancel: cancel}
	ss.lastInput.Store(time.Now().UnixNano())
	if err := s.admit(ss); err != nil {
		fmt.Fprintf(sess, "\r\ndocktutor: %v.\r\n", err)
		_ = sess.Exit(1)
		return
	}
	defer s.leave(ss)

	go func() { // a window change is a WindowSizeMsg; the channel must be read or the session stalls
		for {
			select {
			case <-ctx.Done():
				return
			case w := <-windows:
				ss.send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
			}
		}
	}()
	if s.cfg.IdleTimeout > 0 {
		go ss.watchIdle(ctx, s.cfg.IdleTimeout)
	}

	envs := append(slices.Clone(sess.Environ()), "TERM="+pty.Term)
	term := termOptions{
		env: envs, width: pty.Window.Width, height: pty.Window.Height,
		plain: envValue(envs, "NO_COLOR") != "" || pty.Term == "dumb",
		input: touchReader{r: sess, touch: ss.touched},
	}
	addr := sess.RemoteAddr().String()
	var err error
	if member.Role == RoleInstructor {
		s.logf("instructor %s came in from %s", member.Name, addr)
		err = s.runDashboard(ctx, ss, term)
	} else {
		s.logf("learner %s (%s) came in from %s", member.Name, member.Fingerprint, addr)
		err = s.runLearner(ctx, ss, term)
	}
	cause := context.Cause(ctx)
	switch {
	case errors.Is(cause, errClassEnded):
		fmt.Fprint(sess, "\r\nThe class has ended. Your progress is saved; thank you for coming.\r\n")
	case errors.Is(cause, errIdle):
		fmt.Fprintf(sess, "\r\nThis session ended after %s without a key pressed. Your progress is saved: ssh in again to carry on.\r\n", s.cfg.IdleTimeout)
	case err != nil && !errors.Is(err, context.Canceled):
		fmt.Fprintf(sess, "\r\ndocktutor: %v\r\n", err)
		s.logf("%s: %v", member.Name, err)
	default:
		fmt.Fprintf(sess, "\r\nBye, %s. Your progress is saved: ssh in again to carry on.\r\n", member.Name)
	}
	s.logf("%s left (%v)", member.Name, orString(cause, "quit"))
	_ = sess.Exit(0)
}

func orString(err error, s string) string {
	if err == nil {
		return s
	}
	return err.Error()
}

// watchIdle ends the session once no key has been pressed for idle.
func (ss *session) watchIdle(ctx context.Context, idle time.Duration) {
	tick := time.NewTicker(min(idle/4, 30*time.Second))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			if now.Sub(time.Unix(0, ss.lastInput.Load())) >= idle {
				ss.cancel(errIdle)
				return
			}
		}
	}
}

// termOptions are the session's terminal, as its program needs them.
type termOptions struct {
	env           []string
	width, height int
	plain         bool
	input         io.Reader
}

// programOptions are the Bubble Tea options of a session's program that ui.Options does not
// carry: its environment and colour profile, and the filter that keeps ctrl+z from suspending
// the server (there is no job control over SSH: it resumes at once instead).
func (t termOptions) programOptions() []tea.ProgramOption {
	return []tea.ProgramOption{
		tea.WithEnvironment(t.env),
		tea.WithColorProfile(colorprofile.Env(t.env)),
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			if _, ok := msg.(tea.SuspendMsg); ok {
				return tea.ResumeMsg{}
			}
			return msg
		}),
	}
}

// envValue is the value of key in an environment list, "" when it is not set.
func envValue(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], key+"="); ok {
			return v
		}
	}
	return ""
}

// touchReader calls touch whenever something is read: a keypress, for the idle clock.
type touchReader struct {
	r     io.Reader
	touch func()
}

func (t touchReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 {
		t.touch()
	}
	return n, err
}

// runLearner runs a learner's tutorial: their own stores, namespace, engine and seat in the
// room.
func (s *Server) runLearner(ctx context.Context, ss *session, t termOptions) error {
	m := ss.member
	dir := LearnerDir(s.cfg.StateDir, m.Fingerprint)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("your folder on the server: %w", err)
	}
	i := s.engineFor(m, dir)
	sh, base := s.shared[i], s.cfg.Engines[i].Engine
	var warnings []string
	store, ws, err := progress.Open(dir)
	for _, w := range ws {
		warnings = append(warnings, w.String())
	}
	if err != nil {
		warnings = append(warnings, "progress: "+err.Error()+"; this session's progress will not be kept")
	}
	results, ws, err := progress.OpenResults(dir)
	for _, w := range ws {
		warnings = append(warnings, w.String())
	}
	if err != nil {
		warnings = append(warnings, "results: "+err.Error())
	}
	seat := &seat{room: s.room, fp: m.Fingerprint}
	ss.mu.Lock()
	ss.seat = seat
	ss.mu.Unlock()
	s.room.update(m.Fingerprint, func(l *learnerState) {
		l.sessions++
		l.Name, l.Engine, l.Connected, l.LastInput = m.Name, s.cfg.Engines[i].Name, true, time.Now()
		if l.Where == "" {
			l.Where = "menu"
		}
	})
	defer s.room.update(m.Fingerprint, func(l *learnerState) {
		l.sessions--
		l.Connected = l.sessions > 0
		if !l.Connected {
			l.QueuePlace = 0
		}
	})
	ns := namespace(m.Name)
	eng := owned{Engine: sh.For(m.Fingerprint, seat.queued), owner: OwnerLabel(m.Fingerprint), namespace: ns, base: base}
	return ui.Run(ctx, ui.Options{
		Course:      s.cfg.Course,
		Connect:     func(ctx context.Context) (engine.Engine, engine.DaemonInfo, error) { return connect(ctx, base, eng) },
		Builder:     s.cfg.Builder,
		Namespace:   ns,
		ExerciseDir: filepath.Join(dir, "exercises"),
		Progress:    store,
		Results:     results,
		Warnings:    warnings,
		Classroom:   seat,
		Started:     ss.setProgram,
		Input:       t.input,
		Output:      ss.sess,
		Width:       t.width,
		Height:      t.height,
		Plain:       t.plain,
		Dark:        true,

		ProgramOptions: t.programOptions(),
	})
}

// connect is a learner's connection to their engine: base's daemon, asked whether it answers,
// used through eng (the room's queue, the learner's labels).
func connect(ctx context.Context, base, eng engine.Engine) (engine.Engine, engine.DaemonInfo, error) {
	info, err := base.Info(ctx)
	if err != nil {
		return nil, engine.DaemonInfo{}, err
	}
	return eng, info, nil
}

// engineFor is the index of the engine a learner builds on: the one they had, when this class
// still has it, else the one with the fewest learners connected. It is written into their
// folder.
func (s *Server) engineFor(m Member, dir string) int {
	lf, _ := ReadLearnerFile(dir)
	pick := slices.IndexFunc(s.cfg.Engines, func(e Engine) bool { return e.Name == lf.Engine })
	if pick < 0 {
		load := map[string]int{}
		for _, l := range s.room.Snapshot() {
			if l.Connected {
				load[l.Engine]++
			}
		}
		pick = 0
		for i, e := range s.cfg.Engines {
			if load[e.Name] < load[s.cfg.Engines[pick].Name] {
				pick = i
			}
		}
	}
	lf = LearnerFile{Fingerprint: m.Fingerprint, Name: m.Name, Engine: s.cfg.Engines[pick].Name}
	if err := WriteLearnerFile(dir, lf); err != nil {
		s.logf("%s: %v", m.Name, err)
	}
	return pick
}

// runDashboard runs an instructor's dashboard.
func (s *Server) runDashboard(ctx context.Context, ss *session, t termOptions) error {
	d := NewDashboard(instructorView{s}, DashboardOptions{Width: t.width, Height: t.height, Plain: t.plain, Dark: true})
	opts := append([]tea.ProgramOption{
		tea.WithContext(ctx), tea.WithoutSignalHandler(), tea.WithInput(t.input), tea.WithOutput(ss.sess),
		tea.WithWindowSize(t.width, t.height),
	}, t.programOptions()...)
	p := tea.NewProgram(d, opts...)
	ss.setProgram(p)
	_, err := p.Run()
	if errors.Is(err, tea.ErrProgramKilled) {
		return context.Cause(ctx)
	}
	return err
}

// instructorView is the room as the dashboard sees it.
type instructorView struct{ s *Server }

func (v instructorView) Snapshot() []Learner             { return v.s.room.Snapshot() }
func (v instructorView) Frame(fingerprint string) string { return v.s.room.Frame(fingerprint) }
func (v instructorView) Changed() <-chan struct{}        { return v.s.room.Changed() }
func (v instructorView) Broadcast(text string)           { v.s.broadcast(text) }
func (v instructorView) WriteReport() (string, error) {
	return WriteClassReport(v.s.cfg.StateDir, v.s.cfg.Course, time.Now())
}

// seat is a learner's place in the room: their program reports to it (ui.Classroom).
type seat struct {
	room *Room
	fp   string
}

func (t *seat) Moved(where string) { t.room.update(t.fp, func(l *learnerState) { l.Where = where }) }
func (t *seat) Built(ok bool) {
	t.room.update(t.fp, func(l *learnerState) { l.LastBuild = BuildMark{OK: ok, At: time.Now()} })
}
func (t *seat) RaiseHand(up bool) { t.room.update(t.fp, func(l *learnerState) { l.Hand = up }) }
func (t *seat) Drew(frame string) { t.room.update(t.fp, func(l *learnerState) { l.frame = frame }) }
func (t *seat) queued(place int) {
	t.room.update(t.fp, func(l *learnerState) { l.QueuePlace = place })
}

func (t *seat) touched(now time.Time) { t.room.touched(t.fp, now) }

// owned is a learner's engine as their session uses it. It labels everything the learner builds
// and runs as theirs (engine.LabelOwner is OwnerLabel of their fingerprint, whatever the program
// above put there), and it refuses to touch another learner's images: a learner's Dockerfile is
// theirs to write, and FROM docktutor/<someone else>/… would read another's work. Images by ID
// and the lessons' bases pass: only docktutor's tags name a learner.
type owned struct {
	engine.Engine
	owner     string
	namespace string // the learner's: their images are docktutor/<namespace>/…
	// base is the daemon's own engine under the queue, for what the program asks of an engine
	// beyond engine.Engine when it has it: listing and removing images (see below).
	base engine.Engine
}

// errCannot says the daemon's engine lacks an optional method.
func errCannot(base engine.Engine, what string) error {
	return fmt.Errorf("this engine (%T) cannot %s", base, what)
}

// ListManaged lists docktutor's images and containers on the daemon that are the learner's:
// the qa lesson counts a learner's images with it, and must not count the room's.
func (o owned) ListManaged(ctx context.Context) (engine.Managed, error) {
	l, ok := o.base.(interface {
		ListManaged(context.Context) (engine.Managed, error)
	})
	if !ok {
		return engine.Managed{}, errCannot(o.base, "list images")
	}
	all, err := l.ListManaged(ctx)
	if err != nil {
		return engine.Managed{}, err
	}
	mine, _ := all.Keep(func(labels map[string]string) bool { return labels[engine.LabelOwner] == o.owner })
	return mine, nil
}

// Remove removes one of the learner's images (an exercise's previous version).
func (o owned) Remove(ctx context.Context, ref string) error {
	if err := o.mine(ref); err != nil {
		return err
	}
	r, ok := o.base.(interface {
		Remove(context.Context, string) error
	})
	if !ok {
		return errCannot(o.base, "remove images")
	}
	return r.Remove(ctx, ref)
}

// RemoveStageImage removes a stage image the learner's own legacy build just left, by the ID
// the build reported.
func (o owned) RemoveStageImage(ctx context.Context, id string) error {
	r, ok := o.base.(interface {
		RemoveStageImage(context.Context, string) error
	})
	if !ok {
		return errCannot(o.base, "remove stage images")
	}
	return r.RemoveStageImage(ctx, id)
}

// errNotYours says a reference names another learner's image.
type errNotYours struct{ ref string }

func (e errNotYours) Error() string {
	return fmt.Sprintf("%s is another learner's image: in the classroom you build and look at your own images and the lessons' base images only", e.ref)
}

// mine checks that ref is not another learner's image.
func (o owned) mine(ref string) error {
	ref = strings.TrimPrefix(ref, "docker.io/")
	if !strings.HasPrefix(ref, "docktutor/") || strings.HasPrefix(ref, "docktutor/"+o.namespace+"/") {
		return nil
	}
	return errNotYours{ref}
}

// mineToBuild checks every image a build would read: the bases of its stages, and the images
// of COPY --from and RUN --mount=from.
func (o owned) mineToBuild(req engine.BuildRequest) error {
	if req.Context == nil {
		return nil
	}
	name := req.Dockerfile
	if name == "" {
		name = "Dockerfile"
	}
	src, err := fs.ReadFile(req.Context, name)
	if err != nil {
		return nil // the build reports a missing Dockerfile itself
	}
	g, err := dockerfile.Parse(src, dockerfile.Options{Target: req.Target, Filename: name})
	if err != nil {
		return nil // nor can the builder read it: the build says why
	}
	for _, st := range g.Stages {
		if st.BaseStage < 0 {
			if err := o.mine(st.Base); err != nil {
				return err
			}
		}
	}
	for _, ref := range g.External {
		if err := o.mine(ref); err != nil {
			return err
		}
	}
	return nil
}

func (o owned) Build(ctx context.Context, req engine.BuildRequest, emit func(engine.Event)) (engine.BuildResult, error) {
	if err := o.mine(req.Tag); err != nil {
		return engine.BuildResult{}, err
	}
	if err := o.mineToBuild(req); err != nil {
		return engine.BuildResult{}, err
	}
	req.Labels = withOwner(req.Labels, o.owner)
	return o.Engine.Build(ctx, req, emit)
}

func (o owned) Run(ctx context.Context, req engine.RunRequest) (engine.RunResult, error) {
	if err := o.mine(req.Image); err != nil {
		return engine.RunResult{}, err
	}
	req.Labels = withOwner(req.Labels, o.owner)
	return o.Engine.Run(ctx, req)
}

func (o owned) Inspect(ctx context.Context, ref string) (engine.ImageInfo, error) {
	if err := o.mine(ref); err != nil {
		return engine.ImageInfo{}, err
	}
	return o.Engine.Inspect(ctx, ref)
}

func (o owned) Contents(ctx context.Context, ref string) (inside.Report, error) {
	if err := o.mine(ref); err != nil {
		return inside.Report{}, err
	}
	return o.Engine.Contents(ctx, ref)
}

func (o owned) Probe(ctx context.Context, ref string) (engine.Probe, error) {
	if err := o.mine(ref); err != nil {
		return nil, err
	}
	return o.Engine.Probe(ctx, ref)
}

func withOwner(labels map[string]string, owner string) map[string]string {
	out := make(map[string]string, len(labels)+1)
	for k, v := range labels {
		out[k] = v
	}
	out[engine.LabelOwner] = owner
	return out
}
