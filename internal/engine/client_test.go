package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// These tests need no daemon: they check how its absence is reported.

func TestNewNoDaemon(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "docker.sock")
	t.Setenv("DOCKER_HOST", "unix://"+sock)
	_, err := New(context.Background())
	var de *DaemonError
	if !errors.As(err, &de) {
		t.Fatalf("error %v (%T), want a *DaemonError", err, err)
	}
	if de.Endpoint != "unix://"+sock || de.Err == nil {
		t.Errorf("DaemonError %+v", de)
	}
	// The endpoint, its context and the way out; other sockets found on the machine may follow.
	want := "Docker is not running at unix://" + sock + ` (context "default", from DOCKER_HOST) — start it (sudo systemctl start docker`
	if !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "or correct DOCKER_HOST") {
		t.Errorf("message\n got %s\nwant %s…", err, want)
	}
}

func TestNewDaemonNotAnswering(t *testing.T) {
	// Something listens but never answers: New must give up (here: at the caller's deadline)
	// and say so.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	t.Setenv("DOCKER_HOST", "tcp://"+l.Addr().String())
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = New(ctx)
	var de *DaemonError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "did not answer in time") {
		t.Errorf("error %v (%T), want a *DaemonError saying it did not answer", err, err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("New took %s", time.Since(start))
	}
}

func TestNewBadDockerHost(t *testing.T) {
	t.Setenv("DOCKER_HOST", "not-an-address")
	_, err := New(context.Background())
	var de *DaemonError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "DOCKER_HOST") {
		t.Errorf("error %v (%T), want a *DaemonError about DOCKER_HOST", err, err)
	}
}

func TestNewPermissionDenied(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores socket permissions")
	}
	sock := filepath.Join(t.TempDir(), "docker.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := os.Chmod(sock, 0); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_HOST", "unix://"+sock)
	_, err = New(context.Background())
	if err == nil || !strings.Contains(err.Error(), "docker group") {
		t.Errorf("error %v, want a hint about the docker group", err)
	}
}

func TestContextHost(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DOCKER_CONFIG", dir)
	t.Setenv("DOCKER_CONTEXT", "")
	write := func(name, data string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	if host, err := contextHost(); host != "" || err != nil {
		t.Errorf("no config: %q, %v", host, err)
	}
	write(filepath.Join(dir, "config.json"), `{"currentContext":"default"}`)
	if host, err := contextHost(); host != "" || err != nil {
		t.Errorf("default context: %q, %v", host, err)
	}

	sum := sha256.Sum256([]byte("colima"))
	write(filepath.Join(dir, "contexts", "meta", hex.EncodeToString(sum[:]), "meta.json"),
		`{"Name":"colima","Metadata":{},"Endpoints":{"docker":{"Host":"unix:///home/me/.colima/default/docker.sock","SkipTLSVerify":false}}}`)
	write(filepath.Join(dir, "config.json"), `{"auths":{},"currentContext":"colima"}`)
	if host, err := contextHost(); host != "unix:///home/me/.colima/default/docker.sock" || err != nil {
		t.Errorf("colima context: %q, %v", host, err)
	}

	t.Setenv("DOCKER_CONTEXT", "missing")
	if _, err := contextHost(); err == nil {
		t.Error("a context without metadata should be an error")
	}
}

func TestBuildErrorMessage(t *testing.T) {
	tests := []struct {
		err  BuildError
		want string
	}{
		{BuildError{Msg: "dockerfile parse error line 2: unknown instruction: FOO"}, "dockerfile parse error line 2: unknown instruction: FOO"},
		{BuildError{Name: "RUN make", Msg: "exit code: 2", Output: []string{"a", "main.c:1: error"}}, `RUN make: exit code: 2 (last output: "main.c:1: error")`},
		{BuildError{Name: "COPY x .", Msg: `COPY x .: "/x" not found`}, `COPY x .: "/x" not found`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %s\nwant %s", got, tt.want)
		}
	}
}

func TestMetadataOnly(t *testing.T) {
	for in, want := range map[string]bool{
		`/bin/sh -c #(nop)  CMD ["python3"]`:           true,
		`/bin/sh -c #(nop)  ENV PATH=/usr/local/bin`:   true,
		`ENTRYPOINT ["/app"]`:                          true,
		`LABEL io.docktutor.managed=true`:              true,
		`/bin/sh -c #(nop) COPY file:abc in /app `:     false,
		`RUN /bin/sh -c go build -o /app . # buildkit`: false,
		`/bin/sh -c apk add curl`:                      false,
		`WORKDIR /src`:                                 false,
	} {
		if got := metadataOnly(in); got != want {
			t.Errorf("metadataOnly(%q) = %v", in, got)
		}
	}
}

// TestInfoNamesContext: connected through a named docker CLI context, Info says which one, so
// the status line can show it.
func TestInfoNamesContext(t *testing.T) {
	host := requireDaemon(t).Endpoint()
	dir := t.TempDir()
	t.Setenv("DOCKER_CONFIG", dir)
	t.Setenv("DOCKER_HOST", "")
	t.Setenv("DOCKER_CONTEXT", "")
	sum := sha256.Sum256([]byte("workshop"))
	meta := filepath.Join(dir, "contexts", "meta", hex.EncodeToString(sum[:]), "meta.json")
	if err := os.MkdirAll(filepath.Dir(meta), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		meta:                              `{"Name":"workshop","Metadata":{},"Endpoints":{"docker":{"Host":"` + host + `","SkipTLSVerify":false}}}`,
		filepath.Join(dir, "config.json"): `{"currentContext":"workshop"}`,
	}
	for name, data := range files {
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	info := connectInfo(t, 15*time.Second)
	if info.Context != "workshop" || info.Endpoint != host {
		t.Errorf("Info: context %q, endpoint %q; want workshop, %s", info.Context, info.Endpoint, host)
	}
}

// connectInfo connects as docktutor does, from the environment the test set up, and returns
// what Info says of the daemon.
func connectInfo(t *testing.T, timeout time.Duration) DaemonInfo {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	c, err := New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	info, err := c.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return info
}
