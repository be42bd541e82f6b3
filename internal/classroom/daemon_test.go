package classroom

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/docktutor/docktutor/internal/dockertest"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/lesson"
)

// tinyCourse is a course of one lesson whose only strategy builds FROM alpine:3.22 and runs
// for run (a shell command) before it prints hello.
func tinyCourse(t *testing.T, run string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"course.yaml": "lessons:\n  - tiny\n",
		"tiny/lesson.yaml": `title: A tiny lesson
summary: For the classroom's tests.
text: lesson.md
strategies:
  - id: alpine
    title: Alpine
    app: tiny
    dockerfile: alpine.Dockerfile
    explain: It is a test.
    expect: hello
    timeout: 60s
`,
		"tiny/lesson.md":         "# A tiny lesson\n",
		"tiny/alpine.Dockerfile": "FROM alpine:3.22\nCOPY hello.txt /hello.txt\nCMD [\"sh\", \"-c\", \"" + run + "; cat /hello.txt\"]\n",
		"apps/tiny/hello.txt":    "hello\n",
	}
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func loadCourse(t *testing.T, dir string) *lesson.Course {
	t.Helper()
	c, err := lesson.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func randomName(t *testing.T, prefix string) string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return prefix + hex.EncodeToString(b[:])
}

// writeContext adds a docker CLI context called name, for host, to a config folder.
func writeContext(t *testing.T, configDir, name, host string) {
	t.Helper()
	meta := map[string]any{"Name": name, "Metadata": map[string]any{}, "Endpoints": map[string]any{"docker": map[string]any{"Host": host, "SkipTLSVerify": false}}}
	data, err := json.Marshal(meta)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(name)) // the CLI's store names a context's folder so
	dir := filepath.Join(configDir, "contexts", "meta", hex.EncodeToString(sum[:]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "meta.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// removeImages removes the images of a learner's namespace from a daemon (docker CLI, -H host
// when not "").
func removeImages(t *testing.T, host, ns string) {
	args := []string{"images", "-q", "--filter", "label=" + engine.LabelManaged + "=true", "--filter", "reference=docktutor/" + ns + "/*:*"}
	if host != "" {
		args = append([]string{"-H", host}, args...)
	}
	out, _ := exec.Command("docker", args...).Output()
	for _, id := range strings.Fields(string(out)) {
		rm := []string{"rmi", "-f", id}
		if host != "" {
			rm = append([]string{"-H", host}, rm...)
		}
		_ = exec.Command("docker", rm...).Run()
	}
}

// A class spread over two daemons: each learner builds on the engine they were given, and
// their images are on that daemon only.
func TestTwoEngines(t *testing.T) {
	main := dockertest.Connect(t, func(ctx context.Context) (*engine.Client, error) { return engine.New(ctx) })
	dockertest.NeedImage(t, main.Inspect, "alpine:3.22")
	second := dockertest.Start(t)
	second.Load(t, "alpine:3.22")

	cfgDir := t.TempDir()
	writeContext(t, cfgDir, "second", second.Host)
	t.Setenv("DOCKER_CONFIG", cfgDir)
	ctx := context.Background()
	a, err := engine.NewContext(ctx, "default")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := engine.NewContext(ctx, "second")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	first, next := randomName(t, "one"), randomName(t, "two")
	t.Cleanup(func() { removeImages(t, "", first); removeImages(t, "", next) })
	c := startClassOf(t, first, next, func(cfg *Config) {
		cfg.Course = loadCourse(t, tinyCourse(t, "true"))
		cfg.Engines = []Engine{{Name: "default", Engine: a, Sweep: Sweeper(a)}, {Name: "second", Engine: b, Sweep: Sweeper(b)}}
		cfg.MaxBuilds = 1
	})
	engines := map[string]string{}
	for _, p := range []person{c.ada, c.linus} {
		term := c.connect(t, p, 120, 40)
		term.waitFor("A tiny lesson")
		term.press("\r")
		waitRoom(t, c.srv.Room(), p.fingerprint(), p.name+" in the lesson", func(l Learner) bool { return l.Where == "lesson tiny" })
		term.waitFor("API 1.") // connected: the status line names the daemon
		term.press("b")
		l := waitRoom(t, c.srv.Room(), p.fingerprint(), p.name+"'s build", func(l Learner) bool { return !l.LastBuild.At.IsZero() })
		if !l.LastBuild.OK {
			t.Fatalf("%s's build failed:\n%s", p.name, ansi.Strip(c.srv.Room().Frame(p.fingerprint())))
		}
		engines[p.name] = l.Engine
	}
	if engines[first] != "default" || engines[next] != "second" {
		t.Fatalf("engines: %v; want the first learner on default, the second on the other (the least loaded)", engines)
	}
	owners := map[string]string{first: OwnerLabel(c.ada.fingerprint()), next: OwnerLabel(c.linus.fingerprint())}
	for name, want := range map[string]*engine.Client{first: a, next: b} {
		other := b
		if want == b {
			other = a
		}
		tag := "docktutor/" + name + "/tiny:alpine"
		info, err := want.Inspect(ctx, tag)
		if err != nil {
			t.Errorf("%s is not on %s's engine: %v", tag, name, err)
			continue
		}
		if info.Labels[engine.LabelOwner] != owners[name] {
			t.Errorf("%s: owner %q", tag, info.Labels[engine.LabelOwner])
		}
		if _, err := other.Inspect(ctx, tag); err == nil {
			t.Errorf("%s is on the other engine too", tag)
		}
	}
}

// SIGTERM ends the class within 10 seconds, exit status 0, every learner told, and no
// container of the class left behind — here one a learner's run was in the middle of.
func TestSIGTERMEndsTheClassClean(t *testing.T) {
	cl := dockertest.Connect(t, func(ctx context.Context) (*engine.Client, error) { return engine.New(ctx) })
	dockertest.NeedImage(t, cl.Inspect, "alpine:3.22")
	bin := filepath.Join(t.TempDir(), "docktutor")
	build := exec.Command("go", "build", "-o", bin, "../../cmd/docktutor")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	learner := newPerson(t, randomName(t, "sig"))
	t.Cleanup(func() { removeImages(t, "", learner.name) })
	keys := writeKeys(t, dir, "learners", learner)
	srv := exec.Command(bin, "--lessons", tinyCourse(t, "sleep 50"), "serve", "--authorized-keys", keys,
		"--state-dir", filepath.Join(dir, "state"), "--listen", "127.0.0.1:0")
	srv.Env = append(os.Environ(), "XDG_STATE_HOME="+filepath.Join(dir, "xdg"), "XDG_CACHE_HOME="+filepath.Join(dir, "cache"))
	stderr, err := srv.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Process.Kill() })
	addrCh := make(chan string, 1)
	var log strings.Builder
	logDone := make(chan struct{})
	go func() {
		defer close(logDone)
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`listening on (\S+)`)
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addrCh <- m[1]
			}
		}
	}()
	var addr string
	select {
	case addr = <-addrCh:
	case <-time.After(20 * time.Second):
		t.Fatal("docktutor serve did not say where it listens")
	}
	c := &classRun{addr: addr}
	term := c.connect(t, learner, 120, 40)
	term.waitFor("A tiny lesson")
	term.press("\r")
	term.waitFor("Alpine", "API 1.") // connected: the status line names the daemon
	term.press("b")

	// Wait until the learner's run is going: a container docktutor made, with their label.
	owner := OwnerLabel(learner.fingerprint())
	ours := func() []string {
		m, err := cl.ListManaged(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, ct := range m.Containers {
			if ct.Labels[engine.LabelOwner] == owner {
				names = append(names, ct.Name+" "+ct.State)
			}
		}
		return names
	}
	deadline := time.Now().Add(60 * time.Second)
	for len(ours()) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the learner's run never started; the screen:\n%s", tail(ansi.Strip(term.out.String()), 2000))
		}
		time.Sleep(100 * time.Millisecond)
	}
	start := time.Now()
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- srv.Wait() }()
	select {
	case err := <-exited:
		<-logDone
		var ee *exec.ExitError
		if errors.As(err, &ee) || err != nil {
			t.Fatalf("docktutor serve exited with %v after SIGTERM; its log:\n%s", err, log.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("docktutor serve still ran 10 s after SIGTERM; its log:\n%s", log.String())
	}
	t.Logf("the class ended %s after SIGTERM", time.Since(start).Round(time.Millisecond))
	if left := ours(); len(left) > 0 {
		t.Errorf("containers of the class left behind: %v", left)
	}
	select {
	case <-term.done:
	case <-time.After(5 * time.Second):
		t.Error("the learner's session stayed open")
	}
	if !strings.Contains(ansi.Strip(term.out.String()), "The class has ended") {
		t.Errorf("the learner was not told: %q", tail(ansi.Strip(term.out.String()), 300))
	}
}
