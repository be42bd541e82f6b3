package engine

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/docktutor/docktutor/internal/dockertest"
)

var record = flag.Bool("record", false, "re-record testdata/*.stream from the Docker daemon (go test -run TestRecord -record)")

// A recording is one build whose raw /build response is kept under testdata/, once per
// builder, for the decoder tests, fuzz seeds and benchmarks.
type recording struct {
	name    string
	ctx     fstest.MapFS
	target  string
	noCache bool
}

// recordMultistage is the two-stage build of the recordings: a build stage on the shell image
// with some output (a partial last line, stderr), and a scratch stage that only takes its
// result.
var recordMultistage = mapFS(
	"hello.txt", "hello from the context\n",
	"Dockerfile", `FROM alpine:3.22 AS build
WORKDIR /src
COPY hello.txt .
RUN echo "building from $(cat hello.txt)" && for i in 1 2 3; do echo "line $i"; done && echo "to stderr" >&2 && printf 'no newline at the end' && cp hello.txt /out.txt
FROM scratch
COPY --from=build /out.txt /out.txt
LABEL lesson=recording
`)

var recordings = []recording{
	{name: "multistage", ctx: recordMultistage, noCache: true},
	{name: "cached", ctx: recordMultistage}, // right after "multistage": every step cached
	{name: "failing", noCache: true, ctx: mapFS("Dockerfile", `FROM alpine:3.22
RUN echo "about to fail" && echo "sh: no-such-tool: not found" >&2 && exit 3
`)},
	{name: "badinstr", noCache: true, ctx: mapFS("Dockerfile", `FROM alpine:3.22
FOO bar
`)},
	{name: "target", target: "final", noCache: true, ctx: mapFS("Dockerfile", `FROM alpine:3.22 AS base
RUN echo base
FROM alpine:3.22 AS unneeded
RUN echo "unneeded stage ran"
FROM base AS final
RUN echo final
`)},
}

// TestRecord re-records the streams the decoder tests read. It only runs with -record, against
// a daemon with alpine:3.22 present.
func TestRecord(t *testing.T) {
	if !*record {
		t.Skip("run with -record to re-record testdata/*.stream from the daemon")
	}
	c := requireDaemon(t)
	dockertest.NeedImage(t, c.Inspect, testBase)
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	builders := []Builder{BuilderLegacy, BuilderBuildKit}
	info, err := c.Info(buildCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if info.Podman {
		// Podman builds everything with buildah, whatever the request asks for: one recording
		// each, named after it.
		builders = []Builder{BuilderBuildah}
	}
	for _, b := range builders {
		for _, r := range recordings {
			tag := testTag(t, c, r.name+"-"+string(b))
			var raw bytes.Buffer
			res, err := c.build(buildCtx(t), BuildRequest{
				Context: r.ctx, Tag: tag, Target: r.target, Builder: requested(b), NoCache: r.noCache,
				Labels: map[string]string{LabelLesson: "recording"},
			}, nil, &raw)
			t.Logf("%s/%s: %+v, err=%v", r.name, b, res, err)
			if raw.Len() == 0 {
				t.Logf("%s/%s: no stream (the daemon refused the request)", r.name, b)
				continue
			}
			file := filepath.Join("testdata", r.name+"-"+string(b)+".stream")
			if err := os.WriteFile(file, raw.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// requested is the builder to ask for to record b: Podman's buildah answers any request.
func requested(b Builder) Builder {
	if b == BuilderBuildah {
		return BuilderAuto
	}
	return b
}
