package lesson_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/lessons"
)

const goodGlossary = `terms:
  - id: stage
    term: stage
    aliases: [multi-stage]
    definition: A part of a Dockerfile.
    lesson: one
  - id: expose
    term: EXPOSE
    aliases: [-p]
    definition: Documents a port.
    lesson: one
`

func withGlossary(text string) fstest.MapFS {
	f := oneLesson()
	f[lesson.GlossaryFile] = &fstest.MapFile{Data: []byte(text)}
	return f
}

// TestBuiltInGlossary: the shipped glossary loads with the course, holds the terms the
// curriculum review asked for, and every lesson uses some of them.
func TestBuiltInGlossary(t *testing.T) {
	c, err := lesson.Load(lessons.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"static-binary", "libc", "cgo", "trimpath-ldflags", "expose", "entrypoint-cmd",
		"site-packages", "digest", "build-context", "dockerignore", "stage", "layer", "distroless", "scratch",
		"nonroot", "nobody", "dynamic-loader", "cache-mount"} {
		if _, ok := c.Term(id); !ok {
			t.Errorf("glossary has no term %q", id)
		}
	}
	for _, l := range c.Lessons {
		if n := len(c.TermsIn(l)); n < 2 {
			t.Errorf("lesson %s uses %d glossary terms; want at least 2", l.ID, n)
		}
	}
}

func TestGlossaryLoads(t *testing.T) {
	c, err := lesson.Load(withGlossary(goodGlossary))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Glossary) != 2 || c.Glossary[1].Term != "EXPOSE" || c.Glossary[1].Aliases[0] != "-p" {
		t.Fatalf("Glossary = %+v", c.Glossary)
	}
	// No glossary file: no glossary, no problem.
	c, err = lesson.Load(oneLesson())
	if err != nil || c.Glossary != nil {
		t.Fatalf("without a glossary: %v, %v", c.Glossary, err)
	}
}

func TestGlossaryProblems(t *testing.T) {
	for _, tt := range []struct {
		name  string
		text  string
		wants []string
	}{
		{"bad yaml", "terms: [\n", []string{"glossary.yaml"}},
		{"unknown key", strings.Replace(goodGlossary, "lesson: one\n", "lesson: one\n    lessons: [one]\n", 1), []string{"glossary.yaml", "lessons"}},
		{"no terms", "terms: []\n", []string{"glossary.yaml: lists no terms"}},
		{"unknown lesson", strings.Replace(goodGlossary, "lesson: one", "lesson: two", 1), []string{`glossary.yaml: term "stage": lesson "two" is not in course.yaml`}},
		{"no lesson", strings.Replace(goodGlossary, "    lesson: one\n", "", 1), []string{`term "stage": lesson (the one that teaches it) is missing`}},
		{"no definition", strings.Replace(goodGlossary, "definition: A part of a Dockerfile.", `definition: ""`, 1), []string{`term "stage": definition is missing`}},
		{"long definition", strings.Replace(goodGlossary, "A part of a Dockerfile.", strings.Repeat("word ", 130), 1), []string{`term "stage": definition is 649 characters`}},
		{"bad id", strings.Replace(goodGlossary, "id: stage", "id: Stage", 1), []string{`glossary.yaml: term "Stage": id "Stage"`}},
		{"same id twice", strings.Replace(goodGlossary, "id: expose", "id: stage", 1), []string{`term "stage": id is used twice`}},
		{"a word of two terms", strings.Replace(goodGlossary, "aliases: [-p]", "aliases: [Multi-Stage]", 1), []string{`term "expose": "Multi-Stage" is already a word of term "stage"`}},
		{"no term", strings.Replace(goodGlossary, "term: EXPOSE", "term: \"\"", 1), []string{`term "expose": term (the word itself) is missing`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := lesson.Load(withGlossary(tt.text))
			if err == nil {
				t.Fatal("loaded without error")
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestTermMentionedIn(t *testing.T) {
	stage := &lesson.Term{Term: "stage", Aliases: []string{"multi-stage"}}
	expose := &lesson.Term{Term: "EXPOSE", Aliases: []string{"-p"}}
	cgo := &lesson.Term{Term: "CGO", Aliases: []string{"CGO_ENABLED"}}
	for _, tt := range []struct {
		term *lesson.Term
		text string
		want bool
	}{
		{stage, "Each stage starts", true},
		{stage, "The STAGE.", true},
		{stage, "A Multi-Stage build", true},
		{stage, "two stages", false}, // the plural is an alias of its own when wanted
		{stage, "backstage", false},
		{expose, "docker run -p 8080:8080", true},
		{expose, "gcc -pie", false},
		{expose, "expose it", true},
		{cgo, "RUN CGO_ENABLED=0 go build", true},
		{cgo, "cgocall", false},
		{cgo, "", false},
	} {
		if got := tt.term.MentionedIn(tt.text); got != tt.want {
			t.Errorf("%s in %q = %v, want %v", tt.term.Term, tt.text, got, tt.want)
		}
	}
}

// TestTermsIn: a lesson's terms are those its text, explanations and questions use, and those
// it teaches, in glossary order.
func TestTermsIn(t *testing.T) {
	f := withGlossary(goodGlossary + `  - id: layer
    term: layer
    definition: A filesystem diff.
    lesson: one
  - id: digest
    term: digest
    definition: A content hash.
    lesson: one
`)
	f["course.yaml"].Data = []byte("lessons: [one, two]\n")
	for name, file := range oneLesson() {
		if strings.HasPrefix(name, "one/") {
			f["two/"+strings.TrimPrefix(name, "one/")] = file
		}
	}
	f["two/one.md"] = &fstest.MapFile{Data: []byte("# Two\n\nPublish with `-p 8080:8080`.\n")}
	f[lesson.GlossaryFile].Data = []byte(strings.Replace(string(f[lesson.GlossaryFile].Data), "definition: A content hash.\n    lesson: one", "definition: A content hash.\n    lesson: two", 1))
	c, err := lesson.Load(f)
	if err != nil {
		t.Fatal(err)
	}
	two, _ := c.Find("two")
	var ids []string
	for _, term := range c.TermsIn(two) {
		ids = append(ids, term.ID)
	}
	if got := strings.Join(ids, " "); got != "expose digest" {
		t.Errorf("TermsIn(two) = %s, want expose (mentioned) and digest (taught)", got)
	}
}
