package lesson_test

import (
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/lessons"
)

// exampleFile is a file of the README's example lesson: a line "`static/lesson.yaml`:", a
// blank line, and a fenced block with the file's text.
var exampleFile = regexp.MustCompile("(?m)^`(static/[^`]+)`:\n\n```[a-z]*\n((?s:.*?))```\n")

// TestReadmeExample keeps lessons/README.md honest: its example lesson, added to the built-in
// course as the README says, loads, and has what the README says it has.
func TestReadmeExample(t *testing.T) {
	readme, err := os.ReadFile("../../lessons/README.md")
	if err != nil {
		t.Fatal(err)
	}
	f := fstest.MapFS{}
	err = fs.WalkDir(lessons.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(lessons.FS, p)
		f[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	matches := exampleFile.FindAllSubmatch(readme, -1)
	if len(matches) != 4 {
		t.Fatalf("the README's example has %d files, want lesson.yaml, lesson.md and two Dockerfiles", len(matches))
	}
	for _, m := range matches {
		f[string(m[1])] = &fstest.MapFile{Data: m[2]}
	}
	f["course.yaml"].Data = []byte(strings.Replace(string(f["course.yaml"].Data), "  - qa\n", "  - qa\n  - static\n", 1))

	c, err := lesson.Load(f)
	if err != nil {
		t.Fatalf("the README's example does not load: %v", err)
	}
	l, ok := c.Find("static")
	if !ok || len(l.Strategies) != 2 || len(l.Questions) != 1 || l.Questions[0].Caption == "" {
		t.Fatalf("the README's example lesson: %+v", l)
	}
	if s, _ := l.Strategy("scratch"); s.BaseImage() != "scratch" || len(s.Checks) != 1 {
		t.Errorf("scratch strategy: base %q, %d checks", s.BaseImage(), len(s.Checks))
	}
}
