package engine

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/docktutor/docktutor/internal/termtext"
)

// These tests read streams recorded from Docker 20.10.24 (API 1.41) with TestRecord: the
// builds of record_test.go, once with each builder.

// decoded is a recorded stream run through DecodeBuildStream.
type decoded struct {
	events []Event
	sum    StreamSummary
	err    error
}

func decodeRecorded(t *testing.T, name string) decoded {
	t.Helper()
	var d decoded
	d.sum, d.err = DecodeBuildStream(bytes.NewReader(readStream(t, name)), collect(&d.events))
	checkWellFormed(t, d.events)
	return d
}

// checkWellFormed checks what holds for every recorded stream: steps numbered in order, each
// started and ended once, logs attributed to a started step, no escape sequences.
func checkWellFormed(t *testing.T, events []Event) {
	t.Helper()
	started, ended := map[int]bool{}, map[int]bool{}
	next := 1
	for _, e := range events {
		switch e.Kind {
		case EventStepStarted:
			if started[e.Step] {
				t.Errorf("step %d started twice", e.Step)
			}
			if e.Step < next {
				t.Errorf("step %d started after step %d", e.Step, next-1)
			}
			next = e.Step + 1
			started[e.Step] = true
		case EventStepDone, EventError:
			if e.Step == 0 {
				continue
			}
			if !started[e.Step] || ended[e.Step] {
				t.Errorf("%s for step %d: started %v, already ended %v", e.Kind, e.Step, started[e.Step], ended[e.Step])
			}
			ended[e.Step] = true
		case EventLog, EventCacheHit:
			if e.Step != 0 && (!started[e.Step] || ended[e.Step]) {
				t.Errorf("%s for step %d outside the step: %q", e.Kind, e.Step, e.Text)
			}
		}
		if !standsAlone(e.Text) || strings.ContainsAny(e.Name, "\x1b\r\n") || termtext.Unsafe(e.Name) != "" {
			t.Errorf("control characters in %+v", e)
		}
	}
}

// names lists the names of the started steps, internal ones in parentheses.
func names(events []Event) []string {
	var out []string
	for _, e := range eventsOf(events, EventStepStarted) {
		n := e.Name
		if e.Stage != "" || e.StageStep != 0 {
			n = "[" + strings.TrimSpace(e.Stage+" "+itoa(e.StageStep)+"/"+itoa(e.StageTotal)) + "] " + n
		}
		if e.Internal {
			n = "(" + n + ")"
		}
		out = append(out, n)
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }

// logsOf lists the log lines of the first started step whose name starts with prefix.
func logsOf(t *testing.T, events []Event, prefix string) []string {
	t.Helper()
	step := 0
	for _, e := range events {
		if e.Kind == EventStepStarted && strings.HasPrefix(e.Name, prefix) {
			step = e.Step
			break
		}
	}
	if step == 0 {
		t.Fatalf("no step %q", prefix)
	}
	var out []string
	for _, e := range eventsOf(events, EventLog) {
		if e.Step == step {
			out = append(out, termtext.Plain(e.Text))
		}
	}
	return out
}

const recordedRun = `RUN echo "building from $(cat hello.txt)" && for i in 1 2 3; do echo "line $i"; done && echo "to stderr" >&2 && printf 'no newline at the end' && cp hello.txt /out.txt`

var recordedOutput = []string{"to stderr", "building from hello from the context", "line 1", "line 2", "line 3", "no newline at the end"}

func TestRecordedLegacy(t *testing.T) {
	first := decodeRecorded(t, "multistage-legacy")
	if first.err != nil {
		t.Fatal(first.err)
	}
	wantNames := []string{
		"FROM alpine:3.22 AS build", "WORKDIR /src", "COPY hello.txt .", recordedRun,
		"FROM scratch", "COPY --from=build /out.txt /out.txt", "LABEL lesson=recording",
		// The builder appends one LABEL step per build label; ours are internal.
		"(LABEL io.docktutor.lesson=recording)", "(LABEL io.docktutor.managed=true)",
	}
	if got := names(first.events); !slices.Equal(got, wantNames) {
		t.Errorf("steps\n got %q\nwant %q", got, wantNames)
	}
	for _, e := range eventsOf(first.events, EventStepStarted) {
		if e.Total != 9 || e.Stage != "" {
			t.Errorf("step %+v: want Total 9 and no stage", e)
		}
	}
	// Output split over messages, a stderr line painted red, a last line without newline
	// followed at once by the builder's own "Removing intermediate container".
	if got := logsOf(t, first.events, "RUN "); !slices.Equal(got, recordedOutput) {
		t.Errorf("RUN output\n got %q\nwant %q", got, recordedOutput)
	}
	if logs := eventsOf(first.events, EventLog); len(logs) == 0 || logs[0].Text != "\x1b[91mto stderr\x1b[0m" {
		t.Errorf("the stderr line lost its colour or kept more: %q", render(logs))
	}
	if len(eventsOf(first.events, EventLog)) != len(recordedOutput) {
		t.Errorf("builder chatter leaked into the log: %q", render(eventsOf(first.events, EventLog)))
	}
	if first.sum.Builder != BuilderLegacy || first.sum.Steps != 7 || first.sum.CachedSteps != 0 || len(first.sum.ImageID) != len("sha256:")+64 {
		t.Errorf("summary %+v", first.sum)
	}
	// Stage "build" ends with an aux ID: its image, left untagged, made by this build.
	if want := []string{"sha256:53de4f986fdd764f93ed8807b870c83f66608a00d29b7441c5aa0af08b60cbf5"}; !slices.Equal(first.sum.StageImages, want) {
		t.Errorf("stage images %q, want %q", first.sum.StageImages, want)
	}

	cached := decodeRecorded(t, "cached-legacy")
	if cached.err != nil {
		t.Fatal(cached.err)
	}
	var hits []string
	for _, e := range eventsOf(cached.events, EventCacheHit) {
		hits = append(hits, e.Name)
	}
	wantHits := []string{"WORKDIR /src", "COPY hello.txt .", recordedRun, "COPY --from=build /out.txt /out.txt",
		"LABEL lesson=recording", "LABEL io.docktutor.lesson=recording", "LABEL io.docktutor.managed=true"}
	if !slices.Equal(hits, wantHits) {
		t.Errorf("cache hits\n got %q\nwant %q", hits, wantHits)
	}
	if cached.sum.CachedSteps != 5 || cached.sum.Steps != 7 || cached.sum.ImageID != first.sum.ImageID {
		t.Errorf("cached summary %+v, first build %s", cached.sum, first.sum.ImageID)
	}
	if len(eventsOf(cached.events, EventLog)) != 0 {
		t.Errorf("a cached RUN printed: %v", eventsOf(cached.events, EventLog))
	}
	// The same stage image again, but from the cache: this build did not make it (another
	// build did, perhaps the learner's own), so it is not this build's to record.
	if len(cached.sum.StageImages) != 0 {
		t.Errorf("a stage taken whole from the cache was recorded: %q", cached.sum.StageImages)
	}
}

func TestRecordedBuildKit(t *testing.T) {
	first := decodeRecorded(t, "multistage-buildkit")
	if first.err != nil {
		t.Fatal(first.err)
	}
	wantNames := []string{
		"([internal] load remote build context)", "(copy /context /)",
		"([internal] load metadata for docker.io/library/alpine:3.22)",
		"[build 1/4] FROM docker.io/library/alpine:3.22", "[build 2/4] WORKDIR /src",
		"[build 3/4] COPY hello.txt .", "[build 4/4] " + recordedRun,
		"[stage-1 1/1] COPY --from=build /out.txt /out.txt",
		"(exporting to image)",
	}
	if got := names(first.events); !slices.Equal(got, wantNames) {
		t.Errorf("steps\n got %q\nwant %q", got, wantNames)
	}
	if got := logsOf(t, first.events, "RUN "); !slices.Equal(got, recordedOutput) {
		t.Errorf("RUN output\n got %q\nwant %q", got, recordedOutput)
	}
	for _, e := range eventsOf(first.events, EventStepDone) {
		if strings.HasPrefix(e.Name, "RUN ") && e.Duration <= 0 {
			t.Errorf("RUN done without its duration: %+v", e)
		}
	}
	if first.sum.Builder != BuilderBuildKit || first.sum.Steps != 5 || first.sum.CachedSteps != 0 || len(first.sum.ImageID) != len("sha256:")+64 ||
		len(first.sum.StageImages) != 0 {
		t.Errorf("summary %+v (BuildKit leaves no stage images)", first.sum)
	}

	cached := decodeRecorded(t, "cached-buildkit")
	if cached.err != nil {
		t.Fatal(cached.err)
	}
	// FROM is resolved again, not cached; the four steps after it are.
	if cached.sum.CachedSteps != 4 || cached.sum.Steps != 5 || cached.sum.ImageID != first.sum.ImageID {
		t.Errorf("cached summary %+v, first build %s", cached.sum, first.sum.ImageID)
	}
	for _, e := range eventsOf(cached.events, EventCacheHit) {
		if e.Stage == "" && !e.Internal {
			t.Errorf("cache hit without a stage: %+v", e)
		}
	}
}

func TestRecordedFailingRun(t *testing.T) {
	tests := []struct {
		stream, reason string
	}{
		{"failing-legacy", "returned a non-zero code: 3"},
		{"failing-buildkit", "exit code: 3"},
	}
	for _, tt := range tests {
		t.Run(tt.stream, func(t *testing.T) {
			d := decodeRecorded(t, tt.stream)
			be, ok := isBuildError(d.err)
			if !ok {
				t.Fatalf("error %v (%T), want a *BuildError", d.err, d.err)
			}
			if !strings.Contains(be.Msg, tt.reason) || !strings.HasPrefix(be.Name, `RUN echo "about to fail"`) || be.Step == 0 {
				t.Errorf("BuildError %+v", be)
			}
			if !slices.Contains(be.Output, "sh: no-such-tool: not found") || !slices.Contains(be.Output, "about to fail") {
				t.Errorf("BuildError.Output %q", be.Output)
			}
			errs := eventsOf(d.events, EventError)
			if len(errs) != 1 || errs[0].Step != be.Step || !strings.Contains(errs[0].Text, tt.reason) {
				t.Errorf("error events %+v", errs)
			}
			if d.sum.ImageID != "" || slices.ContainsFunc(d.events, func(e Event) bool { return e.Kind == EventImageID }) {
				t.Error("a failed build reported an image")
			}
		})
	}
}

func TestRecordedBadInstruction(t *testing.T) {
	// The legacy builder refuses the request itself (HTTP 400, no stream: see
	// TestIntegrationBuildBadInstruction); BuildKit reports it in the stream.
	d := decodeRecorded(t, "badinstr-buildkit")
	if _, ok := isBuildError(d.err); !ok || !strings.Contains(d.err.Error(), "unknown instruction: FOO") {
		t.Errorf("error %v", d.err)
	}
	if errs := eventsOf(d.events, EventError); len(errs) != 1 {
		t.Errorf("error events %+v", errs)
	}
}

func TestRecordedTarget(t *testing.T) {
	// --target final: the legacy builder runs every stage before the target, needed or not;
	// BuildKit only the ones the target depends on.
	legacy := decodeRecorded(t, "target-legacy")
	bk := decodeRecorded(t, "target-buildkit")
	if legacy.err != nil || bk.err != nil {
		t.Fatal(legacy.err, bk.err)
	}
	if !slices.Contains(names(legacy.events), `RUN echo "unneeded stage ran"`) {
		t.Errorf("legacy steps %q: the unneeded stage should have run", names(legacy.events))
	}
	wantStages := []string{
		"sha256:791bbf4a2cfcce58245090fd93ae4c746159d3f2d6b762aa1d273de5e280fde4", // base
		"sha256:a4486747be8d64816357de19bc25ab15212e6b953400e7fd674caacc38fd419a", // unneeded
	}
	if !slices.Equal(legacy.sum.StageImages, wantStages) || len(bk.sum.StageImages) != 0 {
		t.Errorf("stage images: legacy %q, want %q; BuildKit %q, want none", legacy.sum.StageImages, wantStages, bk.sum.StageImages)
	}
	wantBK := []string{
		"([internal] load remote build context)", "(copy /context /)",
		"([internal] load metadata for docker.io/library/alpine:3.22)",
		"[base 1/2] FROM docker.io/library/alpine:3.22", "[base 2/2] RUN echo base",
		"[final 1/1] RUN echo final", "(exporting to image)",
	}
	if got := names(bk.events); !slices.Equal(got, wantBK) {
		t.Errorf("BuildKit steps\n got %q\nwant %q", got, wantBK)
	}
}

// standsAlone reports whether a line of output is safe to draw and carries its colour with it:
// nothing but SGR sequences may act on the terminal, there is no line break, and no colour is
// left open at its end (a fresh termtext.Pen leaves such a line as it is).
func standsAlone(s string) bool {
	if termtext.Unsafe(s) != "" || strings.ContainsAny(s, "\r\n") {
		return false
	}
	var p termtext.Pen
	return p.Line(s) == s
}
