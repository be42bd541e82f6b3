package engine

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"slices"
	"testing"
	"testing/fstest"
)

// tarNames writes fsys as a build context and lists the entries.
func tarNames(t *testing.T, fsys fs.FS, dockerfile string) []string {
	t.Helper()
	var buf bytes.Buffer
	if err := writeContext(&buf, fsys, dockerfile); err != nil {
		t.Fatal(err)
	}
	var names []string
	tr := tar.NewReader(&buf)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
	return names
}

func TestWriteContextDockerignore(t *testing.T) {
	tests := []struct {
		name       string
		files      fstest.MapFS
		dockerfile string
		want       []string
	}{
		{
			name:  "no ignore file sends everything",
			files: mapFS("Dockerfile", "FROM scratch", "a.txt", "a", "dir/b.txt", "b"),
			want:  []string{"Dockerfile", "a.txt", "dir/", "dir/b.txt"},
		},
		{
			name: "excluded files and directories are absent",
			files: mapFS("Dockerfile", "FROM scratch", "app.py", "x", ".git/config", "x", "venv/lib/x.py", "x",
				"notes.md", "x", "src/debug.log", "x", "src/main.py", "x",
				".dockerignore", "# comment\n.git\nvenv/\n*.md\n**/*.log\n"),
			want: []string{".dockerignore", "Dockerfile", "app.py", "src/", "src/main.py"},
		},
		{
			name: "exception patterns bring files back",
			files: mapFS("Dockerfile", "FROM scratch", "README.md", "x", "CHANGES.md", "x",
				"docs/keep.txt", "x", "docs/drop.txt", "x",
				".dockerignore", "*.md\n!README.md\ndocs\n!docs/keep.txt\n"),
			want: []string{".dockerignore", "Dockerfile", "README.md", "docs/keep.txt"},
		},
		{
			name: "the Dockerfile and .dockerignore are always sent",
			files: mapFS("Dockerfile", "FROM scratch", "build/Dockerfile.prod", "FROM scratch", "build/x", "x",
				".dockerignore", "Dockerfile\n.dockerignore\nbuild\n"),
			dockerfile: "build/Dockerfile.prod",
			want:       []string{".dockerignore", "build/Dockerfile.prod"},
		},
		{
			name: "a per-Dockerfile ignore file wins over .dockerignore",
			files: mapFS("Dockerfile", "FROM scratch", "slim.Dockerfile", "FROM scratch", "big.bin", "x", "a.txt", "x",
				".dockerignore", "a.txt\n", "slim.Dockerfile.dockerignore", "*.bin\n"),
			dockerfile: "slim.Dockerfile",
			want:       []string{".dockerignore", "Dockerfile", "a.txt", "slim.Dockerfile", "slim.Dockerfile.dockerignore"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tarNames(t, tt.files, tt.dockerfile)
			if !slices.Equal(got, tt.want) {
				t.Errorf("tar has %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWriteContextHeaders(t *testing.T) {
	fsys := fstest.MapFS{
		"Dockerfile":  {Data: []byte("FROM scratch\n"), Mode: 0o444},
		"bin/run.sh":  {Data: []byte("#!/bin/sh\n"), Mode: 0o555},
		"bin":         {Mode: fs.ModeDir | 0o555},
		"link-to-run": {Data: []byte("bin/run.sh"), Mode: fs.ModeSymlink | 0o777},
	}
	var buf bytes.Buffer
	if err := writeContext(&buf, fsys, ""); err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(&buf)
	got := map[string]*tar.Header{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got[h.Name] = h
	}
	if h := got["Dockerfile"]; h == nil || h.Mode&0o777 != 0o644 || h.Size != 13 || h.ModTime.Unix() != 0 || h.Uid != 0 {
		t.Errorf("Dockerfile header %+v: want mode 0644 (owner write added), size 13, epoch, uid 0", h)
	}
	if h := got["bin/run.sh"]; h == nil || h.Mode&0o777 != 0o755 {
		t.Errorf("bin/run.sh header %+v: want mode 0755", h)
	}
	if h := got["bin/"]; h == nil || h.Typeflag != tar.TypeDir {
		t.Errorf("bin/ header %+v", h)
	}
	if h := got["link-to-run"]; h == nil || h.Typeflag != tar.TypeSymlink || h.Linkname != "bin/run.sh" {
		t.Errorf("link-to-run header %+v", h)
	}
}

func TestWriteContextErrors(t *testing.T) {
	tests := []struct {
		name       string
		files      fstest.MapFS
		dockerfile string
	}{
		{"missing Dockerfile", mapFS("a.txt", "x"), ""},
		{"absolute path", mapFS("Dockerfile", "x"), "/Dockerfile"},
		{"escaping path", mapFS("Dockerfile", "x"), "../Dockerfile"},
		{"bad pattern", mapFS("Dockerfile", "x", ".dockerignore", "!\n"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := writeContext(io.Discard, tt.files, tt.dockerfile)
			var ue *UsageError
			if !errors.As(err, &ue) {
				t.Errorf("error %v (%T), want a *UsageError", err, err)
			}
		})
	}
}

func TestParseBuilder(t *testing.T) {
	tests := []struct {
		in      string
		want    Builder
		wantErr bool
	}{
		{"", BuilderAuto, false},
		{"auto", BuilderAuto, false},
		{"buildkit", BuilderBuildKit, false},
		{"legacy", BuilderLegacy, false},
		{"BuildKit", "", true},
		{"v1", "", true},
	}
	for _, tt := range tests {
		got, err := ParseBuilder(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseBuilder(%q) = %q, %v", tt.in, got, err)
		}
		var ue *UsageError
		if err != nil && !errors.As(err, &ue) {
			t.Errorf("ParseBuilder(%q) error %T, want *UsageError", tt.in, err)
		}
	}
}

// TestContextSize: the size is the tar stream's, and .dockerignore makes it smaller by what it
// leaves out (a fake secret and a big file here, as the context lesson shows).
func TestContextSize(t *testing.T) {
	big := string(bytes.Repeat([]byte("x"), 100_000))
	files := mapFS("Dockerfile", "FROM scratch", "app.py", "print(1)", ".env", "TOKEN=fake", "data.bin", big)
	all, err := ContextSize(files, "Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := writeContext(&buf, files, "Dockerfile"); err != nil {
		t.Fatal(err)
	}
	if all != int64(buf.Len()) || all < 100_000 {
		t.Errorf("ContextSize = %d, the tar is %d bytes", all, buf.Len())
	}
	files[".dockerignore"] = &fstest.MapFile{Data: []byte(".env\n*.bin\n")}
	ignored, err := ContextSize(files, "Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	if ignored >= all-100_000 || ignored <= 0 {
		t.Errorf("with .dockerignore %d bytes, without %d: the ignored 100 kB are still sent", ignored, all)
	}
	if _, err := ContextSize(files, "nope"); err == nil {
		t.Error("no error for a missing Dockerfile")
	}
}
