package engine

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/docktutor/docktutor/internal/dockertest"
	"github.com/docktutor/docktutor/internal/inside"
)

// The images TestIntegrationContents looks into: the lessons' small base with a shell, the
// runtime-only one without, and the toolchain. CI has local stand-ins of all three
// (.ci/standins); their shapes are what the assertions check, not the real images' sizes.
const (
	distrolessStatic = "gcr.io/distroless/static-debian13"
	golangToolchain  = "golang:1.27"
)

func TestIntegrationContents(t *testing.T) {
	c := requireDaemon(t)
	tests := []struct {
		ref          string
		shell        string // the Tool.String() of the sh found; "" for none
		compilers    []string
		pkgManagers  []string
		noCompiler   bool
		noPkgManager bool
		file         string // a file the image must hold
	}{
		{ref: testBase, shell: "sh (/bin/sh -> /bin/busybox)", noCompiler: true, file: "/bin/busybox"},
		{ref: distrolessStatic, noCompiler: true, noPkgManager: true, file: "/etc/passwd"},
		{
			ref: golangToolchain, shell: "sh (/bin/sh -> /usr/bin/dash)",
			compilers: []string{"gcc", "go"}, pkgManagers: []string{"apt", "apt-get", "dpkg"},
			file: "/usr/local/go/bin/go",
		},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			dockertest.NeedImage(t, c.Inspect, tt.ref)
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			var id string
			start := time.Now()
			rep, err := c.contents(ctx, tt.ref, func(created string) {
				id = created
				if !managedContainer(t, c, id) {
					t.Errorf("container %.12s does not carry %s", id, LabelManaged)
				}
			})
			if err != nil {
				t.Fatalf("Contents: %v", err)
			}
			t.Logf("%s in %s:\n%s", tt.ref, time.Since(start).Round(time.Millisecond), summary(rep))
			if managedContainer(t, c, id) {
				t.Errorf("container %.12s left behind", id)
			}

			sh := ""
			for _, s := range rep.Shells {
				if s.Name == "sh" {
					sh = s.String()
				}
			}
			if sh != tt.shell || rep.HasShell() != (tt.shell != "") {
				t.Errorf("sh = %q (shells %v), want %q", sh, rep.Shells, tt.shell)
			}
			for _, want := range tt.compilers {
				if !hasTool(rep.Compilers, want) {
					t.Errorf("no %s among the compilers %v", want, rep.Compilers)
				}
			}
			for _, want := range tt.pkgManagers {
				if !hasTool(rep.PackageManagers, want) {
					t.Errorf("no %s among the package managers %v", want, rep.PackageManagers)
				}
			}
			if tt.noCompiler && rep.HasCompiler() {
				t.Errorf("compilers %v, want none", rep.Compilers)
			}
			if tt.noPkgManager && rep.HasPackageManager() {
				t.Errorf("package managers %v, want none", rep.PackageManagers)
			}
			if e, ok := rep.Stat(tt.file); !ok || e.Kind != inside.KindFile {
				t.Errorf("Stat(%s) = %+v, %v", tt.file, e, ok)
			}
			if _, ok := rep.Stat("/.dockerenv"); ok {
				t.Error("the runtime's /.dockerenv is reported as the image's")
			}

			// The files are the image's bytes: close to what `docker images` says (layers count
			// a file rewritten by a later layer twice, so the image may be a little bigger).
			info, err := c.Inspect(ctx, tt.ref)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Bytes > info.Size || rep.Bytes < info.Size*8/10 {
				t.Errorf("files add up to %d bytes, the image is %d", rep.Bytes, info.Size)
			}
		})
	}
}

// TestIntegrationContentsCleanUp: a missing image, or a cancel in the middle, leaves no
// container behind either.
func TestIntegrationContentsCleanUp(t *testing.T) {
	c := requireDaemon(t)
	t.Run("missing image", func(t *testing.T) {
		_, err := c.Contents(context.Background(), "docktutor-test/no-such-image:"+nonce())
		if err == nil || !strings.Contains(err.Error(), "create container") || !strings.Contains(err.Error(), "docktutor-test/no-such-image") {
			t.Fatalf("err = %v, want a create error with the daemon's words naming the image", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		dockertest.NeedImage(t, c.Inspect, golangToolchain)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var id string
		_, err := c.contents(ctx, golangToolchain, func(created string) {
			id = created
			// Cancel as soon as the container exists and the export starts streaming.
			time.AfterFunc(50*time.Millisecond, cancel)
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if managedContainer(t, c, id) {
			t.Errorf("container %.12s left behind after a cancel", id)
		}
	})
}

// managedContainer says whether the container id is among those carrying LabelManaged.
func managedContainer(t *testing.T, c *Client, id string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m, err := c.ListManaged(ctx)
	if err != nil {
		t.Fatalf("list managed: %v", err)
	}
	return slices.ContainsFunc(m.Containers, func(ct ManagedContainer) bool { return ct.ID == id })
}

func hasTool(tools []inside.Tool, name string) bool {
	return slices.ContainsFunc(tools, func(t inside.Tool) bool { return slices.Contains(t.Names, name) })
}

// summary renders a report in a few lines for the test log.
func summary(r inside.Report) string {
	var b strings.Builder
	fmtTools := func(what string, ts []inside.Tool) {
		b.WriteString("  " + what + ":")
		for _, t := range ts {
			b.WriteString(" " + t.String())
			if len(t.Names) > 1 {
				b.WriteString(" [" + strings.Join(t.Names, " ") + "]")
			}
			b.WriteString(";")
		}
		b.WriteString("\n")
	}
	b.WriteString("  files " + itoa(r.Files) + ", dirs " + itoa(r.Dirs) + ", symlinks " + itoa(r.Symlinks) +
		", bytes " + itoa(int(r.Bytes)) + "\n")
	fmtTools("shells", r.Shells)
	fmtTools("compilers", r.Compilers)
	fmtTools("package managers", r.PackageManagers)
	fmtTools("interpreters", r.Interpreters)
	b.WriteString("  top:")
	for _, u := range r.Top[:min(len(r.Top), 5)] {
		b.WriteString(" " + u.Path + "=" + itoa(int(u.Bytes)))
	}
	return b.String()
}
