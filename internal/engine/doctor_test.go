package engine

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
)

func TestDaemonChecks(t *testing.T) {
	docker := DaemonInfo{ServerVersion: "28.0.1", APIVersion: "1.48", OS: "linux", BuildKit: true, BuildKitAvailable: true, Default: BuilderBuildKit}
	old := DaemonInfo{ServerVersion: "20.10.24", APIVersion: "1.41", OS: "linux", BuildKitAvailable: true, Default: BuilderLegacy}
	podman := DaemonInfo{ServerVersion: "5.2.0", APIVersion: "1.41", OS: "linux", Default: BuilderBuildah, Podman: true}
	windows := DaemonInfo{ServerVersion: "27.0.0", APIVersion: "1.46", OS: "windows", Default: BuilderLegacy}
	facts := systemFacts{OperatingSystem: "Ubuntu 24.04", Architecture: "x86_64", StorageDriver: "overlay2"}
	tests := []struct {
		name   string
		info   DaemonInfo
		driver string
		want   map[string]string // check name → "status: detail substring"
	}{
		{"current Docker", docker, "overlay2", map[string]string{
			"daemon": "pass: Docker Engine 28.0.1 (linux/x86_64, Ubuntu 24.04)", "api": "pass: API 1.48",
			"builders": "pass: BuildKit (the default here)", "storage": "pass: overlay2"}},
		{"Docker 20.10", old, "overlay2", map[string]string{"builders": "pass: the legacy builder (the default here) and BuildKit"}},
		{"Podman", podman, "overlay", map[string]string{"daemon": "pass: Podman", "builders": "pass: buildah, Podman's builder", "storage": "pass: overlay"}},
		{"Windows", windows, "windowsfilter", map[string]string{"builders": "warn: the legacy builder only"}},
		{"vfs", docker, "vfs", map[string]string{"storage": "warn: vfs: every layer is a full copy"}},
		{"devicemapper", docker, "devicemapper", map[string]string{"storage": "warn: devicemapper: deprecated"}},
		{"unknown driver", docker, "", map[string]string{"storage": "warn: the daemon does not say"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := facts
			f.StorageDriver = tt.driver
			got := map[string]Check{}
			for _, c := range daemonChecks(tt.info, f) {
				got[c.Name] = c
				if c.Status != CheckPass && c.Fix == "" && c.Name != "storage" {
					t.Errorf("%s without a fix: %+v", c.Status, c)
				}
			}
			for name, want := range tt.want {
				status, detail, _ := strings.Cut(want, ": ")
				if c := got[name]; string(c.Status) != status || !strings.Contains(c.Detail, detail) {
					t.Errorf("%s = %+v, want %s", name, c, want)
				}
			}
		})
	}
}

func TestImageCheck(t *testing.T) {
	tests := []struct {
		st     ImageStatus
		err    error
		status CheckStatus
		detail string
		fix    string
	}{
		{ImageStatus{Ref: "python:3.13", Present: true, Size: 1_020_000_000}, nil, CheckPass, "present (1.0 GB)", ""},
		{ImageStatus{Ref: "python:3.13"}, nil, CheckWarn, "not present: the first build pulls it", "docktutor kit pull (every base image at once), or where no registry answers docktutor kit load FILE"},
		{ImageStatus{Ref: "alpine:3.22", Present: true, Size: 2_200_000, StandIn: true}, nil, CheckWarn, "TEST STAND-IN", "where a registry is reachable, docktutor kit pull replaces it with the real image"},
		{ImageStatus{Ref: "alpine:3.22"}, errors.New("boom"), CheckWarn, "cannot inspect: boom", ""},
	}
	for _, tt := range tests {
		c := imageCheck(tt.st, tt.err)
		if c.Name != "image "+tt.st.Ref || c.Status != tt.status || !strings.Contains(c.Detail, tt.detail) || !strings.Contains(c.Fix, tt.fix) {
			t.Errorf("imageCheck(%+v, %v) = %+v", tt.st, tt.err, c)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1000: "1.0 kB", 217_100: "217.1 kB", 808_900_000: "808.9 MB", 79_400_000_000: "79.4 GB", 2 << 40: "2.2 TB"} {
		if got := formatBytes(n); got != want {
			t.Errorf("formatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDiskCheck(t *testing.T) {
	host, _ := os.Hostname()
	local := Endpoint{Host: "unix:///var/run/docker.sock"}
	tests := []struct {
		name   string
		ep     Endpoint
		facts  systemFacts
		status CheckStatus
		detail string
	}{
		{"local", local, systemFacts{Name: host, RootDir: os.TempDir()}, "", "free under " + os.TempDir()},
		{"Docker Desktop VM", local, systemFacts{Name: "docker-desktop", RootDir: "/var/lib/docker"}, CheckSkip, "runs on docker-desktop, not here"},
		{"remote over TCP", Endpoint{Host: "tcp://192.0.2.1:2376"}, systemFacts{Name: host, RootDir: os.TempDir()}, CheckSkip, "not here"},
		{"root dir not visible", local, systemFacts{Name: host, RootDir: "/nonexistent/docker"}, CheckSkip, "not here"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := diskCheck(tt.ep, tt.facts)
			if (tt.status != "" && c.Status != tt.status) || !strings.Contains(c.Detail, tt.detail) {
				t.Errorf("diskCheck = %+v, want %s %q", c, tt.status, tt.detail)
			}
		})
	}
}

func TestCheckSocketTCP(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	open := l.Addr().String()
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	closedAddr := closed.Addr().String()
	closed.Close()
	defer l.Close()

	if c := checkSocket(Endpoint{Host: "tcp://" + open, Context: "default"}); c.Status != CheckPass || !strings.Contains(c.Detail, "accepts connections") {
		t.Errorf("open port: %+v", c)
	}
	if c := checkSocket(Endpoint{Host: "tcp://" + closedAddr, Context: "remote", Source: SourceConfig}); c.Status != CheckFail ||
		!strings.Contains(c.Detail, "nothing answers at tcp://"+closedAddr+` (context "remote"`) || !strings.Contains(c.Fix, "docker context use") {
		t.Errorf("closed port: %+v", c)
	}
	if c := checkSocket(Endpoint{Host: "ssh://me@host"}); c.Status != CheckSkip {
		t.Errorf("ssh: %+v", c)
	}
	notSock := t.TempDir() + "/docker.sock"
	writeFile(t, notSock, "")
	if c := checkSocket(Endpoint{Host: "unix://" + notSock}); c.Status != CheckFail || !strings.Contains(c.Detail, "not a socket") {
		t.Errorf("regular file: %+v", c)
	}
}

// TestDiagnoseBadContext: a context that does not exist fails the endpoint check, and nothing
// that needs a daemon is attempted.
func TestDiagnoseBadContext(t *testing.T) {
	t.Setenv("DOCKER_HOST", "")
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("DOCKER_CONTEXT", "vanished")
	d := Diagnose(context.Background(), DoctorOptions{BaseImages: []string{"alpine:3.22"}})
	if d.OK || len(d.Checks) == 0 {
		t.Fatalf("diagnosis %+v", d)
	}
	if c := d.Checks[0]; c.Name != "endpoint" || c.Status != CheckFail || !strings.Contains(c.Detail, `"vanished"`) || c.Fix == "" {
		t.Errorf("endpoint check %+v", c)
	}
	for _, c := range d.Checks[1:] {
		if c.Status != CheckSkip {
			t.Errorf("%+v not skipped", c)
		}
	}
}
