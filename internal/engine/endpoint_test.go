package engine

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// dockerConfig writes a docker CLI configuration folder: config.json (when cfg is not empty)
// and one stored context per name → meta.json.
func dockerConfig(t *testing.T, cfg string, contexts map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if cfg != "" {
		writeFile(t, filepath.Join(dir, "config.json"), cfg)
	}
	for name, meta := range contexts {
		writeFile(t, filepath.Join(dir, "contexts", "meta", storeID(name), "meta.json"), meta)
	}
	return dir
}

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func contextMeta(name, host string) string {
	return fmt.Sprintf(`{"Name":%q,"Metadata":{"Description":""},"Endpoints":{"docker":{"Host":%q,"SkipTLSVerify":false}}}`, name, host)
}

func TestResolveEndpoint(t *testing.T) {
	const colima = "unix:///home/ada/.colima/default/docker.sock"
	const remote = "tcp://192.0.2.7:2376"
	stores := map[string]string{
		"colima": contextMeta("colima", colima),
		"remote": contextMeta("remote", remote),
		"broken": `{"Name":"broken","Endpoints":{}}`,
	}
	tests := []struct {
		name    string
		env     map[string]string // DOCKER_CONFIG is added
		config  string            // config.json; "" for none
		noHome  bool              // the user has no home and DOCKER_CONFIG is unset
		want    Endpoint          // ConfigDir is not compared
		wantErr []string          // substrings of the error; nil for success
	}{
		{name: "nothing set", want: Endpoint{Host: platformDefaultHost, Context: "default", Source: SourceDefault}},
		{name: "no home", noHome: true, want: Endpoint{Host: platformDefaultHost, Context: "default", Source: SourceDefault}},
		{name: "DOCKER_HOST", env: map[string]string{"DOCKER_HOST": remote},
			want: Endpoint{Host: remote, Context: "default", Source: SourceDockerHost}},
		{name: "DOCKER_HOST beats DOCKER_CONTEXT and config", env: map[string]string{"DOCKER_HOST": "unix:///tmp/x.sock", "DOCKER_CONTEXT": "colima"},
			config: `{"currentContext":"remote"}`,
			want:   Endpoint{Host: "unix:///tmp/x.sock", Context: "default", Source: SourceDockerHost}},
		{name: "DOCKER_CONTEXT", env: map[string]string{"DOCKER_CONTEXT": "colima"},
			want: Endpoint{Host: colima, Context: "colima", Source: SourceDockerContext}},
		{name: "DOCKER_CONTEXT beats config", env: map[string]string{"DOCKER_CONTEXT": "remote"}, config: `{"currentContext":"colima"}`,
			want: Endpoint{Host: remote, Context: "remote", Source: SourceDockerContext}},
		{name: "DOCKER_CONTEXT=default beats config", env: map[string]string{"DOCKER_CONTEXT": "default"}, config: `{"currentContext":"colima"}`,
			want: Endpoint{Host: platformDefaultHost, Context: "default", Source: SourceDefault}},
		{name: "current context", config: `{"auths":{},"currentContext":"colima"}`,
			want: Endpoint{Host: colima, Context: "colima", Source: SourceConfig}},
		{name: "current context default", config: `{"currentContext":"default"}`,
			want: Endpoint{Host: platformDefaultHost, Context: "default", Source: SourceDefault}},
		{name: "config without context", config: `{"auths":{}}`,
			want: Endpoint{Host: platformDefaultHost, Context: "default", Source: SourceDefault}},
		{name: "config not JSON", config: `{"currentContext":`,
			want: Endpoint{Host: platformDefaultHost, Context: "default", Source: SourceDefault, Warning: "is not valid JSON"}},
		{name: "DOCKER_CONTEXT missing", env: map[string]string{"DOCKER_CONTEXT": "nope"},
			wantErr: []string{`docker context "nope" (from DOCKER_CONTEXT) does not exist`, "unset DOCKER_CONTEXT", "docker context ls"}},
		{name: "current context missing", config: `{"currentContext":"gone"}`,
			wantErr: []string{`current docker context "gone"`, "config.json", "docker context use"}},
		{name: "context without docker endpoint", env: map[string]string{"DOCKER_CONTEXT": "broken"},
			wantErr: []string{`"broken"`, "has no docker endpoint"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := dockerConfig(t, tt.config, stores)
			env := map[string]string{"DOCKER_CONFIG": dir}
			home := t.TempDir()
			if tt.noHome {
				env, home = map[string]string{}, ""
			}
			for k, v := range tt.env {
				env[k] = v
			}
			got, err := resolveEndpoint(func(k string) string { return env[k] }, home)
			if tt.wantErr != nil {
				var de *DaemonError
				if !errors.As(err, &de) {
					t.Fatalf("got %+v, %v; want a *DaemonError", got, err)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(de.Error(), w) {
						t.Errorf("error %q lacks %q", de.Error(), w)
					}
				}
				if de.Fix == "" || de.Problem == "" {
					t.Errorf("error without problem or fix: %+v", de)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			warning := got.Warning
			got.ConfigDir, got.Warning = "", ""
			want := tt.want
			if !strings.Contains(warning, want.Warning) || (want.Warning == "") != (warning == "") {
				t.Errorf("warning %q, want one containing %q", warning, want.Warning)
			}
			want.Warning = ""
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

// TestResolveEndpointHomeConfig: without DOCKER_CONFIG the CLI's folder is ~/.docker.
func TestResolveEndpointHomeConfig(t *testing.T) {
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".docker", "config.json"), `{"currentContext":"desktop-linux"}`)
	writeFile(t, filepath.Join(home, ".docker", "contexts", "meta", storeID("desktop-linux"), "meta.json"),
		contextMeta("desktop-linux", "unix://"+home+"/.docker/desktop/docker.sock"))
	got, err := resolveEndpoint(func(string) string { return "" }, home)
	if err != nil {
		t.Fatal(err)
	}
	if got.Context != "desktop-linux" || got.Host != "unix://"+home+"/.docker/desktop/docker.sock" || got.ConfigDir != filepath.Join(home, ".docker") {
		t.Errorf("got %+v", got)
	}
}

func TestResolveEndpointTLS(t *testing.T) {
	dir := dockerConfig(t, `{"currentContext":"secure"}`, map[string]string{
		"secure": `{"Name":"secure","Endpoints":{"docker":{"Host":"tcp://192.0.2.1:2376","SkipTLSVerify":true}}}`,
	})
	tlsDir := filepath.Join(dir, "contexts", "tls", storeID("secure"), "docker")
	writeFile(t, filepath.Join(tlsDir, "ca.pem"), "x")
	writeFile(t, filepath.Join(tlsDir, "cert.pem"), "x")
	got, err := resolveEndpoint(func(k string) string { return map[string]string{"DOCKER_CONFIG": dir}[k] }, "")
	if err != nil {
		t.Fatal(err)
	}
	want := TLSFiles{CA: filepath.Join(tlsDir, "ca.pem"), Cert: filepath.Join(tlsDir, "cert.pem")}
	if got.TLS == nil || *got.TLS != want || !got.SkipTLSVerify {
		t.Errorf("TLS %+v skip %v, want %+v and skip", got.TLS, got.SkipTLSVerify, want)
	}
}

func TestEndpointString(t *testing.T) {
	tests := []struct {
		ep   Endpoint
		want string
	}{
		{Endpoint{Host: "unix:///var/run/docker.sock", Context: "default", Source: SourceDefault}, `unix:///var/run/docker.sock (context "default")`},
		{Endpoint{Host: "tcp://h:2375", Context: "default", Source: SourceDockerHost}, `tcp://h:2375 (context "default", from DOCKER_HOST)`},
		{Endpoint{Host: "unix:///c.sock", Context: "colima", Source: SourceDockerContext}, `unix:///c.sock (context "colima", from DOCKER_CONTEXT)`},
		{Endpoint{Host: "unix:///c.sock", Context: "colima", Source: SourceConfig}, `unix:///c.sock (context "colima", the current docker context)`},
		{Endpoint{Host: "unix:///x.sock"}, `unix:///x.sock (context "default")`},
	}
	for _, tt := range tests {
		if got := tt.ep.String(); got != tt.want {
			t.Errorf("got %s\nwant %s", got, tt.want)
		}
	}
}

// listen makes a unix socket at path (creating its folder) for as long as the test runs.
func listen(t *testing.T, path string) *net.UnixListener {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

func TestFindSockets(t *testing.T) {
	home, run := t.TempDir(), t.TempDir()
	listen(t, filepath.Join(run, "docker.sock"))
	listen(t, filepath.Join(run, "podman", "podman.sock"))
	listen(t, filepath.Join(home, ".docker", "desktop", "docker.sock"))
	listen(t, filepath.Join(home, ".colima", "default", "docker.sock"))
	writeFile(t, filepath.Join(home, ".docker", "run", "docker.sock"), "a file, not a socket")

	got := findSockets(func(k string) string { return map[string]string{"XDG_RUNTIME_DIR": run}[k] }, home, 1000)
	var hosts []string
	for _, c := range got {
		if c.Host == "unix:///var/run/docker.sock" || c.Host == "unix:///run/podman/podman.sock" {
			continue // this machine's own, if it has them
		}
		hosts = append(hosts, c.Host+" "+c.What)
	}
	want := []string{
		"unix://" + run + "/docker.sock rootless Docker",
		"unix://" + run + "/podman/podman.sock Podman, rootless (podman system service)",
		"unix://" + home + "/.docker/desktop/docker.sock Docker Desktop",
		"unix://" + home + "/.colima/default/docker.sock colima",
	}
	if strings.Join(hosts, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(hosts, "\n"), strings.Join(want, "\n"))
	}
}

// TestExplainDaemonError checks the words a learner reads for each way of not reaching the
// daemon: the endpoint and the context are always named, and the way out fits the cause.
func TestExplainDaemonError(t *testing.T) {
	run := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", run)
	t.Setenv("HOME", t.TempDir())
	listen(t, filepath.Join(run, "docker.sock")) // a rootless daemon's socket, to be suggested

	sock := filepath.Join(t.TempDir(), "docker.sock")
	colima := Endpoint{Host: "unix://" + sock, Context: "colima", Source: SourceConfig}
	dialErr := func(errno syscall.Errno) error {
		return &net.OpError{Op: "dial", Net: "unix", Addr: &net.UnixAddr{Name: sock, Net: "unix"}, Err: os.NewSyscallError("connect", errno)}
	}
	tests := []struct {
		name       string
		err        error
		connFailed bool
		want       []string
	}{
		{"EACCES from a dial", dialErr(syscall.EACCES), false,
			[]string{"permission denied on the Docker socket", "docker group", "usermod -aG docker", "log out and back in", "rootless"}},
		{"the SDK's rewording of EACCES", errors.New("permission denied while trying to connect to the docker API at unix://" + sock), true,
			[]string{"permission denied on the Docker socket", "docker group"}},
		{"no socket file", dialErr(syscall.ENOENT), false,
			[]string{"Docker is not running at", "systemctl start docker", "docker context use", "unix://" + run + "/docker.sock (rootless Docker)"}},
		{"stale socket", dialErr(syscall.ECONNREFUSED), false, []string{"Docker is not running at"}},
		{"SDK connection failure", errors.New("Cannot connect to the Docker daemon at unix:///x. Is the docker daemon running?"), true,
			[]string{"Docker is not running at"}},
		{"timeout", fmt.Errorf("ping: %w", context.DeadlineExceeded), false, []string{"did not answer in time", "docker info"}},
		{"old daemon", errors.New("Error response from daemon: client version 1.52 is too new. Maximum supported API version is 1.24; API version 1.24 not supported"), false,
			[]string{"too old", "upgrade Docker"}},
		{"anything else", errors.New("EOF"), false, []string{"did not answer: EOF"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			de := explainDaemonError(colima, tt.err, tt.connFailed, "1.40")
			msg := de.Error()
			for _, w := range append(tt.want, "unix://"+sock, `context "colima"`) {
				if !strings.Contains(msg, w) {
					t.Errorf("%q lacks %q", msg, w)
				}
			}
			if de.Hint != de.Problem+" — "+de.Fix || !errors.Is(de, tt.err) || de.Context != "colima" {
				t.Errorf("inconsistent error %+v", de)
			}
		})
	}
}

// TestPermissionDeniedReal opens a root-only socket as an unprivileged user: the error must say
// permission denied, name the socket and the context, and point at the docker group. Root
// ignores socket permissions, so as root the test runs itself again as nobody (the child is
// started with other credentials; the test process never changes its own).
func TestPermissionDeniedReal(t *testing.T) {
	if os.Getenv("DOCKTUTOR_PERMISSION_CHILD") != "" {
		_, err := New(context.Background())
		fmt.Printf("ERROR: %v\n", err)
		return
	}
	dir, err := os.MkdirTemp("", "dt-perm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "docker.sock")
	listen(t, sock)
	if err := os.Chmod(sock, 0o600); err != nil {
		t.Fatal(err)
	}

	var out string
	if os.Geteuid() != 0 {
		t.Setenv("DOCKER_HOST", "unix://"+sock)
		_, err := New(context.Background())
		out = fmt.Sprintf("ERROR: %v", err)
	} else {
		// nobody must be able to run the test binary: copy it where it may.
		self, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		bin := filepath.Join(dir, "engine.test")
		data, err := os.ReadFile(self)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(bin, data, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "-test.run=^TestPermissionDeniedReal$", "-test.count=1")
		cmd.Env = []string{"DOCKTUTOR_PERMISSION_CHILD=1", "DOCKER_HOST=unix://" + sock, "HOME=" + dir, "PATH=/usr/bin:/bin"}
		cmd.Dir = dir
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		go func() { <-ctx.Done(); _ = cmd.Process.Kill() }()
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Skipf("cannot run a child as nobody here: %v\n%s", err, b)
		}
		out = string(b)
	}
	t.Log(out)
	for _, w := range []string{"permission denied on the Docker socket", "unix://" + sock, `context "default", from DOCKER_HOST`, "docker group", "owned by ", ", mode 6"} {
		if !strings.Contains(out, w) {
			t.Errorf("child's error lacks %q:\n%s", w, out)
		}
	}
}
