package engine

import (
	"slices"
	"strings"
	"testing"
)

// These tests read streams recorded from Podman 4.3.1 (buildah 1.28, API 1.41) with TestRecord
// run against `podman system service` (see .ci/podman-up): the builds of record_test.go.

func TestRecordedBuildah(t *testing.T) {
	first := decodeRecorded(t, "multistage-buildah")
	if first.err != nil {
		t.Fatal(first.err)
	}
	// Per-stage numbering as buildah prints it; the build's labels come as LABEL steps too.
	wantNames := []string{
		"[build 1/4] FROM alpine:3.22 AS build", "[build 2/4] WORKDIR /src", "[build 3/4] COPY hello.txt .",
		"[build 4/4] " + recordedRun,
		"[stage-1 1/5] FROM scratch", "[stage-1 2/5] COPY --from=build /out.txt /out.txt",
		"[stage-1 3/5] LABEL lesson=recording",
		`([stage-1 4/5] LABEL "io.docktutor.lesson"="recording")`, `([stage-1 5/5] LABEL "io.docktutor.managed"="true")`,
	}
	if got := names(first.events); !slices.Equal(got, wantNames) {
		t.Errorf("steps\n got %q\nwant %q", got, wantNames)
	}
	for i, e := range eventsOf(first.events, EventStepStarted) {
		if e.Step != i+1 || e.Total != 0 {
			t.Errorf("step %+v: want Step %d counted over the build, no Total", e, i+1)
		}
	}
	// Buildah sends stderr first; the last line has no newline and the "--> <id>" follows.
	want := []string{"to stderr", "building from hello from the context", "line 1", "line 2", "line 3", "no newline at the end"}
	if got := logsOf(t, first.events, "RUN "); !slices.Equal(got, want) {
		t.Errorf("RUN output\n got %q\nwant %q", got, want)
	}
	if logs := eventsOf(first.events, EventLog); len(logs) != len(want) {
		t.Errorf("builder chatter (layer IDs, COMMIT, the image ID) leaked into the log: %q", render(logs))
	}
	if first.sum.Builder != BuilderBuildah || first.sum.Steps != 7 || first.sum.CachedSteps != 0 ||
		len(first.sum.ImageID) != len("sha256:")+64 || len(first.sum.StageImages) != 0 {
		t.Errorf("summary %+v", first.sum)
	}
	var stages []string
	for _, st := range first.sum.StepLog {
		stages = append(stages, st.Stage)
		if st.State != StepDone {
			t.Errorf("step %q is %s, want done", st.Name, st.State)
		}
	}
	if want := []string{"build", "build", "build", "build", "stage-1", "stage-1", "stage-1", "stage-1", "stage-1"}; !slices.Equal(stages, want) {
		t.Errorf("stages %q, want %q", stages, want)
	}

	cached := decodeRecorded(t, "cached-buildah")
	if cached.err != nil {
		t.Fatal(cached.err)
	}
	var hits []string
	for _, e := range eventsOf(cached.events, EventCacheHit) {
		hits = append(hits, e.Name)
	}
	// FROM is never cached; the label step of this build's own tag (a new value each
	// recording) and the commit after it are not either.
	wantHits := []string{"WORKDIR /src", "COPY hello.txt .", recordedRun, "COPY --from=build /out.txt /out.txt", "LABEL lesson=recording"}
	if !slices.Equal(hits, wantHits) {
		t.Errorf("cache hits\n got %q\nwant %q", hits, wantHits)
	}
	if cached.sum.Builder != BuilderBuildah || cached.sum.CachedSteps != 5 || cached.sum.Steps != 7 {
		t.Errorf("cached summary %+v", cached.sum)
	}
	if len(eventsOf(cached.events, EventLog)) != 0 {
		t.Errorf("a cached build printed: %q", render(eventsOf(cached.events, EventLog)))
	}
}

func TestRecordedBuildahSingleStage(t *testing.T) {
	// One stage: no "[i/n] ", and the steps are numbered like the legacy builder's.
	d := decodeRecorded(t, "failing-buildah")
	be, ok := isBuildError(d.err)
	if !ok {
		t.Fatalf("error %v (%T), want a *BuildError", d.err, d.err)
	}
	if !strings.Contains(be.Msg, "exit status 3") || !strings.HasPrefix(be.Name, `RUN echo "about to fail"`) || be.Step != 2 {
		t.Errorf("BuildError %+v", be)
	}
	if !slices.Contains(be.Output, "sh: no-such-tool: not found") || !slices.Contains(be.Output, "about to fail") {
		t.Errorf("BuildError.Output %q", be.Output)
	}
	if errs := eventsOf(d.events, EventError); len(errs) != 1 || errs[0].Step != 2 {
		t.Errorf("error events %+v", errs)
	}
	steps := d.sum.StepLog
	if len(steps) != 2 || steps[0].Total != 4 || steps[0].Stage != "stage-0" || steps[0].State != StepDone || steps[1].State != StepFailed {
		t.Errorf("steps %+v", steps)
	}
	if d.sum.Builder != BuilderBuildah {
		t.Errorf("builder %q", d.sum.Builder)
	}

	bad := decodeRecorded(t, "badinstr-buildah")
	if be, ok := isBuildError(bad.err); !ok || !strings.Contains(be.Msg, `Unknown instruction: "FOO"`) || be.Name != "FOO bar" {
		t.Errorf("error %v", bad.err)
	}
}

func TestRecordedBuildahTarget(t *testing.T) {
	// --target final: buildah, like BuildKit, skips the stage the target does not need, and
	// writes "FROM base" as the image stage base ended in.
	d := decodeRecorded(t, "target-buildah")
	if d.err != nil {
		t.Fatal(d.err)
	}
	want := []string{
		"[base 1/2] FROM alpine:3.22 AS base", "[base 2/2] RUN echo base",
		"[final 1/4] FROM base AS final", "[final 2/4] RUN echo final",
		`([final 3/4] LABEL "io.docktutor.lesson"="recording")`, `([final 4/4] LABEL "io.docktutor.managed"="true")`,
	}
	if got := names(d.events); !slices.Equal(got, want) {
		t.Errorf("steps\n got %q\nwant %q", got, want)
	}
}

func TestParseStepLineBuildah(t *testing.T) {
	tests := []struct {
		line string
		want stepLine
		ok   bool
	}{
		{"STEP 2/5: RUN x", stepLine{n: 2, total: 5, name: "RUN x", buildah: true}, true},
		{"[1/2] STEP 3/4: COPY a b", stepLine{n: 3, total: 4, name: "COPY a b", buildah: true, stage: 1, stages: 2}, true},
		{"Step 1/2 : FROM a", stepLine{n: 1, total: 2, name: "FROM a"}, true},
		{"[1/2] COMMIT x", stepLine{}, false},
		{"[1/2] Step 1/2 : FROM a", stepLine{}, false}, // only buildah writes the prefix
		{"[3/2] STEP 1/1: FROM a", stepLine{}, false},
		{"STEP 1: FROM a", stepLine{}, false},
	}
	for _, tt := range tests {
		got, ok := parseStepLine(tt.line)
		if ok != tt.ok || got != tt.want {
			t.Errorf("parseStepLine(%q) = %+v, %v; want %+v, %v", tt.line, got, ok, tt.want, tt.ok)
		}
	}
}

func TestFamiliarTag(t *testing.T) {
	// Podman names Docker Hub images in full; docktutor compares Docker's short names.
	for tag, want := range map[string]string{
		"docker.io/docktutor/multistage:go": "docktutor/multistage:go",
		"docker.io/library/alpine:3.22":     "alpine:3.22",
		"docktutor/multistage:go":           "docktutor/multistage:go",
		"gcr.io/distroless/static-debian13": "gcr.io/distroless/static-debian13",
		"localhost/docktutor/x:1":           "localhost/docktutor/x:1",
		"docker.io/library/team/app:1":      "library/team/app:1",
	} {
		if got := familiarTag(tag); got != want {
			t.Errorf("familiarTag(%q) = %q, want %q", tag, got, want)
		}
	}
	if got := realTags([]string{"<none>:<none>", "docker.io/library/alpine:3.22"}); len(got) != 1 || got[0] != "alpine:3.22" {
		t.Errorf("realTags = %q", got)
	}
}
