package engine

import (
	"strconv"
	"strings"
	"time"
)

// legacyDecoder follows the legacy builder's plain-text output, and buildah's (Podman's), one
// line at a time.
//
// What it makes of the lines (sanitized by lineBuffer, and matched without their colours):
//   - "Step 2/5 : RUN go build" (and buildah's "STEP 2/5: RUN go build", or "[1/2] STEP 2/5: …"
//     in a multi-stage build: see decode_buildah.go) closes the previous step (EventStepDone)
//     and starts the next (EventStepStarted).
//   - " ---> Using cache" (buildah: "--> Using cache <id>") marks the step cached
//     (EventCacheHit).
//   - Builder chatter is dropped, because it names throw-away containers and layer IDs that
//     teach nothing and would drown the step's own output: " ---> Running in <id>",
//     " ---> <id>" (buildah: "--> <id>"), a bare " ---> ", "Removing intermediate container
//     <id>", "Successfully built <id>" and "Successfully tagged <ref>", and buildah's
//     "COMMIT <ref>" and the full image ID it prints after it. The container and image IDs
//     they carry are kept for the summary.
//   - The "LABEL key=value" steps the builder appends for the build's labels are reported with
//     Internal set and not counted in the summary (see injectedLabel).
//   - Anything else (a RUN's output, warnings, pull progress) is an EventLog of the current
//     step; an arrow line that is not chatter (" ---> [Warning] …") is logged without its
//     arrow.
type legacyDecoder struct {
	d      *streamDecoder
	now    func() time.Time // nil: leave durations zero (recorded streams)
	buf    lineBuffer
	lineFn func(string)    // l.line, bound once rather than per chunk
	labels map[string]bool // keys of the build's labels (injectedLabel)

	seen      bool // the stream carried plain output
	open      bool // a step is in progress
	cached    bool
	internal  bool // the step is one the builder added (injectedLabel)
	step      int
	total     int
	name      string
	startedAt time.Time
	tail      tail

	container string // intermediate container of the step in progress
	builtID   string // from "Successfully built <id>"

	ba buildahState // what only buildah's output needs
}

func (l *legacyDecoder) init(d *streamDecoder, now func() time.Time) {
	l.d = d
	l.now = now
	l.lineFn = l.line
}

// write takes one "stream" message's text.
func (l *legacyDecoder) write(chunk string) {
	l.seen = true
	if len(l.buf.partial) > 0 && builderChatter(chunk) {
		// The step's output ended without a newline and the builder carries on in the same
		// line ("no newline at the endRemoving intermediate container …"): the builder always
		// writes its own lines in messages of their own, so end the output line here.
		l.buf.flush(l.lineFn)
	}
	l.buf.write(chunk, l.lineFn)
}

// builderChatter says whether a message is the builder's own writing rather than a step's.
func builderChatter(chunk string) bool {
	if _, _, rest, ok := cutStagePrefix(chunk); ok {
		chunk = rest
	}
	for _, p := range []string{" ---> ", "--> ", "Removing intermediate container ", "Step ", "STEP ", "COMMIT ", "Successfully built ", "Successfully tagged "} {
		if strings.HasPrefix(chunk, p) {
			return true
		}
	}
	return false
}

// line handles one complete line.
func (l *legacyDecoder) line(s string) {
	p := plain(s)
	if st, ok := parseStepLine(p); ok {
		l.startStep(st)
		return
	}
	t := strings.TrimSpace(p)
	if l.ba.seen && l.buildahChatter(t) {
		return
	}
	if rest, ok := cutArrow(t); ok {
		switch {
		case rest == "":
			return
		case strings.HasPrefix(rest, "Using cache"):
			l.cacheHit()
			return
		case strings.HasPrefix(rest, "Running in "):
			l.container = strings.TrimSpace(strings.TrimPrefix(rest, "Running in "))
			return
		case isHexID(rest):
			l.ba.lastID = rest
			return
		}
		l.log(rest, rest)
		return
	}
	switch {
	case strings.HasPrefix(t, "Removing intermediate container "):
		l.container = ""
		return
	case strings.HasPrefix(t, "Successfully built "):
		l.builtID = strings.TrimSpace(strings.TrimPrefix(t, "Successfully built "))
		return
	case strings.HasPrefix(t, "Successfully tagged "):
		return
	}
	l.log(s, p)
}

func (l *legacyDecoder) startStep(st stepLine) {
	l.closeStep()
	l.open, l.cached = true, false
	l.ba.seen = l.ba.seen || st.buildah
	if st.stage > 0 {
		l.buildahStep(st)
	} else {
		l.step, l.total, l.name = st.n, st.total, st.name
	}
	l.internal = l.injectedLabel(l.name)
	l.container = ""
	l.tail.reset()
	if l.now != nil {
		l.startedAt = l.now()
	}
	l.d.emit(l.event(EventStepStarted))
}

// event makes an event about the current step.
func (l *legacyDecoder) event(kind EventKind) Event {
	return Event{
		Kind: kind, Step: l.step, Total: l.total, Name: l.name, Internal: l.internal,
		Stage: l.ba.stage, StageStep: l.ba.stageStep, StageTotal: l.ba.stageTotal,
	}
}

// injectedLabel recognises the LABEL steps the legacy builder appends to the Dockerfile for
// the build's labels (one "LABEL key=value" step per label, after the last instruction):
// docktutor's own bookkeeping, which the learner did not write. Labels under "io.docktutor."
// are always ours; Client.Build also names the others it asked for.
func (l *legacyDecoder) injectedLabel(name string) bool {
	rest, ok := strings.CutPrefix(name, "LABEL ")
	if !ok {
		return false
	}
	key, _, ok := strings.Cut(rest, "=")
	if !ok || strings.ContainsAny(key, " \t") {
		return false
	}
	key = strings.Trim(key, `"'`)
	return strings.HasPrefix(key, "io.docktutor.") || l.labels[key]
}

func (l *legacyDecoder) closeStep() {
	if !l.open {
		return
	}
	l.open = false
	var dur time.Duration
	if l.now != nil {
		dur = l.now().Sub(l.startedAt)
	}
	ev := l.event(EventStepDone)
	ev.Duration = dur
	l.d.emit(ev)
}

func (l *legacyDecoder) cacheHit() {
	if !l.open || l.cached {
		return
	}
	l.cached = true
	l.d.emit(l.event(EventCacheHit))
}

// log reports an output line s; p is the same line without its colours.
func (l *legacyDecoder) log(s, p string) {
	ev := Event{Kind: EventLog}
	if l.open {
		ev = l.event(EventLog)
		l.tail.add(p)
	}
	ev.Text = s
	l.d.emit(ev)
}

// failure describes the step in progress for a BuildError; Msg is filled by the caller.
func (l *legacyDecoder) failure() *BuildError {
	if !l.open {
		return &BuildError{}
	}
	return &BuildError{Step: l.step, Name: l.name, Output: l.tail.snapshot()}
}

// finish flushes a last line without newline and, when the build went well, closes the last
// step. A failed step gets no EventStepDone: its EventError ends it.
func (l *legacyDecoder) finish(ok bool) {
	l.buf.flush(l.lineFn)
	if ok {
		l.closeStep()
	}
}

// stepLine is a builder's line that starts a step.
type stepLine struct {
	n, total int    // "Step n/total"
	name     string // the instruction
	buildah  bool   // written "STEP n/total: …", as buildah does
	// stage and stages are buildah's "[stage/stages] " before STEP in a multi-stage build
	// (1-based; zero without it): then n/total count the steps of that stage.
	stage, stages int
}

// parseStepLine recognises Docker's "Step 2/5 : RUN x" and buildah's "STEP 2/5: RUN x" or
// "[1/2] STEP 2/5: RUN x". The exact shape (counter with a total, then the separator) keeps a
// RUN that prints "Step 1: …" from passing for a new step.
func parseStepLine(s string) (stepLine, bool) {
	var st stepLine
	if stage, stages, rest, ok := cutStagePrefix(s); ok {
		st.stage, st.stages, s = stage, stages, rest
		if !strings.HasPrefix(s, "STEP ") {
			return stepLine{}, false
		}
	}
	var rest, sep string
	switch {
	case strings.HasPrefix(s, "Step "):
		rest, sep = s[len("Step "):], " : "
	case strings.HasPrefix(s, "STEP "):
		rest, sep, st.buildah = s[len("STEP "):], ": ", true
	default:
		return stepLine{}, false
	}
	head, name, found := strings.Cut(rest, sep)
	if !found {
		return stepLine{}, false
	}
	n, total, ok := fraction(head)
	if !ok {
		return stepLine{}, false
	}
	st.n, st.total, st.name = n, total, strings.TrimSpace(name)
	return st, true
}

// fraction reads "n/total" with 0 < n <= total.
func fraction(s string) (n, total int, ok bool) {
	num, tot, found := strings.Cut(s, "/")
	if !found {
		return 0, 0, false
	}
	n, err1 := strconv.Atoi(num)
	total, err2 := strconv.Atoi(tot)
	if err1 != nil || err2 != nil || n <= 0 || total < n {
		return 0, 0, false
	}
	return n, total, true
}

// cutArrow strips the legacy builder's " ---> " (or buildah's "--> ") marker.
func cutArrow(t string) (string, bool) {
	for _, arrow := range []string{"--->", "-->"} {
		if rest, ok := strings.CutPrefix(t, arrow); ok {
			return strings.TrimSpace(rest), true
		}
	}
	return "", false
}

// isHexID says whether s looks like an image or container ID (short or full, optionally
// "sha256:"-prefixed). Docker shortens IDs to 12 digits, buildah to 11.
func isHexID(s string) bool {
	s = strings.TrimPrefix(s, "sha256:")
	if len(s) < 11 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
