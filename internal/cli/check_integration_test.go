package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/docktutor/docktutor/internal/dockertest"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/progress"
)

// TestCheckFixturesRealDaemon builds each fixture project on the real daemon with `docktutor
// check` and asserts its findings and exit status. The images go under a namespace of the
// test's own and are removed at the end, with the stage images the legacy builder left.
func TestCheckFixturesRealDaemon(t *testing.T) {
	c := dockertest.Connect(t, engine.New)
	for _, base := range []string{"python:3.13-slim", "golang:1.27", "gcr.io/distroless/static-debian13", "gcr.io/distroless/python3-debian13"} {
		dockertest.NeedImage(t, c.Inspect, base)
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	ns := "owncheck-test-" + hex.EncodeToString(b[:])
	t.Setenv(envNamespace, ns)
	cacheDir := t.TempDir()
	t.Setenv(progress.EnvCacheDir, cacheDir)
	t.Setenv(progress.EnvStateDir, t.TempDir())
	// Every image a check made, by ID: a later check under the same name leaves the earlier
	// image untagged, and the tags alone would not find it.
	var built []string
	t.Cleanup(func() { removeCheckImages(t, c, ns, cacheDir, built) })
	decode := func(t *testing.T, out string) checkOutput {
		ch := decodeCheck(t, out)
		if ch.ImageID != "" {
			built = append(built, ch.ImageID)
		}
		return ch
	}

	tests := []struct {
		project  string
		builder  string
		code     int
		warnings []string // goal@line
	}{
		{"go-good", "legacy", 0, nil},
		{"python-good", "buildkit", 0, nil},
		{"python-cache", "legacy", 1, []string{"install-after-copy@5", "package-manager@2", "root@2", "shell@2"}},
		{"python-secrets", "legacy", 1, []string{"package-manager@2", "secret@4", "secret@4", "secret@4", "shell@2"}},
		{"go-single", "buildkit", 1, []string{"compiler@2", "package-manager@2", "root@2", "shell@2", "size@2"}},
	}
	for _, tt := range tests {
		t.Run(tt.project+"/"+tt.builder, func(t *testing.T) {
			dir := filepath.Join(checkFixtures, tt.project)
			out, stderr, code := runWith(t, connectEngine, "check", "--context", dir, "--builder", tt.builder, "--json", "-q")
			ch := decode(t, out)
			if code != tt.code || !slices.Equal(ch.warnings(), tt.warnings) {
				t.Fatalf("exit %d, warnings %v; want %d, %v\n%s%s", code, ch.warnings(), tt.code, tt.warnings, out, stderr)
			}
			if want := "docktutor/" + ns + "/check:" + tt.project; ch.Image != want || ch.SizeBytes <= 0 || ch.Layers <= 0 || ch.Passed != (tt.code == 0) {
				t.Errorf("image %s (want %s), %d bytes, %d layers, passed %v", ch.Image, want, ch.SizeBytes, ch.Layers, ch.Passed)
			}
			if tt.project != "python-secrets" {
				return
			}
			// .env is deleted by a later layer and still ships; certs/ is in .dockerignore,
			// so its server.pem was never sent.
			var secrets []string
			for _, f := range ch.Findings {
				if f.ID == "secret" {
					secrets = append(secrets, f.Measured)
					if f.Where != "layer 5 (line 4: COPY . .)" {
						t.Errorf("secret %s: where %q", f.Measured, f.Where)
					}
				}
			}
			if !strings.HasPrefix(secrets[0], "/app/.env in layer 5 of 6, deleted by layer 6 (line 5: RUN rm -f .env) but still in layer 5") ||
				strings.Contains(strings.Join(secrets, " "), "server.pem") {
				t.Errorf("secrets: %q", secrets)
			}
		})
	}

	// A build that fails exits 1 with the failing step; a Dockerfile outside the context builds.
	dir := project(t, "failing", "Dockerfile", "FROM python:3.13-slim\nRUN exit 3\n")
	out, stderr, code := runWith(t, connectEngine, "check", "--context", dir, "--json", "-q")
	if ch := decode(t, out); code != 1 || !strings.Contains(ch.Error, "the build failed") || !strings.Contains(ch.Error, "exit 3") {
		t.Errorf("failing build: exit %d, error %q\n%s", code, ch.Error, stderr)
	}
	outside := filepath.Join(project(t, "elsewhere", "ship.Dockerfile",
		"FROM gcr.io/distroless/python3-debian13:latest\nCOPY hello.py /app/\nUSER 65532\nCMD [\"/app/hello.py\"]\n"), "ship.Dockerfile")
	out, stderr, code = runWith(t, connectEngine, "check", "--context", filepath.Join(checkFixtures, "python-good"), "-f", outside, "--json", "-q")
	if ch := decode(t, out); code != 1 || !slices.Equal(ch.warnings(), []string{"base-latest@1"}) || ch.Error != "" {
		t.Errorf("outside Dockerfile: exit %d, warnings %v, error %q\n%s", code, ch.warnings(), ch.Error, stderr)
	}

	// The human output of a failing fixture names the lesson that teaches each fix.
	out, _, code = runWith(t, connectEngine, "check", "--context", filepath.Join(checkFixtures, "python-cache"), "-q")
	if code != 1 || !strings.Contains(out, "learn     docktutor lesson cache") || !strings.Contains(out, "4 warnings, 2 notes.") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// removeCheckImages removes the images the test's checks tagged under ns or built (by ID), and
// the stage images they recorded in the results cache.
func removeCheckImages(t *testing.T, c *engine.Client, ns, cacheDir string, built []string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	m, err := c.ListManaged(ctx)
	if err != nil {
		t.Errorf("list: %v", err)
		return
	}
	for _, im := range m.Images {
		for _, tag := range im.Tags {
			if strings.HasPrefix(tag, "docktutor/"+ns+"/check:") {
				if err := c.Remove(ctx, tag); err != nil {
					t.Errorf("remove %s: %v", tag, err)
				}
			}
		}
	}
	for _, id := range built {
		if err := c.RemoveStageImage(ctx, id); err != nil && !strings.Contains(err.Error(), "No such image") {
			t.Logf("image %.19s: %v", id, err)
		}
	}
	rc, _, err := progress.OpenResults(cacheDir)
	if err != nil {
		t.Errorf("results cache: %v", err)
		return
	}
	for _, id := range rc.StageImages() {
		if err := c.RemoveStageImage(ctx, id); err != nil {
			t.Logf("stage image %.19s: %v", id, err)
		}
	}
}
