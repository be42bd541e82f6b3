package ui

import (
	"math/rand/v2"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/docktutor/docktutor/internal/enginefake"
)

// TestEveryFrameFits presses keys at random, resizing now and then, in the lessons whose
// screens differ most, and checks that every frame is exactly the terminal's size: no pane
// may push the screen wider or taller, whatever the learner did before.
func TestEveryFrameFits(t *testing.T) {
	keys := []string{"b", "B", "tab", "f", "g", "e", "1", "2", "3", "r", "down", "down", "up", "pgdown", "space", "?", "?", "esc", "enter", "G", "d"}
	sizes := [][2]int{{120, 40}, {80, 24}, {60, 16}, {100, 30}, {140, 50}}
	for _, lessonID := range []string{"qa", "multistage", "cache", "pitfalls"} {
		t.Run(lessonID, func(t *testing.T) {
			fe := enginefake.New(nil)
			fe.DefaultOutput = "GET / -> 200 OK\nHello from hello.py, docktutor!"
			fe.SetLogLines(30)
			d := newDriver(t, Options{Course: loadCourse(t), Lesson: lessonID, Connect: fakeConnect(fe)}, 120, 40)
			rng := rand.New(rand.NewPCG(1, uint64(len(lessonID))))
			w, h := 120, 40
			for i := range 300 {
				if rng.IntN(12) == 0 {
					s := sizes[rng.IntN(len(sizes))]
					w, h = s[0], s[1]
					d.send(tea.WindowSizeMsg{Width: w, Height: h})
				}
				k := keys[rng.IntN(len(keys))]
				d.key(k)
				frame := d.m.render()
				lines := strings.Split(frame, "\n")
				if len(lines) != h {
					t.Fatalf("after %d keys (last %q) at %d×%d: %d lines\n%s", i+1, k, w, h, len(lines), ansi.Strip(frame))
				}
				for n, l := range lines {
					if lw := ansi.StringWidth(l); lw > w {
						t.Fatalf("after %d keys (last %q) at %d×%d: line %d is %d wide\n%s", i+1, k, w, h, n, lw, ansi.Strip(frame))
					}
				}
			}
		})
	}
}
