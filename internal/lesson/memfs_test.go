package lesson

import (
	"errors"
	"io"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func testMemFS() *memFS {
	m := newMemFS()
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	m.add("Dockerfile", []byte("FROM scratch\n"), 0o644, time.Time{})
	m.add("hello.py", []byte("print('hi')\n"), 0o755, at)
	m.add("wheels/pkg/a.whl", []byte("zip"), 0o444, time.Time{})
	m.add("wheels/b.whl", nil, 0o444, time.Time{})
	return m
}

// TestMemFS holds memFS to the fs.FS contract with the standard library's own checker: Open,
// ReadDir (whole and in pieces), ReadFile, Stat and Seek agree with each other.
func TestMemFS(t *testing.T) {
	if err := fstest.TestFS(testMemFS(), "Dockerfile", "hello.py", "wheels/pkg/a.whl", "wheels/b.whl"); err != nil {
		t.Fatal(err)
	}
}

func TestMemFSModesAndErrors(t *testing.T) {
	m := testMemFS()
	for _, tt := range []struct {
		name string
		mode fs.FileMode
		mod  time.Time
		size int64
	}{
		{".", fs.ModeDir | 0o755, time.Time{}, 0},
		{"wheels", fs.ModeDir | 0o755, time.Time{}, 0},
		{"wheels/pkg", fs.ModeDir | 0o755, time.Time{}, 0},
		{"hello.py", 0o755, time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), 12},
		{"wheels/pkg/a.whl", 0o444, time.Time{}, 3},
	} {
		st, err := fs.Stat(m, tt.name)
		if err != nil {
			t.Errorf("stat %s: %v", tt.name, err)
			continue
		}
		if st.Mode() != tt.mode || !st.ModTime().Equal(tt.mod) || st.Size() != tt.size || st.IsDir() != tt.mode.IsDir() {
			t.Errorf("%s: mode %v, time %v, size %d; want %v, %v, %d", tt.name, st.Mode(), st.ModTime(), st.Size(), tt.mode, tt.mod, tt.size)
		}
	}
	for _, name := range []string{"nope", "wheels/nope", "hello.py/x"} {
		if _, err := m.Open(name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("open %s: %v, want not exist", name, err)
		}
	}
	for _, name := range []string{"/hello.py", "../x", "wheels/"} {
		if _, err := m.Open(name); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("open %s: %v, want invalid", name, err)
		}
	}
	if _, err := fs.ReadFile(m, "wheels"); err == nil {
		t.Error("ReadFile of a directory did not fail")
	}
	if _, err := fs.ReadDir(m, "hello.py"); err == nil {
		t.Error("ReadDir of a file did not fail")
	}

	// What ReadFile returns is a copy: changing it changes nothing in the file system.
	data, _ := fs.ReadFile(m, "hello.py")
	data[0] = 'X'
	if again, _ := fs.ReadFile(m, "hello.py"); again[0] != 'p' {
		t.Errorf("ReadFile handed out the file's own bytes: now %q", again)
	}

	// A directory read a few entries at a time ends with io.EOF.
	f, _ := m.Open("wheels")
	dir := f.(fs.ReadDirFile)
	first, err := dir.ReadDir(1)
	if err != nil || len(first) != 1 || first[0].Name() != "b.whl" {
		t.Fatalf("ReadDir(1): %v, %v", first, err)
	}
	second, err := dir.ReadDir(5)
	if err != nil || len(second) != 1 || second[0].Name() != "pkg" || !second[0].IsDir() {
		t.Fatalf("ReadDir(5): %v, %v", second, err)
	}
	if rest, err := dir.ReadDir(1); len(rest) != 0 || err != io.EOF {
		t.Errorf("ReadDir at the end: %v, %v; want io.EOF", rest, err)
	}
}

// TestMemFSReplace: adding a file again replaces it, as an edit does, and leaves one entry.
func TestMemFSReplace(t *testing.T) {
	m := testMemFS()
	at := time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC)
	m.add("hello.py", []byte("print('edited')\n"), 0o755, at)
	if got, _ := fs.ReadFile(m, "hello.py"); string(got) != "print('edited')\n" {
		t.Errorf("hello.py = %q", got)
	}
	if st, _ := fs.Stat(m, "hello.py"); !st.ModTime().Equal(at) {
		t.Errorf("mod time %v, want %v", st.ModTime(), at)
	}
	entries, _ := fs.ReadDir(m, ".")
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := "Dockerfile hello.py wheels"; strings.Join(names, " ") != want {
		t.Errorf("root lists %q, want %q", strings.Join(names, " "), want)
	}
}

func TestLeftover(t *testing.T) {
	for name, want := range map[string]bool{
		"hello.py~": true, ".hello.py.swp": true, ".hello.py.swo": true, ".#hello.py": true,
		"#hello.py#": true, ".DS_Store": true, "Thumbs.db": true,
		"hello.py": false, ".dockerignore": false, "main.swp.go": false, "#": false,
		"requirements.txt": false, ".env.swap": false,
	} {
		if got := leftover(name); got != want {
			t.Errorf("leftover(%q) = %v, want %v", name, got, want)
		}
	}
}
