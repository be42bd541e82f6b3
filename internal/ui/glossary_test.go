package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/docktutor/docktutor/internal/lesson"
)

func TestRenderGlossaryGolden(t *testing.T) {
	used := []*lesson.Term{
		{ID: "cgo", Term: "CGO", Aliases: []string{"CGO_ENABLED"}, Lesson: "pitfalls",
			Definition: "Go's bridge to C. With gcc present cgo is on, and the binary links against\nlibc. `CGO_ENABLED=0` makes a **static** one."},
		{ID: "stage", Term: "stage", Lesson: "multistage", Definition: "A Dockerfile section that starts at a `FROM`."},
	}
	other := []*lesson.Term{{ID: "digest", Term: "digest", Lesson: "qa", Definition: "An image's content hash: `sha256:…`."}}
	for _, width := range []int{36, 76} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			out := RenderGlossary("pitfalls", used, other, NewStyles(true, true), width)
			fitsWidth(t, out, width)
			golden(t, fmt.Sprintf("glossary-%d", width), out)
		})
	}
	if out := RenderGlossary("x", nil, nil, NewStyles(true, true), 40); !strings.Contains(out, "no glossary") {
		t.Errorf("an empty glossary says %q", out)
	}
}

// TestGlossaryKey: G opens the glossary over a lesson with the lesson's terms first, the scroll
// keys scroll it, G or esc close it, and the help line offers it.
func TestGlossaryKey(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		d := newDriver(t, Options{Course: loadCourse(t), Lesson: "pitfalls"}, size[0], size[1])
		if !offers(d.m, "G") {
			t.Errorf("%v: the help line does not offer G", size)
		}
		d.key("G")
		s := d.screen()
		lines := strings.Split(s, "\n")
		if len(lines) != size[1] {
			t.Errorf("%v: %d lines", size, len(lines))
		}
		fitsWidth(t, s, size[0])
		if !strings.Contains(s, "Glossary ·") || !strings.Contains(s, "Used in pitfalls") {
			t.Fatalf("%v: G shows no glossary:\n%s", size, s)
		}
		// site-packages is taught in pitfalls: among the first terms.
		if i, j := strings.Index(s, "site-packages"), strings.Index(s, "Other terms"); i < 0 || (j >= 0 && j < i) {
			t.Errorf("%v: site-packages is not among the lesson's terms:\n%s", size, s)
		}
		if !offers(d.m, "G/esc") {
			t.Errorf("%v: the help line does not say how to close the glossary", size)
		}
		first := d.m.glossary.scroll.vp.YOffset()
		d.key("pgdown")
		if d.m.glossary.scroll.vp.YOffset() == first {
			t.Errorf("%v: pgdown did not scroll the glossary", size)
		}
		d.key("b") // a lesson key does nothing while the glossary is open
		if d.m.glossary == nil {
			t.Fatalf("%v: b closed the glossary", size)
		}
		d.key("esc")
		if d.m.glossary != nil || strings.Contains(d.screen(), "Glossary ·") {
			t.Errorf("%v: esc did not close the glossary", size)
		}
		d.key("G", "G")
		if d.m.glossary != nil {
			t.Errorf("%v: G did not close the glossary", size)
		}
	}
	// Not from the menu: the glossary belongs to a lesson.
	d := newDriver(t, Options{Course: loadCourse(t)}, 80, 24)
	d.key("G")
	if d.m.glossary != nil {
		t.Error("G opened the glossary on the menu")
	}
}

func TestWrapAtSpaces(t *testing.T) {
	for _, tt := range []struct {
		in    string
		width int
		want  string
	}{
		{"COPY --from=alpine:3.22 /etc/ssl/certs", 20, "COPY\n--from=alpine:3.22\n/etc/ssl/certs"},
		{"a b c", 10, "a b c"},
		{"sha256:0123456789abcdef0123", 10, "sha256:012\n3456789abc\ndef0123"},
		{"one\n\ntwo", 10, "one\n\ntwo"},
	} {
		if got := wrapAtSpaces(tt.in, tt.width); got != tt.want {
			t.Errorf("wrapAtSpaces(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
		}
	}
}
