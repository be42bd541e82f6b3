package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/docktutor/docktutor/internal/dockertest"
)

// testBase is the small image with a shell the integration tests build on. CI makes a local
// stand-in of it (.ci/standins) since no registry is reachable there.
const testBase = "alpine:3.22"

// testRepo namespaces every image the tests create.
const testRepo = "docktutor-test/engine"

// requireDaemon connects to the shared daemon, or skips the test when none answers (fails it
// under CI=true).
func requireDaemon(t testing.TB) *Client {
	t.Helper()
	return dockertest.Connect(t, New)
}

// testTag returns a unique tag under testRepo and removes the image when the test ends.
func testTag(t testing.TB, c *Client, name string) string {
	t.Helper()
	tag := testRepo + ":" + name + "-" + nonce()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := c.Remove(ctx, tag); err != nil && !strings.Contains(err.Error(), "No such image") {
			t.Errorf("clean up %s: %v", tag, err)
		}
	})
	return tag
}

// nonce is a short random word that makes tags and commands unique to one test run.
func nonce() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// dockerCLI runs the docker command line, the reference the engine is checked against.
func dockerCLI(t testing.TB, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("docker"); err != nil {
		t.Skip("docker CLI not installed")
	}
	out, err := exec.Command("docker", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// buildCtx is a context for the builds in the tests.
func buildCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// collect returns an emit func that appends to *events.
func collect(events *[]Event) func(Event) {
	return func(e Event) { *events = append(*events, e) }
}

// mapFS builds a build context from name/content pairs.
func mapFS(files ...string) fstest.MapFS {
	m := fstest.MapFS{}
	for i := 0; i+1 < len(files); i += 2 {
		m[files[i]] = &fstest.MapFile{Data: []byte(files[i+1]), Mode: 0o644}
	}
	return m
}

func isBuildError(err error) (*BuildError, bool) {
	var be *BuildError
	ok := errors.As(err, &be)
	return be, ok
}
