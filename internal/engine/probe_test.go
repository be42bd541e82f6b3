package engine

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/docktutor/docktutor/internal/dockertest"
)

// TestIntegrationProbe reads single paths of a FROM-scratch image (no CMD, no shell) through
// the archive API: a file, a symbolic link, a directory and an absent path, and checks that
// the probe's container is gone after Close.
func TestIntegrationProbe(t *testing.T) {
	c := requireDaemon(t)
	dockertest.NeedImage(t, c.Inspect, testBase)
	tag := testTag(t, c, "probe")
	fsys := mapFS("Dockerfile", `FROM alpine:3.22 AS build
RUN mkdir -p /out/bin /out/etc && printf 'hello probe\n' > /out/etc/greeting && cp /bin/busybox /out/bin/busybox && ln -s busybox /out/bin/sh && ln -s /etc/greeting /out/etc/link
FROM scratch
COPY --from=build /out/ /
`)
	if _, err := c.Build(buildCtx(t), BuildRequest{Context: fsys, Tag: tag, Builder: BuilderLegacy}, nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p, err := c.Probe(ctx, tag)
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	id := p.(*probe).id
	if !managedContainer(t, c, id) {
		t.Errorf("probe container %.12s does not carry %s", id, LabelManaged)
	}

	stat := func(name string) PathInfo {
		t.Helper()
		info, err := p.Stat(ctx, name)
		if err != nil {
			t.Fatalf("Stat(%s): %v", name, err)
		}
		return info
	}
	if got := stat("/etc/greeting"); !got.Exists || !got.Mode.IsRegular() || got.Size != int64(len("hello probe\n")) {
		t.Errorf("Stat(/etc/greeting) = %+v, want a 12-byte regular file", got)
	}
	if got := stat("/bin/sh"); !got.Exists || got.Mode&fs.ModeSymlink == 0 || got.LinkTarget != "/bin/busybox" {
		t.Errorf("Stat(/bin/sh) = %+v, want a link resolving to /bin/busybox", got)
	}
	if got := stat("/etc"); !got.Exists || !got.Mode.IsDir() {
		t.Errorf("Stat(/etc) = %+v, want a directory", got)
	}
	for _, absent := range []string{"/usr/local/go/bin/go", "/etc/greeting/under-a-file", "/bin/sh/x"} {
		if got := stat(absent); got.Exists {
			t.Errorf("Stat(%s) = %+v, want absent", absent, got)
		}
	}

	if b, err := p.ReadFile(ctx, "/etc/link", 1<<20); err != nil || string(b) != "hello probe\n" {
		t.Errorf("ReadFile through a link = %q, %v", b, err)
	}
	if b, err := p.ReadFile(ctx, "/etc/greeting", 5); err != nil || string(b) != "hello" {
		t.Errorf("ReadFile limited to 5 bytes = %q, %v", b, err)
	}
	if b, err := p.ReadFile(ctx, "/bin/sh", 4); err != nil || string(b) != "\x7fELF" {
		t.Errorf("ReadFile(/bin/sh) starts %q, %v; want the ELF magic", b, err)
	}
	if _, err := p.ReadFile(ctx, "/nope", 10); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile(/nope) = %v, want fs.ErrNotExist", err)
	}
	if _, err := p.ReadFile(ctx, "/etc", 10); !errors.Is(err, ErrNotRegular) {
		t.Errorf("ReadFile(/etc) = %v, want ErrNotRegular", err)
	}

	if err := p.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if managedContainer(t, c, id) {
		t.Errorf("probe container %.12s left behind", id)
	}
	if err := p.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestIntegrationProbeMissingImage: probing an image that is not there fails at once and
// leaves nothing.
func TestIntegrationProbeMissingImage(t *testing.T) {
	c := requireDaemon(t)
	_, err := c.Probe(context.Background(), testRepo+":absent-"+nonce())
	if err == nil || !strings.Contains(err.Error(), "create container") {
		t.Fatalf("Probe(absent image) = %v, want a create error", err)
	}
}
