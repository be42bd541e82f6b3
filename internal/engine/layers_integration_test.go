package engine

import (
	"context"
	"slices"
	"testing"

	"github.com/docktutor/docktutor/internal/dockertest"
)

// TestIntegrationLayers builds an image that copies a secret in and deletes it in a later
// layer, with each builder, and finds the secret in the COPY's layer and its whiteout in the
// RUN's, as docktutor check's secret scan needs.
func TestIntegrationLayers(t *testing.T) {
	c := requireDaemon(t)
	const base = "alpine:3.22"
	dockertest.NeedImage(t, c.Inspect, base)
	for _, b := range builders {
		t.Run(string(b), func(t *testing.T) {
			tag := testTag(t, c, "layers-"+string(b))
			fsys := mapFS(
				"Dockerfile", "FROM "+base+"\nWORKDIR /app\nCOPY . .\nRUN rm .env\nUSER 65532\n",
				".env", "TOKEN="+nonce()+"\n",
				"hello.txt", "hello\n",
			)
			if _, err := c.Build(buildCtx(t), BuildRequest{Context: fsys, Tag: tag, Builder: b}, nil); err != nil {
				t.Fatal(err)
			}
			info, err := c.Inspect(context.Background(), tag)
			if err != nil {
				t.Fatal(err)
			}
			baseInfo, err := c.Inspect(context.Background(), base)
			if err != nil {
				t.Fatal(err)
			}
			if info.User != "65532" || len(baseInfo.DiffIDs) == 0 || !slices.Equal(info.DiffIDs[:len(baseInfo.DiffIDs)], baseInfo.DiffIDs) {
				t.Errorf("User %q, DiffIDs %v do not start with the base's %v", info.User, info.DiffIDs, baseInfo.DiffIDs)
			}
			layers, err := c.Layers(buildCtx(t), tag)
			if err != nil {
				t.Fatal(err)
			}
			if len(layers) != len(info.DiffIDs) {
				t.Fatalf("%d layers, %d DiffIDs", len(layers), len(info.DiffIDs))
			}
			copied, removed := -1, -1
			for i, l := range layers {
				if l.DiffID != info.DiffIDs[i] {
					t.Errorf("layer %d: DiffID %s, inspect says %s", i, l.DiffID, info.DiffIDs[i])
				}
				if slices.Contains(l.Files, "/app/.env") {
					copied = i
				}
				if slices.Contains(l.Deleted, "/app/.env") {
					removed = i
				}
				t.Logf("layer %d %.19s %q: %d files, deleted %v", i, l.DiffID, l.CreatedBy, len(l.Files), l.Deleted)
			}
			if copied < len(baseInfo.DiffIDs) || removed <= copied {
				t.Errorf(".env copied in layer %d, deleted in layer %d", copied, removed)
			}
		})
	}
}
