package engine

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// render writes events compactly for comparisons: "step 2/3 RUN x", "log 2 hi", …
func render(events []Event) []string {
	var out []string
	for _, e := range events {
		var s string
		switch e.Kind {
		case EventStepStarted:
			s = fmt.Sprintf("step %d/%d %s", e.Step, e.Total, e.Name)
			if e.Stage != "" || e.StageStep != 0 {
				s += fmt.Sprintf(" [%s %d/%d]", e.Stage, e.StageStep, e.StageTotal)
			}
			if e.Internal {
				s += " (internal)"
			}
		case EventLog:
			s = fmt.Sprintf("log %d %s", e.Step, e.Text)
		case EventCacheHit:
			s = fmt.Sprintf("cached %d", e.Step)
		case EventStepDone:
			s = fmt.Sprintf("done %d", e.Step)
			if e.Duration > 0 {
				s += " " + e.Duration.String()
			}
		case EventError:
			s = fmt.Sprintf("error %d %s", e.Step, e.Text)
		case EventImageID:
			s = "image " + e.Text
		}
		out = append(out, s)
	}
	return out
}

func decodeString(t *testing.T, stream string) ([]Event, StreamSummary, error) {
	t.Helper()
	var events []Event
	sum, err := DecodeBuildStream(strings.NewReader(stream), collect(&events))
	return events, sum, err
}

func TestDecodeLegacy(t *testing.T) {
	const img = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
	tests := []struct {
		name    string
		stream  string
		want    []string
		sum     StreamSummary
		wantErr string
	}{
		{
			name: "steps, output, cache and chatter",
			stream: streamJSON(
				"Step 1/3 : FROM alpine:3.22 AS build", "\n", " ---> 111111111111\n",
				"Step 2/3 : RUN echo hi", "\n", " ---> Running in 0123456789ab\n",
				"hi\n", "a line in ", "two pieces\n", "\n",
				"Removing intermediate container 0123456789ab\n", " ---> 1a1a1a1a1a1a\n",
				"Step 3/3 : COPY . .", "\n", " ---> Using cache\n", " ---> 222222222222\n") +
				`{"aux":{"ID":"` + img + `"}}` + "\r\n" +
				streamJSON("Successfully built 222222222222\n", "Successfully tagged x:y\n"),
			want: []string{
				"step 1/3 FROM alpine:3.22 AS build", "done 1",
				"step 2/3 RUN echo hi", "log 2 hi", "log 2 a line in two pieces", "log 2 ", "done 2",
				"step 3/3 COPY . .", "cached 3", "done 3",
				"image " + img,
			},
			sum: StreamSummary{Builder: BuilderLegacy, ImageID: img, Steps: 3, CachedSteps: 1},
		},
		{
			name: "a failing RUN",
			stream: streamJSON("Step 1/2 : FROM alpine:3.22", "\n", " ---> 111111111111\n",
				"Step 2/2 : RUN make", "\n", " ---> Running in 0123456789ab\n", "cc -o app main.c\n", "main.c:1: error: expected ';'\n") +
				`{"errorDetail":{"code":2,"message":"The command '/bin/sh -c make' returned a non-zero code: 2"},"error":"The command '/bin/sh -c make' returned a non-zero code: 2"}` + "\r\n",
			want: []string{
				"step 1/2 FROM alpine:3.22", "done 1",
				"step 2/2 RUN make", "log 2 cc -o app main.c", "log 2 main.c:1: error: expected ';'",
				"error 2 The command '/bin/sh -c make' returned a non-zero code: 2",
			},
			sum:     StreamSummary{Builder: BuilderLegacy, Steps: 2},
			wantErr: `RUN make: The command '/bin/sh -c make' returned a non-zero code: 2 (last output: "main.c:1: error: expected ';'")`,
		},
		{
			name:   "carriage returns keep the last version of a line",
			stream: streamJSON("Step 1/1 : RUN fetch", "\n", "  10%\r  50%", "\r 100%\r\n", "done\n"),
			want:   []string{"step 1/1 RUN fetch", "log 1  100%", "log 1 done", "done 1"},
			sum:    StreamSummary{Builder: BuilderLegacy, ImageID: "", Steps: 1},
		},
		{
			name:   "output that only looks like a step header",
			stream: streamJSON("Step 1/1 : RUN ./setup", "\n", "Step 1: download\n", "Step 2/9: unpack\n", "STEP 3 : done\n"),
			want:   []string{"step 1/1 RUN ./setup", "log 1 Step 1: download", "log 1 Step 2/9: unpack", "log 1 STEP 3 : done", "done 1"},
			sum:    StreamSummary{Builder: BuilderLegacy, Steps: 1},
		},
		{
			name: "Podman's buildah output",
			stream: streamJSON("STEP 1/2: FROM alpine:3.22\n", "STEP 2/2: RUN echo hi\n", "--> Using cache 5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a\n",
				"COMMIT x\n", "--> 5a5a5a5a5a5a\n", "Successfully tagged localhost/x:latest\n"),
			// COMMIT and the layer IDs are buildah's chatter.
			want: []string{"step 1/2 FROM alpine:3.22", "done 1", "step 2/2 RUN echo hi", "cached 2", "done 2"},
			sum:  StreamSummary{Builder: BuilderBuildah, Steps: 2, CachedSteps: 1},
		},
		{
			name:   "a last line without newline is still reported",
			stream: streamJSON("Step 1/1 : RUN printf x", "\n", "no newline"),
			want:   []string{"step 1/1 RUN printf x", "log 1 no newline", "done 1"},
			sum:    StreamSummary{Builder: BuilderLegacy, Steps: 1},
		},
		{
			name: "pull progress before the first step",
			stream: `{"status":"Pulling from library/alpine","id":"3.22"}` + "\r\n" +
				`{"status":"Downloading","progressDetail":{"current":1,"total":2},"progress":"[=>  ]","id":"abc"}` + "\r\n" +
				streamJSON("Step 1/1 : FROM alpine:3.22", "\n"),
			want: []string{"log 0 3.22: Pulling from library/alpine", "step 1/1 FROM alpine:3.22", "done 1"},
			sum:  StreamSummary{Builder: BuilderLegacy, Steps: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, sum, err := decodeString(t, tt.stream)
			if got := render(events); !slices.Equal(got, tt.want) {
				t.Errorf("events\n got %q\nwant %q", got, tt.want)
			}
			sum.container, sum.StepLog = "", nil // the step log is Steps' own business (steps_test.go)
			if !reflect.DeepEqual(sum, tt.sum) {
				t.Errorf("summary %+v, want %+v", sum, tt.sum)
			}
			if tt.wantErr == "" && err != nil {
				t.Errorf("error %v", err)
			}
			if tt.wantErr != "" {
				if _, ok := isBuildError(err); !ok || err.Error() != tt.wantErr {
					t.Errorf("error %v (%T)\nwant *BuildError %s", err, err, tt.wantErr)
				}
			}
		})
	}
}

func TestDecodeLegacyCutShort(t *testing.T) {
	// The stream ends cleanly after the first stage's aux ID, without "Successfully built":
	// that ID is a stage's, not the image's.
	stream := streamJSON("Step 1/4 : FROM alpine:3.22 AS build", "\n", " ---> 111111111111\n") +
		`{"aux":{"ID":"sha256:1111111111111111111111111111111111111111111111111111111111111111"}}` + "\r\n" +
		streamJSON("Step 3/4 : FROM scratch", "\n")
	events, sum, err := decodeString(t, stream)
	if err != nil || sum.ImageID != "" || slices.ContainsFunc(events, func(e Event) bool { return e.Kind == EventImageID }) {
		t.Errorf("summary %+v, err %v, events %q: want no image", sum, err, render(events))
	}
}

// TestDecodeLegacyStageImages: the aux ID the legacy builder sends at the end of each stage but
// the last names an image it leaves untagged. StageImages keeps the ones this build made, also
// when the build then fails; not the image itself, not a stage that only names its base (the
// ID is the base image's), not one taken whole from the cache, and none twice.
func TestDecodeLegacyStageImages(t *testing.T) {
	aux := func(digit string) string {
		return `{"aux":{"ID":"sha256:` + strings.Repeat(digit, 64) + `"}}` + "\r\n"
	}
	id := func(digit string) string { return "sha256:" + strings.Repeat(digit, 64) }
	built := func(n, total int, digit string) string {
		return streamJSON(fmt.Sprintf("Step %d/%d : RUN make %s", n, total, digit), "\n", " ---> Running in 0123456789ab\n",
			"Removing intermediate container 0123456789ab\n", " ---> "+strings.Repeat(digit, 12)+"\n") + aux(digit)
	}
	cached := func(n, total int, digit string) string {
		return streamJSON(fmt.Sprintf("Step %d/%d : RUN make %s", n, total, digit), "\n", " ---> Using cache\n", " ---> "+strings.Repeat(digit, 12)+"\n") + aux(digit)
	}
	from := func(n, total int, as string) string {
		return streamJSON(fmt.Sprintf("Step %d/%d : FROM alpine:3.22 AS %s", n, total, as), "\n", " ---> 999999999999\n")
	}
	success := func(digit string) string {
		return streamJSON("Successfully built "+strings.Repeat(digit, 12)+"\n", "Successfully tagged x:y\n")
	}
	failure := streamJSON("Step 5/6 : RUN exit 1", "\n", " ---> Running in 0123456789ab\n") +
		`{"errorDetail":{"code":1,"message":"The command '/bin/sh -c exit 1' returned a non-zero code: 1"},"error":"The command '/bin/sh -c exit 1' returned a non-zero code: 1"}` + "\r\n"
	tests := []struct {
		name   string
		stream string
		want   []string
	}{
		{"built stages, then the image", from(1, 6, "a") + built(2, 6, "1") + from(3, 6, "b") + built(4, 6, "2") + from(5, 6, "c") + built(6, 6, "3") + success("3"),
			[]string{id("1"), id("2")}},
		{"the build fails after a stage", from(1, 6, "a") + built(2, 6, "1") + from(3, 6, "b") + cached(4, 6, "2") + failure,
			[]string{id("1")}},
		{"a stage that only names its base", streamJSON("Step 1/3 : FROM alpine:3.22 AS base", "\n", " ---> 999999999999\n") + aux("9") +
			from(2, 3, "c") + built(3, 3, "3") + success("3"), nil},
		{"the same stage twice, the second from the cache", from(1, 6, "a") + built(2, 6, "1") + from(3, 6, "b") + cached(4, 6, "1") +
			from(5, 6, "c") + built(6, 6, "3") + success("3"), []string{id("1")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, sum, _ := decodeString(t, tt.stream)
			if !slices.Equal(sum.StageImages, tt.want) {
				t.Errorf("stage images %q, want %q", sum.StageImages, tt.want)
			}
		})
	}
}

func TestDecodeLegacyKeepsRunningContainer(t *testing.T) {
	// A stream cut off in the middle of a RUN (a cancelled build) leaves the container ID in
	// the summary, for clean-up.
	_, sum, err := decodeString(t, streamJSON("Step 1/1 : RUN sleep 30", "\n", " ---> Running in 0123456789ab\n")+`{"stream":"trunc`)
	if err == nil || sum.container != "0123456789ab" {
		t.Errorf("summary %+v, err %v: want a read error and the running container", sum, err)
	}
}

func TestDecodeBuildKit(t *testing.T) {
	t0 := time.Unix(1763790000, 0)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	ctxV := vtx{digest: "sha256:c", name: "[internal] load remote build context"}
	from := vtx{digest: "sha256:f", name: "[build 1/2] FROM docker.io/library/alpine:3.22"}
	run := vtx{digest: "sha256:r", name: "[build 2/2] RUN echo hi"}
	cp := vtx{digest: "sha256:p", name: "[stage-1 1/1] COPY --from=build /a /a"}
	with := func(v vtx, started, done int) vtx {
		v.started = ms(started)
		if done >= 0 {
			v.complete = ms(done)
		}
		return v
	}
	const img = "sha256:3333333333333333333333333333333333333333333333333333333333333333"

	t.Run("a multi-stage build", func(t *testing.T) {
		cached := with(from, 5, 5)
		cached.cached = true
		stream := traceMsg([]vtx{ctxV}, nil) + // announced, not started: numbered only
			traceMsg([]vtx{with(ctxV, 0, -1)}, nil) +
			traceMsg([]vtx{with(ctxV, 0, -1)}, nil) + // repeated update: nothing new
			traceMsg([]vtx{with(ctxV, 0, 2), cached, run}, nil) +
			traceMsg([]vtx{with(run, 10, -1)}, []vlog{{"sha256:r", "hi\npart"}}) +
			traceMsg([]vtx{with(run, 10, 250)}, []vlog{{"sha256:r", "ial\nno newline"}}) +
			traceMsg([]vtx{with(run, 10, 250), with(cp, 260, 270)}, nil) +
			`{"id":"moby.image.id","aux":{"ID":"` + img + `"}}` + "\n" +
			streamJSON("Successfully tagged x:y\n")
		events, sum, err := decodeString(t, stream)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"step 1/0 [internal] load remote build context (internal)",
			// One message completes step 1 and brings step 2 cached: starts come first.
			"step 2/0 FROM docker.io/library/alpine:3.22 [build 1/2]", "done 1 2ms", "cached 2", "done 2",
			"step 3/0 RUN echo hi [build 2/2]", "log 3 hi", "log 3 partial", "log 3 no newline", "done 3 240ms",
			"step 4/0 COPY --from=build /a /a [stage-1 1/1]", "done 4 10ms",
			"image " + img,
		}
		if got := render(events); !slices.Equal(got, want) {
			t.Errorf("events\n got %q\nwant %q", got, want)
		}
		if len(sum.StepLog) != 4 || sum.StepLog[1].State != StepCached {
			t.Errorf("step log %+v: want 4 steps (one internal), the second cached", sum.StepLog)
		}
		sum.StepLog = nil
		if want := (StreamSummary{Builder: BuilderBuildKit, ImageID: img, Steps: 3, CachedSteps: 1}); !reflect.DeepEqual(sum, want) {
			t.Errorf("summary %+v, want %+v", sum, want)
		}
	})

	t.Run("a failing RUN", func(t *testing.T) {
		failed := with(run, 10, 90)
		failed.err = "executor failed running [/bin/sh -c make]: exit code: 2"
		sibling := with(cp, 10, 20)
		sibling.err = "context canceled"
		stream := traceMsg([]vtx{with(run, 10, -1), with(cp, 10, -1)}, []vlog{{"sha256:r", "main.c:1: error\n"}}) +
			traceMsg([]vtx{sibling}, nil) +
			traceMsg([]vtx{failed}, nil) +
			`{"errorDetail":{"message":"executor failed running [/bin/sh -c make]: exit code: 2"},"error":"executor failed running [/bin/sh -c make]: exit code: 2"}` + "\n"
		events, sum, err := decodeString(t, stream)
		want := []string{
			"step 1/0 RUN echo hi [build 2/2]", "step 2/0 COPY --from=build /a /a [stage-1 1/1]",
			"log 1 main.c:1: error",
			"error 2 context canceled",
			"error 1 executor failed running [/bin/sh -c make]: exit code: 2",
		}
		if got := render(events); !slices.Equal(got, want) {
			t.Errorf("events\n got %q\nwant %q", got, want)
		}
		be, ok := isBuildError(err)
		if !ok || be.Step != 1 || be.Name != "RUN echo hi" || !slices.Equal(be.Output, []string{"main.c:1: error"}) {
			t.Errorf("error %#v", err)
		}
		if sum.ImageID != "" || sum.Steps != 2 {
			t.Errorf("summary %+v", sum)
		}
	})

	t.Run("a malformed trace is skipped", func(t *testing.T) {
		stream := traceJSON([]byte{0x0a, 0xff}) + `{"id":"moby.buildkit.trace","aux":"not base64!"}` + "\n" +
			traceMsg([]vtx{with(run, 0, 1)}, nil) +
			`{"id":"moby.image.id","aux":{"ID":"` + img + `"}}` + "\n"
		events, _, err := decodeString(t, stream)
		if err != nil || len(events) != 3 {
			t.Errorf("events %q, err %v", render(events), err)
		}
	})
}

func TestDecodeBrokenStream(t *testing.T) {
	for name, stream := range map[string]string{
		"truncated": `{"stream":"Step 1/1 : FROM scratch"`,
		"not json":  "<html>proxy error</html>",
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := decodeString(t, stream)
			if err == nil || errors.As(err, new(*BuildError)) {
				t.Errorf("error %v (%T), want a read error", err, err)
			}
		})
	}
}

func TestParseVertexName(t *testing.T) {
	tests := []struct {
		in          string
		stage       string
		step, total int
		name        string
		internal    bool
	}{
		{"[build 2/4] RUN go build -o /app .", "build", 2, 4, "RUN go build -o /app .", false},
		{"[stage-1 1/2] FROM docker.io/library/alpine:3.22", "stage-1", 1, 2, "FROM docker.io/library/alpine:3.22", false},
		{"[1/2] FROM docker.io/library/alpine:3.22", "", 1, 2, "FROM docker.io/library/alpine:3.22", false},
		{"[internal] load remote build context", "", 0, 0, "[internal] load remote build context", true},
		{"[auth] library/alpine:pull token for registry-1.docker.io", "", 0, 0, "[auth] library/alpine:pull token for registry-1.docker.io", true},
		{"exporting to image", "", 0, 0, "exporting to image", true},
		{"copy /context /", "", 0, 0, "copy /context /", true},
		{"[broken", "", 0, 0, "[broken", true},
		{"[a x/y] RUN", "", 0, 0, "[a x/y] RUN", true},
	}
	for _, tt := range tests {
		var v bkVertex
		v.setName(tt.in)
		e := v.ev
		if e.Stage != tt.stage || e.StageStep != tt.step || e.StageTotal != tt.total || e.Name != tt.name || e.Internal != tt.internal {
			t.Errorf("%q: got stage %q %d/%d name %q internal %v", tt.in, e.Stage, e.StageStep, e.StageTotal, e.Name, e.Internal)
		}
	}
}
