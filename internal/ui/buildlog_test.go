package ui

import (
	"strings"
	"testing"

	"github.com/docktutor/docktutor/internal/engine"
)

// TestBuildLogOneLinePerStep: a step reported started, done and only later cached (as BuildKit
// can) stays one line, marked cached; a step that ran is marked done.
func TestBuildLogOneLinePerStep(t *testing.T) {
	b := newBuildLog()
	a := engine.Event{Stage: "build", StageStep: 2, StageTotal: 4, Name: "WORKDIR /src"}
	c := engine.Event{Stage: "build", StageStep: 3, StageTotal: 4, Name: "RUN go build"}
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
	if b.steps != 2 || b.cached != 1 {
		t.Errorf("steps %d cached %d, want 2 and 1", b.steps, b.cached)
	}
}

func with(ev engine.Event, k engine.EventKind) engine.Event { ev.Kind = k; return ev }

// TestBuildLogBounded: a million lines keep the scrollback at its bound, newest last.
func TestBuildLogBounded(t *testing.T) {
	b := newBuildLog()
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
