package engine

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeSSH installs a stand-in for the ssh client that logs its arguments to the returned file
// and then runs the remote command (everything after the host) here, which is what sshd would
// do on the remote machine. The docker CLI's dial-stdio then bridges to the local daemon.
func fakeSSH(t *testing.T, script string) (argsFile string) {
	t.Helper()
	dir := t.TempDir()
	argsFile = filepath.Join(dir, "args")
	path := filepath.Join(dir, "ssh")
	writeFile(t, path, "#!/bin/sh\necho \"$@\" > "+argsFile+"\n"+script)
	if err := os.Chmod(path, 0o755); err != nil {
		t.Fatal(err)
	}
	old := sshCommand
	sshCommand = path
	t.Cleanup(func() { sshCommand = old })
	return argsFile
}

func TestSSHEndpoint(t *testing.T) {
	requireDaemon(t) // the fake remote end talks to this machine's daemon
	if _, err := exec.LookPath("docker"); err != nil {
		t.Skip("no docker CLI for dial-stdio")
	}
	local := os.Getenv("DOCKER_HOST")
	argsFile := fakeSSH(t, `
while [ "$1" != "--" ]; do shift; done
shift 2 # "--" and the host
unset DOCKER_CONTEXT
DOCKER_HOST='`+local+`' exec "$@"
`)
	t.Setenv("DOCKER_HOST", "ssh://ada@build.example:2222")
	info := connectInfo(t, 30*time.Second)
	if info.Endpoint != "ssh://ada@build.example:2222" || info.ServerVersion == "" {
		t.Errorf("info %+v", info)
	}
	args, _ := os.ReadFile(argsFile)
	if want := "-l ada -p 2222 -o ConnectTimeout=30 -T -- build.example docker system dial-stdio"; strings.TrimSpace(string(args)) != want {
		t.Errorf("ssh ran with %q, want %q", args, want)
	}
}

func TestSSHEndpointFailure(t *testing.T) {
	fakeSSH(t, "echo 'ssh: connect to host build.example port 22: Connection refused' >&2\nexit 255\n")
	t.Setenv("DOCKER_HOST", "ssh://build.example")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := New(ctx)
	if err == nil {
		t.Fatal("New succeeded through a failing ssh")
	}
	for _, w := range []string{"ssh://build.example", `context "default", from DOCKER_HOST`, "Connection refused"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%q lacks %q", err, w)
		}
	}
}

func TestSSHDialerRejects(t *testing.T) {
	for _, host := range []string{"ssh://", "ssh://u:secret@h", "ssh://h?x=1"} {
		if _, err := sshDialer(host); err == nil {
			t.Errorf("sshDialer(%q) accepted it", host)
		}
	}
	if _, err := sshDialer("ssh://h/run/user/1000/docker.sock"); err != nil {
		t.Errorf("socket path: %v", err)
	}
}
