package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/docktutor/docktutor/internal/enginefake"
	"github.com/docktutor/docktutor/internal/inside"
)

// goSingleFiles and goMultistageFiles stand for the two Go images of the multistage lesson: the
// toolchain image with the binary, and the binary on a small base.
func goSingleFiles() inside.Report {
	return inside.FromEntries([]inside.Entry{
		{Path: "/usr/local/go/bin/go", Kind: inside.KindFile, Size: 15_000_000},
		{Path: "/usr/local/go/pkg/tool/linux_amd64/compile", Kind: inside.KindFile, Size: 235_000_000},
		{Path: "/usr/lib/gcc/x86_64-linux-gnu/12/cc1", Kind: inside.KindFile, Size: 30_000_000},
		{Path: "/usr/bin/gcc-12", Kind: inside.KindFile, Size: 1_000_000},
		{Path: "/usr/bin/sh", Kind: inside.KindFile, Size: 125_000},
		{Path: "/root/.cache/go-build/00/abc", Kind: inside.KindFile, Size: 4_000_000},
		{Path: "/src/main.go", Kind: inside.KindFile, Size: 2_100},
		{Path: "/etc/passwd", Kind: inside.KindFile, Size: 900},
		{Path: "/webapp", Kind: inside.KindFile, Size: 6_000_000},
	})
}

func goMultistageFiles() inside.Report {
	return inside.FromEntries([]inside.Entry{
		{Path: "/etc/passwd", Kind: inside.KindFile, Size: 150},
		{Path: "/etc/ssl/certs/ca-certificates.crt", Kind: inside.KindFile, Size: 200_000},
		{Path: "/webapp", Kind: inside.KindFile, Size: 6_000_000},
	})
}

func TestRenderDiffGolden(t *testing.T) {
	diff := inside.Compare(goSingleFiles(), goMultistageFiles(), diffDepth)
	for _, tc := range []struct{ width, rows int }{{36, 3}, {76, 10}} {
		t.Run(fmt.Sprint(tc.width), func(t *testing.T) {
			out := RenderDiff("go-single", "go-multistage", diff, NewStyles(true, true), tc.width, tc.rows)
			fitsWidth(t, out, tc.width)
			golden(t, fmt.Sprintf("diff-%d", tc.width), out)
		})
	}
}

// TestDiffKey: with two Go strategies built, d on go-single shows what it ships that
// go-multistage does not, biggest directory first; d again hides it.
func TestDiffKey(t *testing.T) {
	fe := enginefake.New(nil)
	fe.DefaultOutput = "Hello from the Go web app! Hello from hello.py, docktutor!"
	fe.Inside = map[string]inside.Report{
		"docktutor/multistage:go-single":     goSingleFiles(),
		"docktutor/multistage:go-multistage": goMultistageFiles(),
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		d := newDriver(t, Options{Course: loadCourse(t), Lesson: "multistage", Connect: fakeConnect(fe)}, size[0], size[1])
		if offers(d.m, "d") {
			t.Errorf("%v: d offered before anything is built", size)
		}
		d.key("B")
		for d.m.lesson.data.strategy().ID != "go-single" {
			d.key("tab")
		}
		if !offers(d.m, "d") {
			t.Fatalf("%v: d not offered with go-single and go-multistage built", size)
		}
		d.key("d")
		if got := d.m.lesson.data.diffPartner(); got != "go-multistage" {
			t.Errorf("%v: go-single is compared with %q, want go-multistage", size, got)
		}
		screen := d.screen()
		fitsWidth(t, screen, size[0])
		if !strings.Contains(screen, "Only in go-single") || !strings.Contains(screen, "/usr/local/go") {
			t.Errorf("%v: the diff is not at the top of the results:\n%s", size, screen)
		}
		// The whole of the results pane's text, as scrolling would show it.
		s := strings.Join(strings.Fields(ansi.Strip(d.m.lesson.results.body(36))), " ")
		for _, want := range []string{"Only in go-single, not in go-", "/usr/local/go", "250.0MB", "Only in go-multistage, not in go-", "/etc/ssl/certs/ca-certi"} {
			if !strings.Contains(s, want) {
				t.Errorf("%v: the diff has no %q:\n%s", size, want, s)
			}
		}
		if strings.Index(s, "/usr/local/go") > strings.Index(s, "/usr/lib/gcc") {
			t.Errorf("%v: the biggest directory is not first", size)
		}
		d.key("d")
		if strings.Contains(d.screen(), "Only in go-single") {
			t.Errorf("%v: d again did not hide the diff", size)
		}
	}
}
