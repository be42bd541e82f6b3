package ui

import (
	"strings"
	"testing"

	"github.com/docktutor/docktutor/internal/engine"
)

// TestBuildLogOneLinePerStep: a step reported started, done and only later cached (as BuildKit
// can) stays one line, marked cached; a step that ran is marked done.
func TestBuildLogOneLinePerStep(t *testing.T) {
	b := newTestLog()
	a := engine.Event{Step: 2, Stage: "build", StageStep: 2, StageTotal: 4, Name: "WORKDIR /src"}
	c := engine.Event{Step: 3, Stage: "build", StageStep: 3, StageTotal: 4, Name: "RUN go build"}
	for _, ev := range []engine.Event{
		with(a, engine.EventStepStarted), with(a, engine.EventStepDone),
		with(c, engine.EventStepStarted), {Kind: engine.EventLog, Text: "compiling"}, with(c, engine.EventStepDone),
		with(a, engine.EventCacheHit),
	} {
		b.apply(ev)
	}
	out := b.view(NewStyles(true, true), 80, 10)
	if n := strings.Count(out, "WORKDIR /src"); n != 1 {
		t.Errorf("WORKDIR appears %d times:\n%s", n, out)
	}
	if !strings.Contains(out, "WORKDIR /src  cached") || !strings.Contains(out, "✓ [build 3/4]  RUN go build") {
		t.Errorf("marks wrong:\n%s", out)
	}
}

func with(ev engine.Event, k engine.EventKind) engine.Event { ev.Kind = k; return ev }

// TestBuildLogBounded: a million lines keep the scrollback at its bound, newest last.
func TestBuildLogBounded(t *testing.T) {
	b := newTestLog()
	for i := 0; i < 1_000_000; i++ {
		b.apply(engine.Event{Kind: engine.EventLog, Text: "line"})
	}
	b.apply(engine.Event{Kind: engine.EventLog, Text: "the last line"})
	if b.n != maxLogLines || b.dropped != 1_000_001-maxLogLines {
		t.Errorf("held %d, dropped %d", b.n, b.dropped)
	}
	if out := b.view(NewStyles(true, true), 80, 3); !strings.HasSuffix(out, "the last line") {
		t.Errorf("newest line not last:\n%s", out)
	}
}

// TestBuildLogFoldsLabelSteps: the legacy builder's LABEL steps for the build's labels (four on
// every docktutor build) read as one line; a lone one keeps its own.
func TestBuildLogFoldsLabelSteps(t *testing.T) {
	b := newTestLog()
	b.apply(with(engine.Event{Step: 9, Total: 13, Name: "ENTRYPOINT [\"/webapp\"]"}, engine.EventStepStarted))
	for i, key := range []string{"lesson", "managed", "owner", "strategy"} {
		b.apply(with(engine.Event{Step: 10 + i, Total: 13, Name: "LABEL io.docktutor." + key + "=x", Internal: true}, engine.EventStepStarted))
	}
	b.apply(engine.Event{Kind: engine.EventImageID, Text: "sha256:0123456789abcdef"})
	out := b.view(NewStyles(true, true), 100, 10)
	if !strings.Contains(out, "steps 10–13/13  LABEL ×4 (the build's labels)") || strings.Contains(out, "io.docktutor.owner") {
		t.Errorf("label steps not folded into one line:\n%s", out)
	}
	if n := len(strings.Split(out, "\n")); n != 3 {
		t.Errorf("%d lines, want 3 (the step, the labels, the image):\n%s", n, out)
	}

	b = newTestLog()
	b.apply(with(engine.Event{Step: 3, Total: 3, Name: "LABEL io.docktutor.lesson=x", Internal: true}, engine.EventStepStarted))
	if out := b.view(NewStyles(true, true), 100, 10); !strings.Contains(out, "step 3/3  LABEL io.docktutor.lesson=x") {
		t.Errorf("a lone label step lost its line:\n%s", out)
	}
}

// testLog is a build log fed through a step record of its own, as the runner feeds the pane.
type testLog struct {
	buildLog
	steps engine.Steps
}

func newTestLog() *testLog { return &testLog{buildLog: newBuildLog()} }

// apply takes one event, as an engine's emit.
func (l *testLog) apply(ev engine.Event) { l.event(ev, &l.steps, l.steps.Observe(ev)) }

// view draws the last height lines, each cut to width.
func (l *testLog) view(st Styles, width, height int) string {
	var out []string
	for i := max(0, l.n-height); i < l.n; i++ {
		out = append(out, l.line(i).render(st, width))
	}
	return strings.Join(out, "\n")
}
