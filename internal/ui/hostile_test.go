package ui

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/docktutor/docktutor/internal/dockertest"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/termtext"
)

// TestHostileBuildOutput runs a build whose RUN prints escape sequences and controls through the
// real engine into the build pane, and checks what the pane draws: the colours are kept and
// nothing else may act on the terminal. Needs a daemon with alpine:3.22 (CI's stand-in); skipped
// without one, unless CI=true.
func TestHostileBuildOutput(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := dockertest.Connect(t, engine.New)
	dockertest.NeedImage(t, c.Inspect, "alpine:3.22")
	for _, b := range []engine.Builder{engine.BuilderLegacy, engine.BuilderBuildKit} {
		t.Run(string(b), func(t *testing.T) {
			tag := "docktutor-test/ui:hostile-" + string(b)
			t.Cleanup(func() { _ = c.Remove(context.Background(), tag) })
			log := newTestLog()
			fsys := fstest.MapFS{"Dockerfile": {Data: []byte("FROM alpine:3.22\n" + dockertest.HostileRun + "\n")}}
			if _, err := c.Build(ctx, engine.BuildRequest{Context: fsys, Tag: tag, Builder: b, NoCache: true}, log.apply); err != nil {
				t.Fatal(err)
			}
			drawn := log.view(NewStyles(true, false), 200, maxLogLines)
			for i, line := range strings.Split(drawn, "\n") {
				if problem := termtext.Unsafe(line); problem != "" {
					t.Errorf("line %d of the build pane, %q: %s", i, line, problem)
				}
			}
			if !strings.Contains(drawn, "\x1b[31mred\x1b[0m plain \x1b[1;32mbold-green\x1b[m") {
				t.Errorf("the build pane lost the output's colours:\n%q", drawn)
			}
			var printed []string // what the RUN printed; the step lines quote the RUN as written
			for i := range log.n {
				if l := log.line(i); l.kind == logText {
					printed = append(printed, termtext.Plain(l.text))
				}
			}
			dockertest.CheckHostileText(t, strings.Join(printed, "\n"))
		})
	}
}
