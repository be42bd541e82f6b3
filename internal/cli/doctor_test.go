package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/docktutor/docktutor/internal/dockertest"
	"github.com/docktutor/docktutor/internal/engine"
)

// execute runs one command built the way root.go builds it (newDoctorCmd, newCleanCmd) with
// its own streams, and returns stdout, stderr (with the error as main prints it) and the exit
// code. connect nil means the real daemon, as `docktutor` itself connects.
func execute(t *testing.T, newCmd func(*globalOptions) *cobra.Command, g *globalOptions, args ...string) (string, string, int) {
	t.Helper()
	isolateFiles(t)
	var out, errb bytes.Buffer
	if g == nil {
		g = &globalOptions{}
	}
	g.streams = Streams{In: strings.NewReader(""), Out: &out, Err: &errb}
	if g.connect == nil {
		g.connect = connectEngine
	}
	cmd := newCmd(g)
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.ExecuteContext(context.Background())
	if err != nil {
		errb.WriteString("docktutor: " + err.Error() + "\n")
	}
	return out.String(), errb.String(), ExitCode(err)
}

// diagnosis decodes doctor --json and indexes its checks by name.
func diagnosis(t *testing.T, out string) (map[string]engine.Check, bool) {
	t.Helper()
	var d struct {
		Checks []engine.Check `json:"checks"`
		OK     *bool          `json:"ok"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil || d.OK == nil {
		t.Fatalf("doctor --json is not the documented JSON (%v):\n%s", err, out)
	}
	byName := map[string]engine.Check{}
	for _, c := range d.Checks {
		if c.Name == "" || !slices.Contains([]engine.CheckStatus{engine.CheckPass, engine.CheckWarn, engine.CheckFail, engine.CheckSkip}, c.Status) {
			t.Errorf("malformed check %+v", c)
		}
		if (c.Status == engine.CheckFail) && c.Fix == "" && c.Name != "daemon" {
			t.Errorf("a failed check without a fix: %+v", c)
		}
		byName[c.Name] = c
	}
	return byName, *d.OK
}

func TestDoctorDaemonUp(t *testing.T) {
	dockertest.Connect(t, engine.New)
	out, stderr, code := execute(t, newDoctorCmd, nil, "--json")
	checks, ok := diagnosis(t, out)
	if code != 0 || !ok {
		t.Fatalf("exit %d, ok %v: %s\n%s", code, ok, stderr, out)
	}
	for _, name := range []string{"lessons", "endpoint", "socket", "daemon", "api", "builders", "storage", "disk", "image alpine:3.22", "image python:3.13"} {
		c, found := checks[name]
		if !found {
			t.Errorf("no %q check in %s", name, out)
			continue
		}
		if c.Status == engine.CheckFail || c.Detail == "" {
			t.Errorf("check %+v", c)
		}
	}
	if !strings.Contains(checks["endpoint"].Detail, `(context "`) || checks["daemon"].Status != engine.CheckPass {
		t.Errorf("endpoint %+v, daemon %+v", checks["endpoint"], checks["daemon"])
	}
	for name, c := range checks {
		if strings.HasPrefix(name, "image ") && c.Status == engine.CheckSkip {
			t.Errorf("image not checked with the daemon up: %+v", c)
		}
	}

	text, _, code := execute(t, newDoctorCmd, nil)
	t.Logf("docktutor doctor:\n%s", text)
	if code != 0 || !strings.Contains(text, "PASS  daemon") || !strings.Contains(text, "The lessons can run") {
		t.Errorf("exit %d:\n%s", code, text)
	}
}

func TestDoctorDaemonDown(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "stale.sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: stale, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	l.SetUnlinkOnClose(false) // a socket file nothing listens on: a daemon that died
	l.Close()

	tests := []struct {
		name, sock, socketSays string
	}{
		{"no socket", filepath.Join(dir, "dead.sock"), "no socket at " + filepath.Join(dir, "dead.sock")},
		{"stale socket", stale, "nothing listens on " + stale},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("DOCKER_HOST", "unix://"+tt.sock)
			out, _, code := execute(t, newDoctorCmd, nil, "--json")
			checks, ok := diagnosis(t, out)
			if code != 1 || ok {
				t.Errorf("exit %d, ok %v; want 1 and false", code, ok)
			}
			want := map[string]engine.CheckStatus{
				"lessons": engine.CheckPass, "endpoint": engine.CheckPass, "socket": engine.CheckFail, "daemon": engine.CheckFail,
				"api": engine.CheckSkip, "builders": engine.CheckSkip, "disk": engine.CheckSkip, "image alpine:3.22": engine.CheckSkip,
			}
			for name, status := range want {
				if checks[name].Status != status {
					t.Errorf("%s: %+v, want %s", name, checks[name], status)
				}
			}
			sock := checks["socket"]
			if !strings.Contains(sock.Detail, tt.socketSays) || !strings.Contains(sock.Fix, "systemctl start docker") {
				t.Errorf("socket check %+v", sock)
			}
			if d := checks["daemon"].Detail; !strings.Contains(d, "unix://"+tt.sock) || !strings.Contains(d, `context "default", from DOCKER_HOST`) {
				t.Errorf("daemon check does not name the endpoint and context: %q", d)
			}

			text, stderr, code := execute(t, newDoctorCmd, nil)
			t.Logf("docktutor doctor:\n%s%s", text, stderr)
			if code != 1 || !strings.Contains(text, "FAIL  socket") || !strings.Contains(text, "fix: start it") ||
				!strings.Contains(stderr, "cannot run until") {
				t.Errorf("exit %d:\n%s%s", code, text, stderr)
			}
		})
	}
}

// TestDoctorReport checks the text report for each verdict, with a made-up diagnosis.
func TestDoctorReport(t *testing.T) {
	tests := []struct {
		name   string
		checks []engine.Check
		code   int
		want   []string
	}{
		{"all pass", []engine.Check{{Name: "daemon", Status: engine.CheckPass, Detail: "Docker Engine 28.0.0"}}, 0,
			[]string{"PASS  lessons  ", "PASS  daemon   Docker Engine 28.0.0", "The lessons can run."}},
		{"a warning", []engine.Check{{Name: "image python:3.13", Status: engine.CheckWarn, Detail: "not present", Fix: "docker pull python:3.13"}}, 0,
			[]string{"WARN  image    python:3.13: not present", "\n               fix: docker pull python:3.13\n", "The lessons can run (1 warning above)."}},
		{"a failure", []engine.Check{{Name: "disk", Status: engine.CheckFail, Detail: "1.0GB free", Fix: "free some space"}}, 1,
			[]string{"FAIL  disk     1.0GB free", "fix: free some space", "cannot run here yet"}},
		{"hostile detail", []engine.Check{{Name: "daemon", Status: engine.CheckPass, Detail: "evil\x1b]0;title\x07"}}, 0,
			[]string{`evil\x1b]0;title\x07`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &globalOptions{}
			newCmd := func(g *globalOptions) *cobra.Command {
				cmd := newDoctorCmd(g)
				fake := func(context.Context, engine.DoctorOptions) engine.Diagnosis {
					ok := !slices.ContainsFunc(tt.checks, func(c engine.Check) bool { return c.Status == engine.CheckFail })
					return engine.Diagnosis{Checks: tt.checks, OK: ok}
				}
				cmd.RunE = func(cmd *cobra.Command, _ []string) error {
					o := &doctorOptions{globalOptions: g, diagnose: fake}
					return o.run(cmd.Context())
				}
				return cmd
			}
			out, _, code := execute(t, newCmd, g)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("report lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// TestDoctorBaseImages: the images doctor checks are the lessons' FROMs and COPY --froms,
// without stages and scratch; CI's stand-ins (.ci/standins --list) cover every one.
func TestDoctorBaseImages(t *testing.T) {
	c, err := (&globalOptions{}).loadCourse()
	if err != nil {
		t.Fatal(err)
	}
	images := baseImages(c)
	for _, want := range []string{"python:3.13", "python:3.13-slim", "golang:1.27", "alpine:3.22", "gcr.io/distroless/static-debian13", "gcr.io/distroless/python3-debian13:nonroot"} {
		if !slices.Contains(images, want) {
			t.Errorf("%s missing from %v", want, images)
		}
	}
	for _, img := range images {
		if slices.Contains([]string{"build", "dev", "test", "lint", "runtime", "scratch"}, img) {
			t.Errorf("%q is a stage or scratch, not an image", img)
		}
	}
	out, err := exec.Command("bash", "../../.ci/standins", "--list").Output()
	if err != nil {
		t.Skipf(".ci/standins --list: %v", err)
	}
	standins := strings.Fields(string(out))
	for _, img := range images {
		if !slices.Contains(standins, img) {
			t.Errorf("the lessons use %s, which .ci/standins does not make", img)
		}
	}
}
