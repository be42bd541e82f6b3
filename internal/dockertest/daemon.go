//go:build linux

// Package dockertest is for the tests that need a real Docker daemon. It gives them a daemon of
// their own, for the tests that kill, restart or empty one (the engine's daemon-death test and
// the CLI's clean test), and the shared daemon with the base images they need (Connect,
// NeedImage), skipping where there is none and failing under CI=true (Skip). It is imported by
// tests only.
package dockertest

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
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Tests that stop, kill or fill a Docker daemon never use the shared one (other tests and people
// use it): each starts a dockerd of its own, with its own data root, exec root, socket and
// containerd, in a network namespace of its own.
//
// The network namespace matters: a second dockerd in the host's namespace either fights the
// shared daemon over docker0 or, started with --bridge=none, DELETES the host's docker0 at
// start-up (libnetwork's removeDefaultBridgeInterface), which breaks every container of the
// shared daemon. In its own namespace it makes its own docker0 and iptables rules, and its
// unix socket (a file) is still reachable from here. Start checks that the host's
// network interfaces are the same before and after.

// Daemon is a dockerd started by a test.
type Daemon struct {
	// Host is its address, unix://<dir>/docker.sock, for DOCKER_HOST or docker -H.
	Host   string
	dir    string // holds everything: data, exec root, socket, log
	bin    string
	args   []string
	log    string
	pid    int
	exited chan error // receives when the running dockerd ends
}

// Start starts a dockerd of the test's own and stops it (and removes all its
// files) when the test ends. It skips the test where that is impossible (not root, no dockerd)
// unless CI=true: a CI machine is root with dockerd installed.
func Start(t testing.TB) *Daemon {
	t.Helper()
	skip := func(format string, args ...any) {
		t.Helper()
		Skip(t, "cannot start a private dockerd: "+format, args...)
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
	d := &Daemon{dir: dir, bin: bin, Host: "unix://" + filepath.Join(dir, "docker.sock"), log: filepath.Join(dir, "dockerd.log")}
	t.Cleanup(func() { d.remove(t) })
	// Its own empty config, not the host's /etc/docker/daemon.json.
	if err := os.WriteFile(filepath.Join(dir, "daemon.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	d.args = []string{
		"--data-root", filepath.Join(dir, "data"),
		"--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "dockerd.pid"),
		"--config-file", filepath.Join(dir, "daemon.json"),
		"-H", d.Host,
		"--iptables=false", "--ip-masq=false", // nothing in the builds needs to reach out
	}
	before := hostInterfaces(t)
	t.Cleanup(func() {
		if after := hostInterfaces(t); after != before {
			t.Errorf("the private dockerd changed the host's network interfaces:\nbefore %s\nafter  %s", before, after)
		}
	})
	if err := d.Restart(); err != nil {
		skip("%v\n%s", err, d.LogTail())
	}
	if after := hostInterfaces(t); after != before {
		t.Fatalf("the private dockerd changed the host's network interfaces:\nbefore %s\nafter  %s", before, after)
	}
	return d
}

// hostInterfaces lists the host's network interfaces, to prove a private daemon left them alone.
// The veth pairs of the shared daemon's containers come and go meanwhile: they are left out.
func hostInterfaces(t testing.TB) string {
	t.Helper()
	ifs, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range ifs {
		if !strings.HasPrefix(f.Name, "veth") {
			names = append(names, f.Name)
		}
	}
	slices.Sort(names)
	return strings.Join(names, " ")
}

// Restart runs dockerd (again, after Kill) and waits until it answers.
func (d *Daemon) Restart() error {
	logf, err := os.OpenFile(d.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(d.bin, d.args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Its own process group (a ^C to the test is not for it) and its own network namespace.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Cloneflags: syscall.CLONE_NEWNET}
	if err := cmd.Start(); err != nil {
		return err
	}
	d.pid, d.exited = cmd.Process.Pid, make(chan error, 1)
	go func(exited chan<- error) { exited <- cmd.Wait() }(d.exited)
	deadline := time.After(60 * time.Second)
	for d.Ping() != nil {
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

// Kill kills dockerd at once (SIGKILL: no chance to clean up, as in a crash or an OOM kill) and
// waits until it is gone.
func (d *Daemon) Kill(t testing.TB) {
	t.Helper()
	if err := syscall.Kill(d.pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill dockerd: %v", err)
	}
	<-d.exited
	d.exited <- errors.New("killed")
	// Its containerd dies with it (parent-death signal), but a restarted dockerd that still
	// sees the old process (not yet reaped) waits for it in vain: wait until it is gone.
	pidFile := filepath.Join(d.dir, "exec", "containerd", "containerd.pid")
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return
	}
	pid := strings.TrimSpace(string(b))
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		stat, err := os.ReadFile("/proc/" + pid + "/stat")
		// state is the field after the ")" that closes the command name: Z for a zombie.
		if err != nil || strings.Contains(string(stat), ") Z ") {
			break
		}
		if time.Since(start) > 5*time.Second {
			if n, err := strconv.Atoi(pid); err == nil {
				_ = syscall.Kill(n, syscall.SIGKILL)
			}
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("the killed dockerd's containerd (pid %s) does not go away", pid)
		}
	}
	_ = os.Remove(pidFile)
}

// stop shuts dockerd down cleanly (it stops its containers and unmounts their layers).
func (d *Daemon) stop() {
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

// remove stops dockerd, ends what it left running, undoes the mounts it left under its folder
// and deletes the folder.
func (d *Daemon) remove(t testing.TB) {
	d.stop()
	// A killed dockerd's container shims survive it and its successor (they are addressed by
	// the socket paths under d.dir); so do the processes of their containers.
	for _, pid := range processesUnder(d.dir) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	for _, m := range mountsUnder(d.dir) {
		if err := syscall.Unmount(m, syscall.MNT_DETACH); err != nil {
			t.Logf("unmount %s: %v", m, err)
		}
	}
	if err := os.RemoveAll(d.dir); err != nil {
		t.Logf("remove %s: %v", d.dir, err)
	}
}

// processesUnder lists the processes whose command line names dir (shims), or whose root file
// system lies under it (the processes of containers and of BuildKit's RUN steps, which a killed
// dockerd orphans), and their children.
func processesUnder(dir string) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	parent := map[int]int{}
	var roots []int
	for _, st := range stats {
		pid, _ := strconv.Atoi(strings.Split(st, "/")[2])
		if b, err := os.ReadFile(st); err == nil {
			// The parent is the second field after the ")" that closes the command name.
			if i := strings.LastIndexByte(string(b), ')'); i >= 0 {
				if f := strings.Fields(string(b)[i+1:]); len(f) > 1 {
					parent[pid], _ = strconv.Atoi(f[1])
				}
			}
		}
		if cmd, err := os.ReadFile(filepath.Join(filepath.Dir(st), "cmdline")); err == nil && strings.Contains(string(cmd), dir+"/") {
			roots = append(roots, pid)
		} else if mi, err := os.ReadFile(filepath.Join(filepath.Dir(st), "mountinfo")); err == nil {
			if first, _, _ := strings.Cut(string(mi), "\n"); strings.Contains(first, dir+"/") {
				roots = append(roots, pid)
			}
		}
	}
	out := slices.Clone(roots)
	for pid, ppid := range parent {
		if slices.Contains(roots, ppid) && !slices.Contains(out, pid) {
			out = append(out, pid)
		}
	}
	return out
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

// Ping asks the daemon's /_ping directly, without the engine under test.
func (d *Daemon) Ping() error {
	sock := strings.TrimPrefix(d.Host, "unix://")
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

// LogTail is the end of dockerd's log, without gRPC and plugin chatter.
func (d *Daemon) LogTail() string {
	b, _ := os.ReadFile(d.log)
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if !strings.Contains(l, "module=grpc") && !strings.Contains(l, "loading plugin") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines[max(0, len(lines)-40):], "\n")
}

// Load copies an image from the shared daemon (the environment's DOCKER_HOST or the default
// socket, which has the offline stand-ins) into this one: neither can pull. A missing image
// skips the test, or fails it under CI=true.
func (d *Daemon) Load(t testing.TB, ref string) {
	t.Helper()
	save := exec.Command("docker", "save", ref)
	load := exec.Command("docker", "-H", d.Host, "load", "-q")
	pipe, err := save.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var saveErr strings.Builder
	save.Stderr = &saveErr
	load.Stdin = pipe
	if err := save.Start(); err != nil {
		t.Fatal(err)
	}
	out, err := load.CombinedOutput()
	if werr := save.Wait(); werr != nil {
		Skip(t, "no %s on the shared daemon to load (run .ci/standins): %v\n%s", ref, werr, saveErr.String())
	}
	if err != nil {
		t.Fatalf("docker save %s | docker load: %v\n%s", ref, err, out)
	}
}

// Docker runs the docker CLI against this daemon and returns its trimmed output.
func (d *Daemon) Docker(t testing.TB, args ...string) string {
	t.Helper()
	return d.DockerIn(t, "", args...)
}

// DockerIn runs the docker CLI against this daemon with stdin; builds use the legacy builder.
func (d *Daemon) DockerIn(t testing.TB, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command("docker", append([]string{"-H", d.Host}, args...)...)
	cmd.Env = append(os.Environ(), "DOCKER_BUILDKIT=0")
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, ee.Stderr)
		}
		t.Fatalf("docker %s: %v", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out))
}
