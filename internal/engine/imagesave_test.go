package engine

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"slices"
	"testing"
)

// tarOf writes a tar of name/content pairs; a name ending in "/" is a directory.
func tarOf(t *testing.T, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		name, data := files[i], files[i+1]
		hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}
		if name[len(name)-1] == '/' {
			hdr.Typeflag, hdr.Mode, hdr.Size = tar.TypeDir, 0o755, 0
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// saveConfig is an image config with two layers and a metadata-only history entry between.
func saveConfig(t *testing.T) string {
	return jsonOf(t, map[string]any{
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{"sha256:base", "sha256:app", "sha256:rm"}},
		"history": []map[string]any{
			{"created_by": "/bin/sh -c #(nop) ADD file:abc in /"},
			{"created_by": "/bin/sh -c #(nop)  CMD [\"sh\"]", "empty_layer": true},
			{"created_by": "COPY . /app # buildkit"},
			{"created_by": "RUN /bin/sh -c rm /app/.env # buildkit"},
		},
	})
}

func checkSaveLayers(t *testing.T, got []LayerContents) {
	t.Helper()
	if len(got) != 3 {
		t.Fatalf("got %d layers: %+v", len(got), got)
	}
	want := []LayerContents{
		{DiffID: "sha256:base", CreatedBy: "/bin/sh -c #(nop) ADD file:abc in /", Files: []string{"/bin/sh", "/etc/passwd"}},
		{DiffID: "sha256:app", CreatedBy: "COPY . /app # buildkit", Files: []string{"/app/.env", "/app/hello.py"}},
		{DiffID: "sha256:rm", CreatedBy: "RUN /bin/sh -c rm /app/.env # buildkit", Deleted: []string{"/app/.env", "/tmp/"}},
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.DiffID != w.DiffID || g.CreatedBy != w.CreatedBy || !slices.Equal(g.Files, w.Files) || !slices.Equal(g.Deleted, w.Deleted) {
			t.Errorf("layer %d = %+v\nwant %+v", i, g, w)
		}
	}
}

// TestReadImageSaveLegacy reads Docker 20.10's layout: <id>/layer.tar, <config>.json, and
// manifest.json last, so the layers must be kept until the manifest orders them.
func TestReadImageSaveLegacy(t *testing.T) {
	base := tarOf(t, "bin/", "", "bin/sh", "#!", "etc/passwd", "root:x:0:0")
	app := tarOf(t, "app/", "", "app/.env", "TOKEN=x", "./app/hello.py", "print()")
	rm := tarOf(t, "app/", "", "app/.wh..env", "", "tmp/.wh..wh..opq", "")
	manifest := jsonOf(t, []map[string]any{{"Config": "cfg.json", "RepoTags": []string{"x:1"},
		"Layers": []string{"l1/layer.tar", "l2/layer.tar", "l3/layer.tar"}}})
	save := tarOf(t,
		"l2/", "", "l2/VERSION", "1.0", "l2/layer.tar", string(app), "l2/json", `{"id":"l2"}`,
		"l1/layer.tar", string(base),
		"l3/layer.tar", string(rm),
		"cfg.json", saveConfig(t),
		"repositories", `{"x":{"1":"l3"}}`,
		"manifest.json", manifest,
	)
	got, err := readImageSave(bytes.NewReader(save))
	if err != nil {
		t.Fatal(err)
	}
	checkSaveLayers(t, got)
}

// TestReadImageSaveOCI reads the OCI layout newer daemons write, with gzip-compressed layers
// and a config blob without a .json name.
func TestReadImageSaveOCI(t *testing.T) {
	base := gzipped(t, tarOf(t, "bin/sh", "#!", "etc/passwd", "root:x:0:0"))
	app := gzipped(t, tarOf(t, "app/.env", "TOKEN=x", "app/hello.py", "print()"))
	rm := tarOf(t, "app/.wh..env", "", "tmp/.wh..wh..opq", "")
	manifest := jsonOf(t, []map[string]any{{"Config": "blobs/sha256/cfg",
		"Layers": []string{"blobs/sha256/aa", "blobs/sha256/bb", "blobs/sha256/cc"}}})
	save := tarOf(t,
		"oci-layout", `{"imageLayoutVersion":"1.0.0"}`,
		"index.json", `{"schemaVersion":2}`,
		"manifest.json", manifest,
		"blobs/sha256/cfg", saveConfig(t),
		"blobs/sha256/cc", string(rm),
		"blobs/sha256/aa", string(base),
		"blobs/sha256/bb", string(app),
	)
	got, err := readImageSave(bytes.NewReader(save))
	if err != nil {
		t.Fatal(err)
	}
	checkSaveLayers(t, got)
}

func TestReadImageSaveBroken(t *testing.T) {
	for name, save := range map[string][]byte{
		"no manifest":   tarOf(t, "l1/layer.tar", string(tarOf(t, "a", "b"))),
		"missing layer": tarOf(t, "cfg.json", saveConfig(t), "manifest.json", `[{"Config":"cfg.json","Layers":["l1/layer.tar"]}]`),
		"not a tar":     []byte("this is not a tar stream at all, just some text that goes on"),
	} {
		if _, err := readImageSave(bytes.NewReader(save)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
