package lesson_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/docktutor/docktutor/internal/lesson"
)

// contextFolder is a lessons folder whose one strategy edits hello.py in an app with a
// subfolder, an executable, a read-only file and the leftovers an editor leaves behind.
func contextFolder() fstest.MapFS {
	f := oneLesson()
	addToStrategy(f, "edit:\n  file: hello.py\n  append: print(\"{time}\")\n")
	for name, file := range map[string]*fstest.MapFile{
		"apps/py/hello.py":        {Data: []byte("print('hi')\n"), Mode: 0o600, ModTime: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)},
		"apps/py/run.sh":          {Data: []byte("#!/bin/sh\n"), Mode: 0o755},
		"apps/py/.dockerignore":   {Data: []byte("*.md\n"), Mode: 0o444},
		"apps/py/lib/util.py":     {Data: []byte("X = 1\n"), Mode: 0o644},
		"apps/py/_go.mod":         {Data: []byte("module x\n"), Mode: 0o644},
		"apps/py/hello.py~":       {Data: []byte("old")},
		"apps/py/.hello.py.swp":   {Data: []byte("swap")},
		"apps/py/lib/.DS_Store":   {Data: []byte("mac")},
		"apps/py/lib/#util.py#":   {Data: []byte("autosave")},
		"apps/other/unrelated.py": {Data: []byte("")},
	} {
		f[name] = file
	}
	return f
}

// TestContext: the build context is the app's folder plus the Dockerfile, walks like a folder,
// keeps executables executable, makes everything readable, carries no editor leftovers, names
// _go.mod go.mod, and has no modification times (the same layers on every machine).
func TestContext(t *testing.T) {
	c, err := lesson.Load(contextFolder())
	if err != nil {
		t.Fatal(err)
	}
	s := c.Lessons[0].Strategies[0]
	ctx, err := s.Context()
	if err != nil {
		t.Fatal(err)
	}
	type entry struct {
		mode fs.FileMode
		data string
	}
	got := map[string]entry{}
	err = fs.WalkDir(ctx, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if !info.ModTime().IsZero() {
			t.Errorf("%s: mod time %v, want none", p, info.ModTime())
		}
		e := entry{mode: info.Mode()}
		if !d.IsDir() {
			data, err := fs.ReadFile(ctx, p)
			if err != nil {
				return err
			}
			e.data = string(data)
		}
		got[p] = e
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]entry{
		".":             {mode: fs.ModeDir | 0o755},
		"Dockerfile":    {mode: 0o644, data: s.Dockerfile},
		".dockerignore": {mode: 0o444, data: "*.md\n"},
		"hello.py":      {mode: 0o644, data: "print('hi')\n"},
		"run.sh":        {mode: 0o755, data: "#!/bin/sh\n"},
		"lib":           {mode: fs.ModeDir | 0o755},
		"lib/util.py":   {mode: 0o644, data: "X = 1\n"},
		"go.mod":        {mode: 0o644, data: "module x\n"}, // stored as _go.mod, see embedNames
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("context:\n got %v\nwant %v", got, want)
	}
}

// TestEditedContext: the edit lands in a copy, with the time of the edit as the file's time,
// and every other file as in the plain context.
func TestEditedContext(t *testing.T) {
	c, err := lesson.Load(contextFolder())
	if err != nil {
		t.Fatal(err)
	}
	s := c.Lessons[0].Strategies[0]
	at := time.Date(2026, 12, 3, 8, 15, 0, 0, time.UTC)
	edited, err := s.EditedContext(at)
	if err != nil {
		t.Fatal(err)
	}
	st, err := fs.Stat(edited, "hello.py")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := fs.ReadFile(edited, "hello.py")
	if want := "print('hi')\nprint(\"08:15:00.000\")"; string(data) != want || st.Size() != int64(len(want)) {
		t.Errorf("edited hello.py = %q (size %d), want %q", data, st.Size(), want)
	}
	if st.Mode() != 0o644 || !st.ModTime().Equal(at) {
		t.Errorf("edited hello.py: mode %v, time %v; want 0644 and %v", st.Mode(), st.ModTime(), at)
	}
	if data, _ := fs.ReadFile(edited, "lib/util.py"); string(data) != "X = 1\n" {
		t.Errorf("lib/util.py in the edited context: %q", data)
	}
	plain, _ := s.Context()
	if data, _ := fs.ReadFile(plain, "hello.py"); string(data) != "print('hi')\n" {
		t.Errorf("the edit leaked into a fresh context: %q", data)
	}
}

// TestNoTestingInProduction: the lesson package ships in the binary, so its non-test files
// must not import the testing packages (testing/fstest's MapFS once built the contexts).
func TestNoTestingInProduction(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if p == "testing" || strings.HasPrefix(p, "testing/") {
				t.Errorf("%s imports %s", name, p)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no production Go files found: is the test running in the package folder?")
	}
}
