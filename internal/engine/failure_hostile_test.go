package engine

import (
	"slices"
	"strings"
	"testing"

	"github.com/docktutor/docktutor/internal/dockertest"
	"github.com/docktutor/docktutor/internal/termtext"
)

// TestFailureHostileOutput runs dockertest.HostileRun through the real engine with both
// builders. The decoder's promise (lineBuffer): every event is safe to draw. A log line keeps
// its colours and nothing else that could act on a terminal — no cursor move, screen clear,
// title, clipboard write, bell or C1 control — and ends with every colour it opened reset;
// names and error messages carry no escape at all. The printed words survive.
func TestFailureHostileOutput(t *testing.T) {
	c := requireDaemon(t)
	dockertest.NeedImage(t, c.Inspect, testBase)
	for _, b := range builders {
		t.Run(string(b), func(t *testing.T) {
			tag := testTag(t, c, "hostile-"+string(b))
			var events []Event
			req := BuildRequest{Context: mapFS("Dockerfile", "FROM "+testBase+"\n"+dockertest.HostileRun+"\n"), Tag: tag, Builder: b, NoCache: true}
			if _, err := c.Build(buildCtx(t), req, collect(&events)); err != nil {
				t.Fatal(err)
			}
			var logs, coloured []string
			for _, e := range events {
				if !standsAlone(e.Text) {
					t.Errorf("%s event text is unsafe to draw or leaves a colour open: %q", e.Kind, e.Text)
				}
				if strings.IndexByte(e.Name, 0x1b) >= 0 || termtext.Unsafe(e.Name) != "" {
					t.Errorf("%s event name is not plain text: %q", e.Kind, e.Name)
				}
				if e.Kind == EventLog {
					logs = append(logs, termtext.Plain(e.Text))
					coloured = append(coloured, e.Text)
				}
			}
			dockertest.CheckHostileText(t, strings.Join(logs, "\n"))
			if want := "\x1b[31mred\x1b[0m plain \x1b[1;32mbold-green\x1b[m"; !slices.Contains(coloured, want) {
				t.Errorf("the colours were not kept: no log line %q in\n%q", want, coloured)
			}
		})
	}
}
