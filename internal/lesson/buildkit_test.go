package lesson_test

import (
	"testing"
	"testing/fstest"

	"github.com/docktutor/docktutor/internal/lesson"
)

func TestBuildKitOnly(t *testing.T) {
	for _, tt := range []struct {
		name, dockerfile string
		line             int // 0: none
	}{
		{"cache mount", "FROM alpine:3.22\nCOPY x /x\nRUN --mount=type=cache,target=/root/.cache \\\n    echo hi\n", 3},
		{"mount after another flag", "FROM alpine:3.22\nRUN --network=none --mount=type=cache,target=/c echo hi\n", 2},
		{"a command's own --mount", "FROM alpine:3.22\nRUN mount --mount=x || true\n", 0},
		{"plain", "FROM alpine:3.22\nRUN echo --mount\n", 0},
		{"in a stage the target does not need", "FROM alpine:3.22 AS unused\nRUN --mount=type=cache,target=/c true\nFROM alpine:3.22\nRUN true\n", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := oneLesson()
			f["one/a.Dockerfile"] = &fstest.MapFile{Data: []byte(tt.dockerfile)}
			c, err := lesson.Load(f)
			if err != nil {
				t.Fatal(err)
			}
			in, ok := c.Lessons[0].Strategies[0].BuildKitOnly()
			if ok != (tt.line > 0) || in.Line != tt.line {
				t.Errorf("BuildKitOnly = line %d, %v; want line %d", in.Line, ok, tt.line)
			}
		})
	}
}
