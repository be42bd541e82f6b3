package engine

import (
	"strconv"
	"strings"
	"time"
)

// legacyDecoder follows the legacy builder's plain-text output, one line at a time.
//
// What it makes of the lines:
//   - "Step 2/5 : RUN go build" (and buildah's "STEP 2/5: RUN go build", as Podman prints it)
//     closes the previous step (EventStepDone) and starts the next (EventStepStarted).
//   - " ---> Using cache" (buildah: "--> Using cache <id>") marks the step cached
//     (EventCacheHit).
//   - Builder chatter is dropped, because it names throw-away containers and layer IDs that
//     teach nothing and would drown the step's own output: " ---> Running in <id>",
//     " ---> <id>", a bare " ---> ", "Removing intermediate container <id>", "Successfully
//     built <id>" and "Successfully tagged <ref>". The container and image IDs they carry are
//     kept for the summary.
//   - Anything else (a RUN's output, warnings, pull progress) is an EventLog of the current
//     step; an arrow line that is not chatter (" ---> [Warning] …") is logged without its
//     arrow.
type legacyDecoder struct {
	d      *streamDecoder
	now    func() time.Time // nil: leave durations zero (recorded streams)
	buf    lineBuffer
	lineFn func(string) // l.line, bound once rather than per chunk

	seen      bool // the stream carried plain output
	open      bool // a step is in progress
	cached    bool
	step      int
	total     int
	name      string
	startedAt time.Time
	tail      tail

	steps, cachedSteps int
	container          string // intermediate container of the step in progress
	builtID            string // from "Successfully built <id>"
}

func (l *legacyDecoder) init(d *streamDecoder, now func() time.Time) {
	l.d = d
	l.now = now
	l.lineFn = l.line
}

// write takes one "stream" message's text.
func (l *legacyDecoder) write(chunk string) {
	l.seen = true
	l.buf.write(chunk, l.lineFn)
}

// line handles one complete line.
func (l *legacyDecoder) line(s string) {
	if n, total, name, ok := parseStepLine(s); ok {
		l.startStep(n, total, name)
		return
	}
	t := strings.TrimSpace(s)
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
			return
		}
		l.log(rest)
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
	l.log(s)
}

func (l *legacyDecoder) startStep(n, total int, name string) {
	l.closeStep()
	l.open, l.cached = true, false
	l.step, l.total, l.name = n, total, name
	l.container = ""
	l.tail.reset()
	if l.now != nil {
		l.startedAt = l.now()
	}
	l.steps++
	l.d.emit(Event{Kind: EventStepStarted, Step: n, Total: total, Name: name})
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
	l.d.emit(Event{Kind: EventStepDone, Step: l.step, Total: l.total, Name: l.name, Duration: dur})
}

func (l *legacyDecoder) cacheHit() {
	if !l.open || l.cached {
		return
	}
	l.cached = true
	l.cachedSteps++
	l.d.emit(Event{Kind: EventCacheHit, Step: l.step, Total: l.total, Name: l.name})
}

func (l *legacyDecoder) log(s string) {
	ev := Event{Kind: EventLog, Text: s}
	if l.open {
		ev.Step, ev.Total, ev.Name = l.step, l.total, l.name
		l.tail.add(s)
	}
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

// parseStepLine recognises Docker's "Step 2/5 : RUN x" and buildah's "STEP 2/5: RUN x". The
// exact shape (counter with a total, then the separator) keeps a RUN that prints "Step 1: …"
// from passing for a new step.
func parseStepLine(s string) (n, total int, name string, ok bool) {
	var rest, sep string
	switch {
	case strings.HasPrefix(s, "Step "):
		rest, sep = s[len("Step "):], " : "
	case strings.HasPrefix(s, "STEP "):
		rest, sep = s[len("STEP "):], ": "
	default:
		return 0, 0, "", false
	}
	head, name, found := strings.Cut(rest, sep)
	if !found {
		return 0, 0, "", false
	}
	num, tot, found := strings.Cut(head, "/")
	if !found {
		return 0, 0, "", false
	}
	n, err1 := strconv.Atoi(num)
	total, err2 := strconv.Atoi(tot)
	if err1 != nil || err2 != nil || n <= 0 || total < n {
		return 0, 0, "", false
	}
	return n, total, strings.TrimSpace(name), true
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
// "sha256:"-prefixed).
func isHexID(s string) bool {
	s = strings.TrimPrefix(s, "sha256:")
	if len(s) < 12 || len(s) > 64 {
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
