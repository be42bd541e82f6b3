package engine

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/docktutor/docktutor/internal/dockertest"
)

// kitImage builds a small image of the test's own on the alpine:3.22 stand-in: the stand-in's
// layer (which the daemon already has) plus a layer of random bytes (which no one has, so a
// pull must download it). It is removed when the test ends.
func kitImage(t *testing.T, c *Client) string {
	t.Helper()
	dockertest.NeedImage(t, c.Inspect, "alpine:3.22")
	tag := testTag(t, c, "kit")
	blob := make([]byte, 3<<20)
	_, _ = rand.Read(blob)
	fsys := fstest.MapFS{
		"Dockerfile": {Data: []byte("FROM alpine:3.22\nCOPY blob /blob\n")},
		"blob":       {Data: blob},
	}
	if _, err := c.Build(buildCtx(t), BuildRequest{Context: fsys, Tag: tag, Builder: BuilderLegacy}, func(Event) {}); err != nil {
		t.Fatalf("build %s: %v", tag, err)
	}
	return tag
}

// TestIntegrationKitRegistryRoundTrip pushes an image through the daemon to a registry on
// loopback, removes it, and pulls it back, as `kit push --to` and `kit pull --from` do.
func TestIntegrationKitRegistryRoundTrip(t *testing.T) {
	c := requireDaemon(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	host := dockertest.Registry(t)
	local := kitImage(t, c)
	remote, err := MirrorRef(host, local)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Tag(ctx, local, remote); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Untag(context.Background(), remote) })
	var pushed []LayerEvent
	if err := c.Push(ctx, remote, func(ev LayerEvent) { pushed = append(pushed, ev) }); err != nil {
		t.Fatalf("push %s: %v", remote, err)
	}
	if n := countPhase(pushed, LayerDone); n < 2 {
		t.Errorf("push: %d layers done, want 2 (stand-in and blob): %+v", n, pushed)
	}

	// Gone from the daemon, but for the stand-in's layer, which alpine:3.22 keeps.
	// (the engine's builds end in a LABEL step: the blob's layer is in an untagged parent,
	// which Untag removes with the image, as docker rmi does).
	for _, ref := range []string{remote, local} {
		if err := c.Untag(ctx, ref); err != nil {
			t.Fatalf("untag %s: %v", ref, err)
		}
	}
	if st, err := c.ImageStatus(ctx, local); err != nil || st.Present {
		t.Fatalf("%s still present (%v) after removing it", local, err)
	}

	var pulled []LayerEvent
	if err := c.Pull(ctx, remote, func(ev LayerEvent) { pulled = append(pulled, ev) }); err != nil {
		t.Fatalf("pull %s: %v", remote, err)
	}
	if err := c.Tag(ctx, remote, local); err != nil {
		t.Fatal(err)
	}
	// The progress a learner sees: the image line, then per layer: the blob downloaded with
	// byte counts and extracted, the stand-in's layer already there.
	if len(pulled) == 0 || pulled[0].Layer != "" || !strings.HasPrefix(pulled[0].Status, "Pulling from ") {
		t.Errorf("first event %+v, want Pulling from …", pulled)
	}
	var downloaded, complete, exists bool
	for _, ev := range pulled {
		switch {
		case ev.Phase == LayerTransferring && ev.Layer != "" && ev.Total >= 3<<20 && ev.Current > 0 && ev.Current <= ev.Total:
			downloaded = true
		case ev.Status == "Pull complete" && ev.Phase == LayerDone:
			complete = true
		case ev.Status == "Already exists" && ev.Phase == LayerDone:
			exists = true
		}
		if ev.Ref != remote {
			t.Errorf("event for %q, want %q", ev.Ref, remote)
		}
	}
	if !downloaded || !complete || !exists {
		t.Errorf("downloaded %v, pull complete %v, already exists %v; events:\n%+v", downloaded, complete, exists, pulled)
	}
	// The labels travel with the image: the stand-in is still one.
	st, err := c.ImageStatus(ctx, local)
	if err != nil || !st.Present || !st.StandIn {
		t.Errorf("after the pull: %+v, %v; want a present stand-in", st, err)
	}
}

// TestIntegrationKitPullErrors: a registry that does not answer, and one that lacks the image,
// are RegistryErrors naming the registry.
func TestIntegrationKitPullErrors(t *testing.T) {
	c := requireDaemon(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	host := dockertest.Registry(t)
	err := c.Pull(ctx, host+"/docktutor-test/absent-"+nonce()+":1", nil)
	var re *RegistryError
	if !errors.As(err, &re) || re.Unreachable || re.Registry != host {
		t.Errorf("absent image: %v (%#v), want a RegistryError for %s", err, re, host)
	}
	// Nothing listens on port 9 of loopback (discard is never run here).
	err = c.Pull(ctx, "127.0.0.1:9/alpine:3.22", nil)
	if !errors.As(err, &re) || !re.Unreachable || re.Registry != "127.0.0.1:9" || !strings.Contains(err.Error(), "127.0.0.1:9 does not answer") {
		t.Errorf("closed port: %v (%#v)", err, re)
	}
}

func countPhase(evs []LayerEvent, p LayerPhase) int {
	seen := map[string]bool{}
	for _, ev := range evs {
		if ev.Layer != "" && ev.Phase == p {
			seen[ev.Layer] = true
		}
	}
	return len(seen)
}
