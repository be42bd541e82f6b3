package stagegraph

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/docktutor/docktutor/internal/dockerfile"
)

// The stage graph is redrawn whenever the strategy pane is: on every frame in which a build
// changes a stage's state. These benchmarks (issue 6, run by .ci/perf) draw the lesson's
// Dockerfiles at the pane's width, idle and mid-build, and a sixty-stage file for scale.

func benchGraph(b *testing.B, file string) *dockerfile.Graph {
	b.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "dockerfile", "testdata", "corpus", file+".Dockerfile"))
	if err != nil {
		b.Fatal(err)
	}
	g, err := dockerfile.Parse(src, dockerfile.Options{Platform: "linux/amd64"})
	if err != nil {
		b.Fatal(err)
	}
	return g
}

func BenchmarkRender(b *testing.B) {
	st := DefaultStyles(true)
	tests := []struct {
		name, file string
		width      int
		states     map[int]State
	}{
		// 56 columns: the strategy pane of a 120-column terminal, less its border and padding.
		{"python-normal-56", "lesson-python-normal", 56, nil},
		{"python-multistage-56", "lesson-python-multistage", 56, nil},
		{"python-distroless-56", "lesson-python-distroless", 56, nil},
		{"go-single-56", "lesson-go-single", 56, nil},
		{"go-multistage-56", "lesson-go-multistage", 56, nil},
		{"go-distroless-56", "lesson-go-distroless", 56, nil},
		{"go-multistage-building-56", "lesson-go-multistage", 56, map[int]State{0: Done, 1: Building}},
		{"sixty-stages-120", "sixty-stages", 120, map[int]State{0: Cached, 1: Done, 20: Building}},
	}
	for _, tc := range tests {
		b.Run(tc.name, func(b *testing.B) {
			g := benchGraph(b, tc.file)
			if Render(g, tc.states, st, tc.width) == "" {
				b.Fatal("nothing drawn")
			}
			b.ReportAllocs()
			for b.Loop() {
				Render(g, tc.states, st, tc.width)
			}
		})
	}
}
