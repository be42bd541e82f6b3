package stagegraph

import (
	"fmt"
	"maps"
	"regexp"
	"strconv"
	"testing"

	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/engine"
)

// legacy builds the events of one legacy builder step, as the engine reports
// "Step 3/7 : FROM alpine:3.22 AS runtime": started, then a cache hit or not, then done.
func legacy(step, total int, name string, cached bool) []engine.Event {
	evs := []engine.Event{{Kind: engine.EventStepStarted, Step: step, Total: total, Name: name}}
	if cached {
		evs = append(evs, engine.Event{Kind: engine.EventCacheHit, Step: step})
	} else {
		evs = append(evs, engine.Event{Kind: engine.EventLog, Step: step, Text: " ---> Running in 5f3c2a"})
	}
	return append(evs, engine.Event{Kind: engine.EventStepDone, Step: step})
}

var vertex = regexp.MustCompile(`^\[(?:(\S+) )?(\d+)/(\d+)\] (.*)$`)

// bk builds the start of a BuildKit vertex from its progress name, as the engine reports
// "[build 2/4] RUN go build": Step is the order of first appearance.
func bk(step int, name string) engine.Event {
	ev := engine.Event{Kind: engine.EventStepStarted, Step: step, Name: name}
	if m := vertex.FindStringSubmatch(name); m != nil {
		ev.Stage = m[1]
		ev.StageStep, _ = strconv.Atoi(m[2])
		ev.StageTotal, _ = strconv.Atoi(m[3])
		ev.Name = m[4]
	}
	return ev
}

// bkDone finishes a BuildKit vertex, cached or not, carrying the same identification.
func bkDone(start engine.Event, cached bool) []engine.Event {
	var evs []engine.Event
	if cached {
		c := start
		c.Kind = engine.EventCacheHit
		evs = append(evs, c)
	}
	d := start
	d.Kind = engine.EventStepDone
	return append(evs, d)
}

// bkStep is a whole BuildKit vertex: started, (cached), done.
func bkStep(step int, name string, cached bool) []engine.Event {
	s := bk(step, name)
	return append([]engine.Event{s}, bkDone(s, cached)...)
}

func join(parts ...[]engine.Event) []engine.Event {
	var out []engine.Event
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func one(ev engine.Event) []engine.Event { return []engine.Event{ev} }

func graphOf(t *testing.T, src, target string) *dockerfile.Graph {
	t.Helper()
	g, err := dockerfile.Parse([]byte(src), dockerfile.Options{Target: target})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// goApp is the lesson's two-stage Go build: legacy steps 1–7 and 8–11.
const goApp = `FROM golang:1.27-alpine AS build
WORKDIR /src
COPY go.mod ./
RUN go mod download
COPY . .
RUN go build -o /out/hello .

FROM alpine:3.22 AS runtime
COPY --from=build /out/hello /hello
USER nobody
ENTRYPOINT ["/hello"]
`

// withTests has an unneeded test stage before the build the runtime needs.
const withTests = `FROM golang:1.27-alpine AS base
COPY . .

FROM base AS test
RUN go test ./...

FROM base AS build
RUN go build -o /out/app .

FROM alpine:3.22 AS runtime
COPY --from=build /out/app /app
`

func TestTracker(t *testing.T) {
	type want map[int]State
	tests := []struct {
		name, src, target string
		events            []engine.Event
		// mid is checked after the events, before Finish; final after Finish(ok).
		mid, final  want
		ok          bool
		wantBuilder engine.Builder
	}{
		{
			name: "legacy: second stage building",
			src:  goApp,
			events: join(
				legacy(1, 11, "FROM golang:1.27-alpine AS build", false),
				legacy(2, 11, "WORKDIR /src", false),
				legacy(3, 11, "COPY go.mod ./", false),
				legacy(4, 11, "RUN go mod download", false),
				legacy(5, 11, "COPY . .", false),
				legacy(6, 11, "RUN go build -o /out/hello .", false),
				one(engine.Event{Kind: engine.EventStepStarted, Step: 7, Total: 11, Name: "FROM alpine:3.22 AS runtime"}),
			),
			mid:         want{0: Done, 1: Building},
			final:       want{0: Done, 1: Done},
			ok:          true,
			wantBuilder: engine.BuilderLegacy,
		},
		{
			name: "legacy: everything from the cache",
			src:  goApp,
			events: join(
				legacy(1, 11, "FROM golang:1.27-alpine AS build", false),
				legacy(2, 11, "WORKDIR /src", true),
				legacy(3, 11, "COPY go.mod ./", true),
				legacy(4, 11, "RUN go mod download", true),
				legacy(5, 11, "COPY . .", true),
				legacy(6, 11, "RUN go build -o /out/hello .", true),
				legacy(7, 11, "FROM alpine:3.22 AS runtime", false),
				legacy(8, 11, "COPY --from=build /out/hello /hello", true),
				legacy(9, 11, "USER nobody", true),
				legacy(10, 11, "ENTRYPOINT [\"/hello\"]", true),
			),
			mid:   want{0: Cached, 1: Building},
			final: want{0: Cached, 1: Cached},
			ok:    true,
		},
		{
			name: "legacy: a source change rebuilds from COPY . . on",
			src:  goApp,
			events: join(
				legacy(1, 11, "FROM golang:1.27-alpine AS build", false),
				legacy(2, 11, "WORKDIR /src", true),
				legacy(3, 11, "COPY go.mod ./", true),
				legacy(4, 11, "RUN go mod download", true),
				legacy(5, 11, "COPY . .", false),
				legacy(6, 11, "RUN go build -o /out/hello .", false),
				legacy(7, 11, "FROM alpine:3.22 AS runtime", false),
				legacy(8, 11, "COPY --from=build /out/hello /hello", false),
			),
			final: want{0: Done, 1: Done},
			ok:    true,
		},
		{
			name: "legacy --target build builds the unneeded test stage too",
			src:  withTests, target: "build",
			events: join(
				legacy(1, 7, "FROM golang:1.27-alpine AS base", false),
				legacy(2, 7, "COPY . .", false),
				legacy(3, 7, "FROM base AS test", false),
				legacy(4, 7, "RUN go test ./...", false),
				legacy(5, 7, "FROM base AS build", false),
				legacy(6, 7, "RUN go build -o /out/app .", false),
			),
			mid:   want{0: Done, 1: Done, 2: Building, 3: Waiting},
			final: want{0: Done, 1: Done, 2: Done, 3: Skipped},
			ok:    true,
		},
		{
			name: "legacy: steps without instruction text map by number, global ARGs first",
			src:  "ARG V=3.22\nFROM alpine:${V} AS a\nRUN true\nFROM scratch\nCOPY --from=a / /\n",
			events: join(
				legacy(1, 5, "", false),
				legacy(2, 5, "", false),
				legacy(3, 5, "", false),
				one(engine.Event{Kind: engine.EventStepStarted, Step: 4, Total: 5}),
			),
			mid:   want{0: Done, 1: Building},
			final: want{0: Done, 1: Done},
			ok:    true,
		},
		{
			name: "legacy: a failing RUN fails its stage",
			src:  goApp,
			events: join(
				legacy(1, 11, "FROM golang:1.27-alpine AS build", false),
				legacy(2, 11, "WORKDIR /src", false),
				one(engine.Event{Kind: engine.EventStepStarted, Step: 3, Total: 11, Name: "RUN go build -o /out/hello ."}),
				one(engine.Event{Kind: engine.EventError, Text: "The command '/bin/sh -c go build' returned a non-zero code: 1"}),
			),
			mid:   want{0: Failed, 1: Waiting},
			final: want{0: Failed, 1: Skipped},
			ok:    false,
		},
		{
			name: "buildkit: stages in parallel, internal steps ignored",
			src:  goApp,
			events: join(
				bkStep(1, "[internal] load build definition from Dockerfile", false),
				bkStep(2, "[internal] load metadata for docker.io/library/golang:1.27-alpine", false),
				one(bk(3, "[build 1/6] FROM docker.io/library/golang:1.27-alpine")),
				one(bk(4, "[runtime 1/2] FROM docker.io/library/alpine:3.22")),
				bkDone(bk(4, "[runtime 1/2] FROM docker.io/library/alpine:3.22"), false),
				bkDone(bk(3, "[build 1/6] FROM docker.io/library/golang:1.27-alpine"), false),
				bkStep(5, "[build 2/6] WORKDIR /src", false),
				bkStep(6, "[build 3/6] COPY go.mod ./", false),
				one(bk(7, "[build 4/6] RUN go mod download")),
			),
			mid:         want{0: Building, 1: Building},
			final:       want{0: Done, 1: Done},
			ok:          true,
			wantBuilder: engine.BuilderBuildKit,
		},
		{
			name: "buildkit: a stage ends when its last step does",
			src:  goApp,
			events: join(
				bkStep(1, "[build 1/6] FROM docker.io/library/golang:1.27-alpine", false),
				bkStep(2, "[build 2/6] WORKDIR /src", true),
				bkStep(3, "[build 3/6] COPY go.mod ./", true),
				bkStep(4, "[build 4/6] RUN go mod download", true),
				bkStep(5, "[build 5/6] COPY . .", true),
				bkStep(6, "[build 6/6] RUN go build -o /out/hello .", true),
				bkStep(7, "[runtime 1/2] FROM docker.io/library/alpine:3.22", false),
				one(bk(8, "[runtime 2/2] COPY --from=build /out/hello /hello")),
			),
			mid:   want{0: Cached, 1: Building},
			final: want{0: Cached, 1: Done},
			ok:    true,
		},
		{
			name: "buildkit --target build skips the unneeded test stage",
			src:  withTests, target: "build",
			events: join(
				bkStep(1, "[base 1/2] FROM docker.io/library/golang:1.27-alpine", false),
				bkStep(2, "[base 2/2] COPY . .", false),
				bkStep(3, "[build 1/1] RUN go build -o /out/app .", false),
			),
			mid:   want{0: Done, 1: Waiting, 2: Done, 3: Waiting},
			final: want{0: Done, 1: Skipped, 2: Done, 3: Skipped},
			ok:    true,
		},
		{
			name: "buildkit: unnamed stages are stage-N",
			src:  "FROM golang:1.27-alpine\nRUN go build -o /hello .\nFROM scratch\nCOPY --from=0 /hello /hello\n",
			events: join(
				bkStep(1, "[stage-0 1/2] FROM docker.io/library/golang:1.27-alpine", false),
				bkStep(2, "[stage-0 2/2] RUN go build -o /hello .", false),
				one(bk(3, "[stage-1 1/1] COPY --from=0 /hello /hello")),
			),
			mid:   want{0: Done, 1: Building},
			final: want{0: Done, 1: Done},
			ok:    true,
		},
		{
			name: "buildkit: a single stage has no name in its steps",
			src:  "FROM python:3.13\nCOPY hello.py .\nCMD [\"python\", \"hello.py\"]\n",
			events: join(
				bkStep(1, "[1/2] FROM docker.io/library/python:3.13", false),
				one(bk(2, "[2/2] COPY hello.py .")),
			),
			mid:   want{0: Building},
			final: want{0: Done},
			ok:    true,
		},
		{
			name: "buildkit: a needed stage with no step of its own was built",
			src:  "FROM alpine:3.22 AS base\nRUN true\nFROM base AS app\nENV X=1\nCMD [\"sh\"]\n",
			events: join(
				bkStep(1, "[base 1/2] FROM docker.io/library/alpine:3.22", false),
				bkStep(2, "[base 2/2] RUN true", false),
			),
			mid:   want{0: Done, 1: Waiting},
			final: want{0: Done, 1: Done},
			ok:    true,
		},
		{
			name: "buildkit: an error fails its stage; the parallel one is stopped",
			src:  "FROM golang:1.27-alpine AS build\nRUN go build -o /hello .\nFROM alpine:3.22 AS certs\nRUN apk add ca-certificates\nFROM scratch\nCOPY --from=certs /etc/ssl /etc/ssl\nCOPY --from=build /hello /hello\n",
			events: join(
				bkStep(1, "[build 1/2] FROM docker.io/library/golang:1.27-alpine", false),
				bkStep(2, "[certs 1/2] FROM docker.io/library/alpine:3.22", false),
				one(bk(3, "[certs 2/2] RUN apk add ca-certificates")),
				one(bk(4, "[build 2/2] RUN go build -o /hello .")),
				one(engine.Event{Kind: engine.EventError, Step: 4, Text: "process \"/bin/sh -c go build -o /hello .\" did not complete successfully: exit code: 1"}),
			),
			mid:   want{0: Failed, 1: Building, 2: Waiting},
			final: want{0: Failed, 1: Skipped, 2: Skipped},
			ok:    false,
		},
		{
			name: "buildkit: an error naming no step fails what was running",
			src:  goApp,
			events: join(
				one(bk(1, "[build 1/6] FROM docker.io/library/golang:1.27-alpine")),
				one(engine.Event{Kind: engine.EventError, Text: "failed to resolve source metadata"}),
			),
			mid:   want{0: Failed, 1: Waiting},
			final: want{0: Failed, 1: Skipped},
			ok:    false,
		},
		{
			name: "buildkit: cancelled without an error",
			src:  goApp,
			events: join(
				one(bk(1, "[build 1/6] FROM docker.io/library/golang:1.27-alpine")),
			),
			mid:   want{0: Building, 1: Waiting},
			final: want{0: Failed, 1: Skipped},
			ok:    false,
		},
		{
			name: "buildkit: multi-platform prefixes and unknown stages",
			src:  goApp,
			events: join(
				bkStep(1, "[build 1/6] FROM docker.io/library/golang:1.27-alpine", false),
				one(engine.Event{Kind: engine.EventStepStarted, Step: 2, Stage: "linux/arm64 runtime", StageStep: 1, StageTotal: 2, Name: "FROM docker.io/library/alpine:3.22"}),
				one(engine.Event{Kind: engine.EventStepStarted, Step: 3, Stage: "nope", StageStep: 1, StageTotal: 1, Name: "RUN x"}),
			),
			mid:   want{0: Building, 1: Building},
			final: want{0: Done, 1: Done},
			ok:    true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			steps := &engine.Steps{}
			tr := NewTracker(graphOf(t, tc.src, tc.target), steps)
			for _, ev := range tc.events {
				steps.Observe(ev)
				tr.Observe(ev)
			}
			if tc.mid != nil {
				checkStates(t, "before Finish", tr.States(), tc.mid)
			}
			if tc.wantBuilder != "" && tr.Builder() != tc.wantBuilder {
				t.Errorf("builder %q, want %q", tr.Builder(), tc.wantBuilder)
			}
			tr.Finish(tc.ok)
			checkStates(t, "after Finish", tr.States(), tc.final)
		})
	}
}

func checkStates(t *testing.T, when string, got, want map[int]State) {
	t.Helper()
	if !maps.Equal(got, want) {
		t.Errorf("%s: states %s, want %s", when, fmtStates(got), fmtStates(want))
	}
}

func fmtStates(m map[int]State) string {
	s := "{"
	for i := 0; i < len(m); i++ {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprintf("%d:%s", i, m[i])
	}
	return s + "}"
}

func TestTrackerStateOutOfRange(t *testing.T) {
	tr := NewTracker(graphOf(t, goApp, ""), &engine.Steps{})
	if s := tr.State(-1); s != Waiting {
		t.Errorf("State(-1) = %s", s)
	}
	if s := tr.State(9); s != Waiting {
		t.Errorf("State(9) = %s", s)
	}
	states := tr.States()
	states[0] = Failed
	if tr.State(0) != Waiting {
		t.Error("States returned the tracker's own map")
	}
}

func TestStateString(t *testing.T) {
	want := []string{"waiting", "building", "cached", "done", "failed", "skipped"}
	for i, w := range want {
		if got := State(i).String(); got != w {
			t.Errorf("State(%d) = %q, want %q", i, got, w)
		}
	}
}

// TestTrackerCancel: a cancelled build leaves what finished as it was and nothing failed.
func TestTrackerCancel(t *testing.T) {
	steps := &engine.Steps{}
	tr := NewTracker(graphOf(t, goApp, ""), steps)
	for _, ev := range join(legacy(1, 11, "FROM golang:1.27-alpine AS build", false), legacy(2, 11, "WORKDIR /src", true),
		legacy(3, 11, "COPY go.mod ./", false), legacy(4, 11, "RUN go mod download", false), legacy(5, 11, "COPY . .", false),
		legacy(6, 11, "RUN go build -o /out/hello .", false), one(engine.Event{Kind: engine.EventStepStarted, Step: 7, Total: 11, Name: "FROM alpine:3.22 AS runtime"})) {
		steps.Observe(ev)
		tr.Observe(ev)
	}
	before := tr.Revision()
	tr.Cancel()
	checkStates(t, "after Cancel", tr.States(), map[int]State{0: Done, 1: Skipped})
	if tr.Revision() == before {
		t.Error("Cancel did not move the revision")
	}
}
