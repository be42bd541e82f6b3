package classroom

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/docktutor/docktutor/internal/course"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/enginefake"
	gossh "golang.org/x/crypto/ssh"
)

// person is a key pair for the tests, and the name its comment gives.
type person struct {
	name   string
	signer gossh.Signer
	pub    gossh.PublicKey
}

func newPerson(t testing.TB, name string) person {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := gossh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return person{name: name, signer: signer, pub: pk}
}

func (p person) fingerprint() string { return gossh.FingerprintSHA256(p.pub) }

// authorizedLine is the person's line in an authorized_keys file.
func (p person) authorizedLine() string {
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(p.pub))) + " " + p.name + "@laptop\n"
}

func writeKeys(t testing.TB, dir, file string, people ...person) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("# the class of 2026-12\n")
	for _, p := range people {
		b.WriteString(p.authorizedLine())
	}
	path := filepath.Join(dir, file)
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// class is a server on loopback with a fake engine, and the people it lets in.
type classRun struct {
	srv        *Server
	eng        *recordingEngine
	addr       string
	stop       context.CancelFunc
	served     chan struct{} // closed when Serve has returned, with its error in serveErr
	serveErr   error
	ada, linus person
	grace      person // the instructor
}

type classOption func(*Config)

func startClass(t *testing.T, opts ...classOption) *classRun {
	t.Helper()
	return startClassOf(t, "ada", "linus", opts...)
}

// startClassOf starts a class whose two learners are named first and second (c.ada and
// c.linus), and whose instructor is grace.
func startClassOf(t *testing.T, first, second string, opts ...classOption) *classRun {
	t.Helper()
	dir := t.TempDir()
	c := &classRun{ada: newPerson(t, first), linus: newPerson(t, second), grace: newPerson(t, "grace")}
	roster, err := LoadRoster(writeKeys(t, dir, "learners", c.ada, c.linus), writeKeys(t, dir, "instructors", c.grace))
	if err != nil {
		t.Fatal(err)
	}
	crs, err := course.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	c.eng = &recordingEngine{Engine: enginefake.New(nil)}
	cfg := Config{
		Listen: "127.0.0.1:0", StateDir: filepath.Join(dir, "state"), Roster: roster, Course: crs,
		Engines: []Engine{{Name: "default", Engine: c.eng}}, MaxBuilds: 1, Log: &lockedBuffer{},
	}
	for _, o := range opts {
		o(&cfg)
	}
	c.srv, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.srv.Listen(); err != nil {
		t.Fatal(err)
	}
	c.addr = c.srv.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	c.stop, c.served = cancel, make(chan struct{})
	go func() {
		c.serveErr = c.srv.Serve(ctx)
		close(c.served)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-c.served:
		case <-time.After(15 * time.Second):
			t.Error("the server did not stop within 15 s")
		}
	})
	return c
}

// terminal is one SSH session with a pseudo-terminal, as `ssh -p PORT host` opens it.
type terminal struct {
	t      *testing.T
	client *gossh.Client
	sess   *gossh.Session
	in     io.WriteCloser
	out    *lockedBuffer
	done   chan error
}

func dial(addr string, p person) (*gossh.Client, error) {
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User: p.name, Auth: []gossh.AuthMethod{gossh.PublicKeys(p.signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second,
	})
}

func (c *classRun) connect(t *testing.T, p person, width, height int) *terminal {
	t.Helper()
	client, err := dial(c.addr, p)
	if err != nil {
		t.Fatalf("%s cannot connect: %v", p.name, err)
	}
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", height, width, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	in, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	term := &terminal{t: t, client: client, sess: sess, in: in, out: &lockedBuffer{}, done: make(chan error, 1)}
	sess.Stdout, sess.Stderr = term.out, term.out
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	go func() { term.done <- sess.Wait() }()
	t.Cleanup(func() { _ = client.Close() })
	return term
}

// waitFor waits until the screen's text (escape sequences stripped) holds every want.
func (term *terminal) waitFor(want ...string) {
	term.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		text := ansi.Strip(term.out.String())
		missing := ""
		for _, w := range want {
			if !strings.Contains(text, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("the screen never showed %q; it shows:\n%s", missing, tail(text, 3000))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (term *terminal) press(keys string) {
	term.t.Helper()
	if _, err := io.WriteString(term.in, keys); err != nil {
		term.t.Fatal(err)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// waitRoom waits until the room's record of a learner satisfies ok.
func waitRoom(t *testing.T, r *Room, fp string, what string, ok func(Learner) bool) Learner {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, l := range r.Snapshot() {
			if l.Fingerprint == fp && ok(l) {
				return l
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the room never saw %s; it has %+v", what, r.Snapshot())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestTwoLearnersAndAnInstructor(t *testing.T) {
	c := startClass(t)
	ada := c.connect(t, c.ada, 120, 40)
	linus := c.connect(t, c.linus, 100, 30)
	first := c.srv.cfg.Course.Lessons[0]
	ada.waitFor(first.Title)
	linus.waitFor(first.Title)

	// Ada opens the first lesson; Linus stays on the menu.
	ada.press("\r")
	waitRoom(t, c.srv.Room(), c.ada.fingerprint(), "ada in a lesson", func(l Learner) bool { return l.Where == "lesson "+first.ID })

	grace := c.connect(t, c.grace, 120, 30)
	grace.waitFor("ada", "linus", "lesson "+first.ID, "menu")
	if strings.Contains(ansi.Strip(grace.out.String()), first.Title) {
		t.Error("the instructor's key opened the tutorial, not the dashboard")
	}
	for _, l := range c.srv.Room().Snapshot() {
		if !l.Connected || l.Engine != "default" {
			t.Errorf("%s: connected %v on engine %q, want connected on default", l.Name, l.Connected, l.Engine)
		}
	}

	// A raised hand reaches the room; the learner's status line says it is up.
	linus.press("h")
	waitRoom(t, c.srv.Room(), c.linus.fingerprint(), "linus's hand", func(l Learner) bool { return l.Hand })
	linus.waitFor("your hand is up")
}

func TestLearnersBuildApart(t *testing.T) {
	c := startClass(t)
	for _, p := range []person{c.ada, c.linus} {
		term := c.connect(t, p, 120, 40)
		term.waitFor(c.srv.cfg.Course.Lessons[0].Title)
		term.press("\r")
		waitRoom(t, c.srv.Room(), p.fingerprint(), p.name+" in a lesson", func(l Learner) bool { return strings.HasPrefix(l.Where, "lesson ") })
		term.waitFor("API 1.") // connected: the status line names the daemon
		term.press("b")
		waitRoom(t, c.srv.Room(), p.fingerprint(), p.name+"'s build", func(l Learner) bool { return !l.LastBuild.At.IsZero() })
	}
	builds := c.eng.builds()
	if len(builds) < 2 {
		t.Fatalf("builds: %v, want one of each learner", builds)
	}
	seen := map[string]bool{}
	for _, b := range builds {
		switch {
		case strings.HasPrefix(b.Tag, "docktutor/ada/"):
			seen["ada"] = true
			if b.Labels[engine.LabelOwner] != OwnerLabel(c.ada.fingerprint()) {
				t.Errorf("ada's image %s is labelled owner %q", b.Tag, b.Labels[engine.LabelOwner])
			}
		case strings.HasPrefix(b.Tag, "docktutor/linus/"):
			seen["linus"] = true
			if b.Labels[engine.LabelOwner] != OwnerLabel(c.linus.fingerprint()) {
				t.Errorf("linus's image %s is labelled owner %q", b.Tag, b.Labels[engine.LabelOwner])
			}
		default:
			t.Errorf("image %s is in no learner's namespace", b.Tag)
		}
	}
	if !seen["ada"] || !seen["linus"] {
		t.Errorf("builds %v: want both learners' own", builds)
	}
	// Each learner's progress is in their own folder.
	for _, p := range []person{c.ada, c.linus} {
		lf, err := ReadLearnerFile(LearnerDir(c.srv.cfg.StateDir, p.fingerprint()))
		if err != nil || lf.Name != p.name || lf.Engine != "default" {
			t.Errorf("%s's learner file: %+v, %v", p.name, lf, err)
		}
	}
}

func TestAStrangersKeyIsRefused(t *testing.T) {
	c := startClass(t)
	if client, err := dial(c.addr, newPerson(t, "mallory")); err == nil {
		client.Close()
		t.Fatal("a key in neither file got in")
	}
}

func TestCommandsAreRefused(t *testing.T) {
	c := startClass(t)
	client, err := dial(c.addr, c.ada)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	out, err := sess.CombinedOutput("cat /etc/passwd")
	if err == nil || strings.Contains(string(out), "root:") {
		t.Fatalf("an exec request ran: %q, %v", out, err)
	}
	sess2, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess2.Close()
	if err := sess2.RequestSubsystem("sftp"); err == nil {
		t.Error("the sftp subsystem was granted")
	}
	if _, err := client.Dial("tcp", "127.0.0.1:22"); err == nil {
		t.Error("port forwarding was granted")
	}
}

func TestNoTerminalIsToldWhy(t *testing.T) {
	c := startClass(t)
	client, err := dial(c.addr, c.ada)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var out lockedBuffer
	sess.Stdout, sess.Stderr = &out, &out
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	err = sess.Wait()
	if err == nil || !strings.Contains(out.String(), "ssh -t") {
		t.Errorf("a session without a terminal: %v, %q", err, out.String())
	}
}

func TestAResizeReachesTheProgram(t *testing.T) {
	c := startClass(t)
	ada := c.connect(t, c.ada, 120, 40)
	ada.waitFor(c.srv.cfg.Course.Lessons[0].Title)
	if err := ada.sess.WindowChange(30, 90); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		lines := strings.Split(c.srv.Room().Frame(c.ada.fingerprint()), "\n")
		widest := 0
		for _, l := range lines {
			widest = max(widest, ansi.StringWidth(l))
		}
		if len(lines) == 30 && widest <= 90 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a resize to 90×30 the frame is %d lines, %d wide", len(lines), widest)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestTheClassEnds(t *testing.T) {
	c := startClass(t)
	ada := c.connect(t, c.ada, 120, 40)
	grace := c.connect(t, c.grace, 120, 30)
	ada.waitFor(c.srv.cfg.Course.Lessons[0].Title)
	grace.waitFor("ada")
	start := time.Now()
	c.stop()
	select {
	case <-c.served:
		if c.serveErr != nil {
			t.Errorf("Serve: %v", c.serveErr)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop within 10 s")
	}
	t.Logf("the class ended in %s", time.Since(start).Round(time.Millisecond))
	for _, term := range []*terminal{ada, grace} {
		select {
		case <-term.done:
		case <-time.After(5 * time.Second):
			t.Fatal("a session stayed open after the class ended")
		}
		if !strings.Contains(ansi.Strip(term.out.String()), "The class has ended") {
			t.Errorf("a session was not told the class ended: %q", tail(ansi.Strip(term.out.String()), 300))
		}
	}
	if _, err := dial(c.addr, c.ada); err == nil {
		t.Error("the server still accepts connections")
	}
}

func TestAnnouncementsReachEveryLearner(t *testing.T) {
	c := startClass(t)
	ada := c.connect(t, c.ada, 120, 40)
	linus := c.connect(t, c.linus, 120, 40)
	ada.waitFor(c.srv.cfg.Course.Lessons[0].Title)
	linus.waitFor(c.srv.cfg.Course.Lessons[0].Title)
	if n := c.srv.broadcast("break until 11:00"); n != 2 {
		t.Errorf("the line reached %d sessions, want 2", n)
	}
	ada.waitFor("instructor: break until 11:00")
	linus.waitFor("instructor: break until 11:00")
}

func TestIdleSessionsEnd(t *testing.T) {
	c := startClass(t, func(cfg *Config) { cfg.IdleTimeout = 300 * time.Millisecond })
	ada := c.connect(t, c.ada, 120, 40)
	select {
	case <-ada.done:
	case <-time.After(10 * time.Second):
		t.Fatal("an idle session stayed open")
	}
	if !strings.Contains(ansi.Strip(ada.out.String()), "without a key pressed") {
		t.Errorf("the idle learner was not told why: %q", tail(ansi.Strip(ada.out.String()), 300))
	}
}

func TestTheClassIsFull(t *testing.T) {
	c := startClass(t, func(cfg *Config) { cfg.MaxSessions = 1 })
	ada := c.connect(t, c.ada, 120, 40)
	ada.waitFor(c.srv.cfg.Course.Lessons[0].Title)
	linus := c.connect(t, c.linus, 120, 40)
	select {
	case <-linus.done:
	case <-time.After(10 * time.Second):
		t.Fatal("a session over the cap stayed open")
	}
	if !strings.Contains(linus.out.String(), "the class is full") {
		t.Errorf("the session over the cap was not told: %q", linus.out.String())
	}
}

func TestConnectionFloodsAreCut(t *testing.T) {
	g := newFloodGate(3, time.Minute)
	addr := &net.TCPAddr{IP: net.ParseIP("10.0.0.7"), Port: 5000}
	now := time.Now()
	for i := range 3 {
		if !g.allow(addr, now) {
			t.Fatalf("connection %d of a burst of 3 was refused", i+1)
		}
	}
	if g.allow(addr, now) {
		t.Error("a 4th connection in the same instant was let in")
	}
	if !g.allow(&net.TCPAddr{IP: net.ParseIP("10.0.0.8"), Port: 5000}, now) {
		t.Error("another address was refused for the first one's flood")
	}
	if !g.allow(addr, now.Add(time.Minute)) {
		t.Error("a connection a minute later was refused")
	}
}

func TestRosterNames(t *testing.T) {
	dir := t.TempDir()
	a, b, c2, d := newPerson(t, "ada"), newPerson(t, "Ada"), newPerson(t, ""), newPerson(t, "x;rm -rf /")
	path := filepath.Join(dir, "keys")
	body := a.authorizedLine() + b.authorizedLine() +
		strings.TrimSpace(string(gossh.MarshalAuthorizedKey(c2.pub))) + "\n" + d.authorizedLine()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := LoadRoster(path, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := r[a.fingerprint()].Name; got != "ada" {
		t.Errorf("ada's name: %q", got)
	}
	if got := r[b.fingerprint()].Name; got == "Ada" || !strings.HasPrefix(got, "key-") {
		t.Errorf("a second ada is named %q; want her key's fingerprint", got)
	}
	if got := r[c2.fingerprint()].Name; !strings.HasPrefix(got, "key-") {
		t.Errorf("a key without a comment is named %q", got)
	}
	if got := r[d.fingerprint()].Name; got != "x-rm--rf" {
		t.Errorf("a hostile comment gives %q", got)
	}
	if err := os.WriteFile(path, []byte("ssh-ed25519 AAAAnotakey ada\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadRoster(path, ""); err == nil || !strings.Contains(err.Error(), path+":1") {
		t.Errorf("a broken key: %v, want an error naming the line", err)
	}
}

// recordingEngine records every build request it passes on.
type recordingEngine struct {
	*enginefake.Engine
	mu   sync.Mutex
	reqs []engine.BuildRequest
}

func (r *recordingEngine) Build(ctx context.Context, req engine.BuildRequest, emit func(engine.Event)) (engine.BuildResult, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.mu.Unlock()
	return r.Engine.Build(ctx, req, emit)
}

func (r *recordingEngine) builds() []engine.BuildRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]engine.BuildRequest(nil), r.reqs...)
}

// lockedBuffer is a bytes.Buffer safe for a writer and a reader in two goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// The host key is made once, kept in the state dir, and the same after a restart: learners'
// ssh clients do not warn of a changed host key between two days of a workshop.
func TestTheHostKeyIsKept(t *testing.T) {
	c := startClass(t)
	hostKey := func(addr string) string {
		var seen string
		client, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{
			User: "ada", Auth: []gossh.AuthMethod{gossh.PublicKeys(c.ada.signer)}, Timeout: 5 * time.Second,
			HostKeyCallback: func(_ string, _ net.Addr, key gossh.PublicKey) error {
				seen = gossh.FingerprintSHA256(key)
				return nil
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		client.Close()
		return seen
	}
	first := hostKey(c.addr)
	if _, err := os.Stat(filepath.Join(c.srv.cfg.StateDir, "ssh_host_ed25519_key")); err != nil {
		t.Fatalf("no host key in the state dir: %v", err)
	}
	again, err := New(c.srv.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := again.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = again.Serve(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	if second := hostKey(again.Addr().String()); second != first || first == "" {
		t.Errorf("host key %q, then %q after a restart", first, second)
	}
}
