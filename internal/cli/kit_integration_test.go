//go:build linux

package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/docktutor/docktutor/internal/dockertest"
	"github.com/docktutor/docktutor/internal/engine"
)

// These tests run the kit against the real daemon, on images of their own: the shared stand-ins
// are only ever tagged under a test name, never pulled, loaded or removed under their public
// names (other tests and people use them).

// kitTestImage gives the image from the name test (a fresh name: docktutor-test/kit-…:<word>)
// and removes that name when the test ends. With blob, the image is the alpine:3.22 stand-in plus
// a layer of random bytes (which no other image has, so a pull downloads it); without, it is the
// stand-in itself under the test's name.
func kitTestImage(t *testing.T, c *engine.Client, word string, blob bool) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dockertest.NeedImage(t, c.Inspect, "alpine:3.22")
	ref := "docktutor-test/kit-" + randomWord() + ":" + word
	t.Cleanup(func() { _ = c.Untag(context.Background(), ref) })
	if !blob {
		if err := c.Tag(ctx, "alpine:3.22", ref); err != nil {
			t.Fatal(err)
		}
		return ref
	}
	data := make([]byte, 4<<20)
	_, _ = rand.Read(data)
	fsys := fstest.MapFS{"Dockerfile": {Data: []byte("FROM alpine:3.22\nCOPY blob /blob\n")}, "blob": {Data: data}}
	if _, err := c.Build(ctx, engine.BuildRequest{Context: fsys, Tag: ref, Builder: engine.BuilderLegacy}, nil); err != nil {
		t.Fatalf("build %s: %v", ref, err)
	}
	return ref
}

// randomWord makes names unique to one run.
func randomWord() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// realConnect is how docktutor connects, for runKit.
func realConnect(ctx context.Context) (engine.Engine, engine.DaemonInfo, error) {
	return connectEngine(ctx)
}

// TestKitPushPullFromRegistry fills a registry on loopback with `kit push --to`, removes the
// image, and gets it back with `kit pull --from`: named as before, still a stand-in, with its
// layers' progress printed.
func TestKitPushPullFromRegistry(t *testing.T) {
	c := dockertest.Connect(t, engine.New)
	host := dockertest.Registry(t)
	ref := kitTestImage(t, c, "pushpull", true)
	images := []string{ref}

	out, stderr, code := runKit(t, realConnect, images, "push", "--to", host)
	if code != 0 || !strings.Contains(out, "Pushed 1 image.") {
		t.Fatalf("push: exit %d\n%s\n%s", code, out, stderr)
	}
	ctx := context.Background()
	mirror, _ := engine.MirrorRef(host, ref)
	if st, _ := c.ImageStatus(ctx, mirror); st.Present {
		t.Errorf("the push left %s on the daemon", mirror)
	}
	if err := c.Untag(ctx, ref); err != nil {
		t.Fatal(err)
	}
	if st, _ := c.ImageStatus(ctx, ref); st.Present {
		t.Fatalf("%s still here", ref)
	}

	out, stderr, code = runKit(t, realConnect, images, "pull", "--from", host)
	if code != 0 {
		t.Fatalf("pull --from: exit %d\n%s\n%s", code, out, stderr)
	}
	for _, want := range []string{
		"docktutor kit pull: 1 image from " + host + "\n",
		ref + " <- " + mirror + "\n",
		"  Pulling from ", "  Already exists\n", "  Downloading (4.2MB)\n", "  Pull complete\n",
		"done   " + ref + "\n", "Pulled 1 image.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("pull output lacks %q:\n%s", want, out)
		}
	}
	if st, err := c.ImageStatus(ctx, ref); err != nil || !st.Present || !st.StandIn {
		t.Errorf("after the pull %s: %+v, %v; want a present stand-in", ref, st, err)
	}
	if st, _ := c.ImageStatus(ctx, mirror); st.Present {
		t.Errorf("the pull left %s on the daemon", mirror)
	}
}

// TestKitSaveLoadRealDaemon: a bundle of a small image survives the round trip through gzip and
// the daemon; a missing image stops the save; a damaged bundle is refused before the daemon
// sees it.
func TestKitSaveLoadRealDaemon(t *testing.T) {
	c := dockertest.Connect(t, engine.New)
	ctx := context.Background()
	ref := kitTestImage(t, c, "bundle", false)
	bundle := filepath.Join(t.TempDir(), "kit.tar.gz")

	absent := "docktutor-test/kit-absent:" + randomWord()
	_, stderr, code := runKit(t, realConnect, []string{ref, absent}, "save", bundle)
	if code != 1 || !strings.Contains(stderr, "1 image is not on this daemon: "+absent) {
		t.Errorf("save with a missing image: exit %d, %s", code, stderr)
	}

	out, stderr, code := runKit(t, realConnect, []string{ref}, "save", bundle)
	if code != 0 || !strings.Contains(out, "Saved 1 image to "+bundle) || !strings.Contains(out, "  done  ") {
		t.Fatalf("save: exit %d\n%s\n%s", code, out, stderr)
	}
	b, err := os.ReadFile(bundle)
	if err != nil || len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Fatalf("the bundle is not gzip (%v)", err)
	}
	if err := c.Untag(ctx, ref); err != nil {
		t.Fatal(err)
	}

	out, stderr, code = runKit(t, realConnect, nil, "load", bundle)
	if code != 0 || !strings.Contains(out, "Loaded "+ref+"  (a docktutor TEST STAND-IN, not the real image)\n") ||
		!strings.Contains(out, "checking "+bundle+" against kit.tar.gz.sha256") {
		t.Fatalf("load: exit %d\n%s\n%s", code, out, stderr)
	}
	if st, _ := c.ImageStatus(ctx, ref); !st.Present || !st.StandIn {
		t.Errorf("after the load: %+v", st)
	}

	if err := c.Untag(ctx, ref); err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(bundle, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = runKit(t, realConnect, nil, "load", bundle)
	if code != 1 || !strings.Contains(stderr, "does not match kit.tar.gz.sha256") {
		t.Errorf("damaged bundle: exit %d, %s", code, stderr)
	}
	if st, _ := c.ImageStatus(ctx, ref); st.Present {
		t.Error("the damaged bundle was loaded")
	}
}

// TestKitLoadThenDoctor: on a daemon with no registry and no images, doctor says how to get
// them (kit pull, kit load); after `kit load` it passes, and still calls a stand-in a stand-in.
func TestKitLoadThenDoctor(t *testing.T) {
	shared := dockertest.Connect(t, engine.New)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	standin := kitTestImage(t, shared, "standin", false)
	// An image that is no stand-in: FROM scratch, no labels.
	// Unique content: no build cache to share with a run before (or with another test's clean-up).
	word := randomWord()
	real := "docktutor-test/kit-real:" + word
	fsys := fstest.MapFS{"Dockerfile": {Data: []byte("FROM scratch\nCOPY hello /hello\n")}, "hello": {Data: []byte("hi " + word + "\n")}}
	if _, err := shared.Build(ctx, engine.BuildRequest{Context: fsys, Tag: real, Builder: engine.BuilderLegacy}, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = shared.Untag(context.Background(), real) })
	images := []string{standin, real}
	bundle := filepath.Join(t.TempDir(), "kit.tar.gz")
	if out, stderr, code := runKit(t, realConnect, images, "save", bundle); code != 0 {
		t.Fatalf("save: exit %d\n%s\n%s", code, out, stderr)
	}

	d := dockertest.Start(t)
	t.Setenv("DOCKER_HOST", d.Host)
	checks := func() map[string]engine.Check {
		diag := engine.Diagnose(ctx, engine.DoctorOptions{BaseImages: images})
		by := map[string]engine.Check{}
		for _, c := range diag.Checks {
			by[c.Name] = c
		}
		if !diag.OK {
			t.Errorf("doctor fails: %+v", diag.Checks)
		}
		return by
	}
	before := checks()
	for _, ref := range images {
		if c := before["image "+ref]; c.Status != engine.CheckWarn || !strings.Contains(c.Fix, "docktutor kit pull") || !strings.Contains(c.Fix, "docktutor kit load FILE") {
			t.Errorf("before the load, %s: %+v", ref, c)
		}
	}
	if out, stderr, code := runKit(t, realConnect, nil, "load", bundle); code != 0 || !strings.Contains(out, "Loaded 2 images") {
		t.Fatalf("load into the empty daemon: exit %d\n%s\n%s", code, out, stderr)
	}
	after := checks()
	if c := after["image "+real]; c.Status != engine.CheckPass {
		t.Errorf("after the load, %s: %+v", real, c)
	}
	if c := after["image "+standin]; c.Status != engine.CheckWarn || !strings.Contains(c.Detail, "TEST STAND-IN") {
		t.Errorf("after the load, the stand-in %s: %+v", standin, c)
	}
}
