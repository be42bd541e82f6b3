package ui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/docktutor/docktutor/internal/enginefake"
)

// TestProgramFlow runs the real Bubble Tea program: menu → lesson → build → results → quit.
func TestProgramFlow(t *testing.T) {
	fe := enginefake.New(map[string]int64{"docktutor/multistage:python-normal": 1_020_000_000})
	fe.DefaultOutput = "Hello from hello.py, docktutor!"
	m := New(Options{Course: loadCourse(t), Connect: fakeConnect(fe), Plain: true})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))

	waitFor(t, tm, "Multi-stage builds")
	digit := multistageDigit(t)
	tm.Send(tea.KeyPressMsg{Code: rune(digit[0]), Text: digit})
	waitFor(t, tm, "Strategy 1/6")
	tm.Type("b")
	waitFor(t, tm, "1.02GB")
	tm.Type("q")
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	screen := ansi.Strip(final.render())
	for _, want := range []string{"python-normal", "1.02GB", "Hello from hello.py, docktutor!"} {
		if !strings.Contains(screen, want) {
			t.Errorf("final screen lacks %q:\n%s", want, screen)
		}
	}
	if got := fe.Builds(); len(got) != 1 || got[0] != "docktutor/multistage:python-normal" {
		t.Errorf("builds: %v", got)
	}
}

func waitFor(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte(text))
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}
