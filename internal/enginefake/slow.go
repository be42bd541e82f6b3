package enginefake

import (
	"context"
	"time"

	"github.com/docktutor/docktutor/internal/engine"
)

// Slow is an engine.Engine whose builds take time, as real ones do: each Build emits the log
// line "building <tag>" as it starts, waits Delay, then builds with Engine. A context that ends
// during the wait ends the build with its error, as a cancelled real build does. Everything else
// is Engine's.
type Slow struct {
	engine.Engine
	Delay time.Duration
}

// Build implements engine.Engine.
func (s *Slow) Build(ctx context.Context, req engine.BuildRequest, emit func(engine.Event)) (engine.BuildResult, error) {
	if emit != nil {
		emit(engine.Event{Kind: engine.EventLog, Text: "building " + req.Tag})
	}
	t := time.NewTimer(s.Delay)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return engine.BuildResult{}, ctx.Err()
	case <-t.C:
	}
	return s.Engine.Build(ctx, req, emit)
}
