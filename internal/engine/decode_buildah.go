package engine

import (
	"strconv"
	"strings"
)

// Buildah, which builds for Podman whichever builder a request names, writes plain text in the
// legacy builder's "stream" messages, so legacyDecoder reads it, with what this file adds.
// Recorded from Podman 4.3.1 (buildah 1.28; testdata/*-buildah.stream):
//
//	[1/2] STEP 1/4: FROM alpine:3.22 AS build      a multi-stage build: stage 1 of 2, step 1 of 4
//	[1/2] STEP 2/4: WORKDIR /src
//	--> Using cache c726f57df1b4bf56…               the step came from the cache
//	--> c726f57df1b                                 the step's image (11 digits)
//	[2/2] STEP 1/5: FROM scratch                    the next stage: its steps count from 1 again
//	[2/2] COMMIT docker.io/library/app:1            the last step, and the image written
//	--> 90384e62cc3
//	90384e62cc37a622…                               the full ID, after a commit
//
// A single-stage build has no "[i/n] " and numbers its steps like the legacy builder. In a
// multi-stage build the steps are numbered per stage, so its events take BuildKit's shape: the
// stage's name (its AS name, or "stage-N" counted from 0 as BuildKit names an unnamed stage) in
// Stage, "STEP i/n" in StageStep and StageTotal, and Step counting the build's steps. Buildah
// skips the stages the target does not need, and builds the others one after another. A
// FROM that names an earlier stage reads "FROM <that stage's image ID>": the ID is put back
// into the stage's name. A failure arrives as an error message ("building at STEP …").

// buildahState is legacyDecoder's record of a buildah stream.
type buildahState struct {
	seen       bool // a "STEP" line came: buildah is speaking
	committed  bool // "COMMIT <ref>" came: the image is written, a bare ID line is its ID
	steps      int  // steps of a multi-stage build so far: the events' Step
	index      int  // the 1-based stage of "[i/n] " in progress, 0 before the first
	stage      string
	stageStep  int
	stageTotal int
	lastID     string            // the image of the latest step ("--> <id>")
	stageIDs   map[string]string // short image ID of a finished stage → its name
}

// buildahStep starts a step of a multi-stage buildah build.
func (l *legacyDecoder) buildahStep(st stepLine) {
	b := &l.ba
	if st.stage != b.index {
		if b.index > 0 && b.lastID != "" {
			if b.stageIDs == nil {
				b.stageIDs = map[string]string{}
			}
			b.stageIDs[b.lastID] = b.stage
		}
		b.index, b.stage = st.stage, "stage-"+strconv.Itoa(st.stage-1)
	}
	name := st.name
	if IsFrom(name) {
		name = b.fromStage(name)
		if f := strings.Fields(name); len(f) >= 4 && strings.EqualFold(f[len(f)-2], "AS") {
			b.stage = f[len(f)-1]
		}
	}
	b.steps++
	b.stageStep, b.stageTotal = st.n, st.total
	l.step, l.total, l.name = b.steps, 0, name
}

// fromStage puts a stage's name back where buildah wrote its image ID: "FROM 34fa2c66… AS
// final" reads "FROM base AS final" when stage base ended in image 34fa2c6618a.
func (b *buildahState) fromStage(name string) string {
	f := strings.Fields(name)
	for i := 1; i < len(f); i++ {
		if strings.HasPrefix(f[i], "--") {
			continue // --platform=…
		}
		if !isHexID(f[i]) {
			return name
		}
		for id, stage := range b.stageIDs {
			if strings.HasPrefix(strings.TrimPrefix(f[i], "sha256:"), id) {
				f[i] = stage
				return strings.Join(f, " ")
			}
		}
		return name
	}
	return name
}

// buildahChatter drops buildah's own lines that the legacy builder's rules do not cover: the
// "COMMIT <ref>" that ends a build, and the full image ID printed after it.
func (l *legacyDecoder) buildahChatter(t string) bool {
	if _, _, rest, ok := cutStagePrefix(t); ok {
		t = rest
	}
	switch {
	case strings.HasPrefix(t, "COMMIT"):
		l.ba.committed = true
		return true
	case l.ba.committed && isHexID(t):
		return true
	}
	return false
}

// cutStagePrefix cuts buildah's "[2/3] " off a line, returning the stage and the count.
func cutStagePrefix(s string) (stage, stages int, rest string, ok bool) {
	if !strings.HasPrefix(s, "[") {
		return 0, 0, s, false
	}
	head, rest, found := strings.Cut(s[1:], "] ")
	if !found {
		return 0, 0, s, false
	}
	stage, stages, ok = fraction(head)
	if !ok {
		return 0, 0, s, false
	}
	return stage, stages, rest, true
}
