package stagegraph

import (
	"maps"
	"os"
	"testing"

	"github.com/docktutor/docktutor/internal/engine"
)

// recordedDockerfile is the multi-stage build of the engine's recorded streams
// (internal/engine/record_test.go).
const recordedDockerfile = `FROM alpine:3.22 AS build
WORKDIR /src
COPY hello.txt .
RUN echo "building from $(cat hello.txt)" && cp hello.txt /out.txt
FROM scratch
COPY --from=build /out.txt /out.txt
LABEL lesson=recording
`

// TestTrackerBuildahRecorded follows Podman's buildah through the streams recorded from it:
// the first stage ends when the second starts, a cached build reads cached although buildah
// reruns the LABEL steps of the build's labels.
func TestTrackerBuildahRecorded(t *testing.T) {
	tests := []struct {
		stream   string
		atSecond map[int]State // when the second stage's FROM starts
		final    map[int]State
	}{
		{"multistage-buildah", map[int]State{0: Done, 1: Building}, map[int]State{0: Done, 1: Done}},
		{"cached-buildah", map[int]State{0: Cached, 1: Building}, map[int]State{0: Cached, 1: Cached}},
	}
	for _, tt := range tests {
		t.Run(tt.stream, func(t *testing.T) {
			f, err := os.Open("../../engine/testdata/" + tt.stream + ".stream")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var steps engine.Steps
			tr := NewTracker(graphOf(t, recordedDockerfile, ""), &steps)
			var atSecond map[int]State
			_, err = engine.DecodeBuildStream(f, func(ev engine.Event) {
				steps.Observe(ev)
				tr.Observe(ev)
				if ev.Kind == engine.EventStepStarted && ev.Name == "FROM scratch" {
					atSecond = tr.States()
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(atSecond, tt.atSecond) {
				t.Errorf("when stage 2 starts: %v, want %v", atSecond, tt.atSecond)
			}
			tr.Finish(true)
			if got := tr.States(); !maps.Equal(got, tt.final) {
				t.Errorf("at the end: %v, want %v", got, tt.final)
			}
		})
	}
}
