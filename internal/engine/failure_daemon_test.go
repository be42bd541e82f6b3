package engine

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests kill a Docker daemon. Never the shared one (other tests and people use it): each
// starts a dockerd of its own, with its own data root, exec root, socket and containerd, no
// bridge and no iptables rules, so that it touches nothing on the host, and kills and restarts
// that one.

// privateDaemon is a dockerd started by a test.
type privateDaemon struct {
	dir    string // holds everything: data, exec root, socket, log
	host   string // unix://<dir>/docker.sock
	bin    string
	args   []string
	log    string
	pid    int
	exited chan error // receives when the running dockerd ends
}

// startPrivateDaemon starts a dockerd of the test's own and stops it (and removes all its
// files) when the test ends. It skips the test where that is impossible (not root, no dockerd)
// unless CI=true: a CI machine is root with dockerd installed.
func startPrivateDaemon(t *testing.T) *privateDaemon {
	t.Helper()
	skip := func(format string, args ...any) {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but cannot start a private dockerd: "+format, args...)
		}
		t.Skipf("cannot start a private dockerd: "+format, args...)
	}
	if os.Geteuid() != 0 {
		skip("not root")
	}
	bin, err := exec.LookPath("dockerd")
	if err != nil {
		skip("%v", err)
	}
	if _, err := exec.LookPath("docker"); err != nil {
		skip("%v", err)
	}
	// A short path: unix socket paths are limited to about 100 bytes.
	dir, err := os.MkdirTemp("", "dtd-")
	if err != nil {
		t.Fatal(err)
	}
	d := &privateDaemon{dir: dir, bin: bin, host: "unix://" + filepath.Join(dir, "docker.sock"), log: filepath.Join(dir, "dockerd.log")}
	t.Cleanup(func() { d.remove(t) })
	writeFile(t, filepath.Join(dir, "daemon.json"), "{}") // not the host's /etc/docker/daemon.json
	d.args = []string{
		"--data-root", filepath.Join(dir, "data"),
		"--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "dockerd.pid"),
		"--config-file", filepath.Join(dir, "daemon.json"),
		"-H", d.host,
		"--bridge=none", "--iptables=false", "--ip-forward=false", "--ip-masq=false",
	}
	if err := d.start(); err != nil {
		skip("%v\n%s", err, d.logTail())
	}
	return d
}

// start runs dockerd (again) and waits until it answers.
func (d *privateDaemon) start() error {
	logf, err := os.OpenFile(d.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(d.bin, d.args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // a ^C to the test is not for it
	if err := cmd.Start(); err != nil {
		return err
	}
	d.pid, d.exited = cmd.Process.Pid, make(chan error, 1)
	go func(exited chan<- error) { exited <- cmd.Wait() }(d.exited)
	deadline := time.After(60 * time.Second)
	for d.ping() != nil {
		select {
		case err := <-d.exited:
			d.exited <- err
			return fmt.Errorf("dockerd exited: %v", err)
		case <-deadline:
			return errors.New("dockerd did not answer within 60s")
		case <-time.After(100 * time.Millisecond):
		}
	}
	return nil
}

// kill kills dockerd at once (SIGKILL: no chance to clean up, as in a crash or an OOM kill) and
// waits until it is gone.
func (d *privateDaemon) kill(t *testing.T) {
	t.Helper()
	if err := syscall.Kill(d.pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill dockerd: %v", err)
	}
	<-d.exited
	d.exited <- errors.New("killed")
}

// stop shuts dockerd down cleanly (it stops its containers and unmounts their layers).
func (d *privateDaemon) stop() {
	if d.exited == nil {
		return
	}
	select {
	case err := <-d.exited: // already gone
		d.exited <- err
		return
	default:
	}
	_ = syscall.Kill(d.pid, syscall.SIGTERM)
	select {
	case err := <-d.exited:
		d.exited <- err
	case <-time.After(30 * time.Second):
		_ = syscall.Kill(d.pid, syscall.SIGKILL)
		d.exited <- <-d.exited
	}
}

// remove stops dockerd, undoes the mounts it left under its folder and deletes the folder.
func (d *privateDaemon) remove(t *testing.T) {
	d.stop()
	for _, m := range mountsUnder(d.dir) {
		if err := syscall.Unmount(m, syscall.MNT_DETACH); err != nil {
			t.Logf("unmount %s: %v", m, err)
		}
	}
	if err := os.RemoveAll(d.dir); err != nil {
		t.Logf("remove %s: %v", d.dir, err)
	}
}

// mountsUnder lists the mount points at or below dir, deepest first.
func mountsUnder(dir string) []string {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) > 4 && (fields[4] == dir || strings.HasPrefix(fields[4], dir+"/")) {
			out = append(out, fields[4])
		}
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// ping asks the daemon's /_ping without the engine under test.
func (d *privateDaemon) ping() error {
	sock := strings.TrimPrefix(d.host, "unix://")
	hc := &http.Client{Timeout: time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", sock)
		},
	}}
	defer hc.CloseIdleConnections()
	resp, err := hc.Get("http://dockerd/_ping")
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return errors.New(resp.Status)
	}
	return nil
}

func (d *privateDaemon) logTail() string {
	b, _ := os.ReadFile(d.log)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-15):], "\n")
}

// load copies an image from the shared daemon (which has the offline stand-ins) into this one:
// neither can pull.
func (d *privateDaemon) load(t *testing.T, ref string) {
	t.Helper()
	shared := requireDaemon(t)
	requireImage(t, shared, ref)
	save := exec.Command("docker", "-H", shared.Endpoint(), "save", ref)
	load := exec.Command("docker", "-H", d.host, "load", "-q")
	pipe, err := save.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	load.Stdin = pipe
	if err := save.Start(); err != nil {
		t.Fatal(err)
	}
	out, err := load.CombinedOutput()
	if werr := save.Wait(); err == nil {
		err = werr
	}
	if err != nil {
		t.Fatalf("docker save %s | docker load: %v\n%s", ref, err, out)
	}
}

// docker runs the docker CLI against this daemon.
func (d *privateDaemon) docker(t *testing.T, args ...string) string {
	t.Helper()
	return dockerCLI(t, append([]string{"-H", d.host}, args...)...)
}

// TestFailureDaemonDiesMidBuild kills the daemon while a RUN step sleeps: Build must return a
// *DaemonError within about a second, naming the endpoint and context; after a restart a retry
// must work on the same Client and leave nothing of the dead build behind (the legacy builder's
// container of the killed step survives the daemon's restart, exited: the retry removes it).
func TestFailureDaemonDiesMidBuild(t *testing.T) {
	d := startPrivateDaemon(t)
	d.load(t, testBase)
	t.Setenv("DOCKER_HOST", d.host)

	for _, b := range builders {
		t.Run(string(b), func(t *testing.T) {
			ctx := buildCtx(t)
			c, err := New(ctx)
			if err != nil {
				t.Fatalf("private daemon: %v\n%s", err, d.logTail())
			}
			defer c.Close()
			marker := "docktutor-death-" + nonce()
			req := BuildRequest{
				Context: mapFS(
					"Dockerfile", "FROM "+testBase+"\nCOPY sleep /sleep\nRUN echo "+marker+" && sleep $(cat /sleep)\n",
					"sleep", "30"),
				Tag:     "docktutor-test/death:" + string(b),
				Builder: b,
				NoCache: true,
			}
			var killed time.Time
			var events []Event
			emit := func(e Event) {
				events = append(events, e)
				if e.Kind == EventLog && strings.Contains(e.Text, marker) && killed.IsZero() {
					d.kill(t)
					killed = time.Now()
				}
			}
			_, err = c.Build(ctx, req, emit)
			if killed.IsZero() {
				t.Fatalf("the RUN never printed its marker; err = %v\nevents %v", err, events)
			}
			took := time.Since(killed)
			t.Logf("Build returned %s after the kill: %v", took, err)
			if took > 2*time.Second {
				t.Errorf("Build returned %s after the daemon died, want about a second", took)
			}
			var de *DaemonError
			if !errors.As(err, &de) {
				t.Fatalf("error %v (%T), want a *DaemonError", err, err)
			}
			for _, w := range []string{"stopped answering during the build", d.host, `context "default", from DOCKER_HOST`, "build again"} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if errs := eventsOf(events, EventError); len(errs) == 0 || !strings.Contains(errs[len(errs)-1].Text, "stopped answering") {
				t.Errorf("no EventError saying the daemon went away: %v", errs)
			}
			if _, err := c.Info(ctx); err == nil {
				t.Error("Info answers with the daemon dead")
			}

			if err := d.start(); err != nil {
				t.Fatalf("restart: %v\n%s", err, d.logTail())
			}
			req.Context = mapFS("Dockerfile", "FROM "+testBase+"\nCOPY sleep /sleep\nRUN echo "+marker+" && sleep $(cat /sleep)\n", "sleep", "0")
			res, err := c.Build(ctx, req, nil)
			if err != nil {
				t.Fatalf("retry after the restart: %v", err)
			}

			// Only the retry's image is docktutor's, and no container is left at all.
			m, err := c.ListManaged(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Containers) != 0 || len(m.Images) != 1 || m.Images[0].ID != res.ImageID || !slices.Equal(m.Images[0].Tags, []string{req.Tag}) {
				t.Errorf("after the retry: %+v, want only %s (%s)", m, req.Tag, res.ImageID)
			}
			if ps := d.docker(t, "ps", "-a", "--format", "{{.ID}} {{.Status}} {{.Command}}"); ps != "" {
				t.Errorf("containers left behind:\n%s", ps)
			}
			if err := c.Remove(ctx, req.Tag); err != nil {
				t.Error(err)
			}
		})
	}
}
