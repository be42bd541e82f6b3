package engine

import (
	"strconv"
	"strings"
	"time"

	"github.com/docktutor/docktutor/internal/termtext"
)

// buildkitDecoder follows BuildKit's progress: every "moby.buildkit.trace" message carries a
// StatusResponse with the current state of some vertices (BuildKit's steps) and new log
// output. A vertex is reported again each time something about it changes, always with its
// full state, so the decoder remembers what it already announced and emits each transition
// once:
//
//   - first appearance: the vertex gets the next Step number (internal vertices included);
//   - started, or cached: EventStepStarted;
//   - cached: EventCacheHit, then EventStepDone;
//   - completed: EventStepDone with the vertex's own duration;
//   - error: EventError (and no EventStepDone);
//   - log bytes: EventLog lines, buffered per vertex until their newline.
//
// Vertex names "[build 2/4] RUN go build" fill Stage, StageStep and StageTotal and leave
// "RUN go build" as the Name. Vertices without such a prefix ("[internal] load remote build
// context", "copy /context /", "exporting to image") are BuildKit's bookkeeping: they are
// reported with Internal set and their full name, and not counted in the summary's steps (Steps.Counts).
type buildkitDecoder struct {
	d        *streamDecoder
	seen     bool
	vertices map[string]*bkVertex
	order    []*bkVertex // by Step
	status   pbStatus    // reused between messages
}

// bkVertex is what the decoder knows and has announced about one vertex.
type bkVertex struct {
	ev      Event // Step, Stage, StageStep, StageTotal, Name, Internal: copied into events
	named   bool
	started bool
	cached  bool
	done    bool
	failed  bool
	errMsg  string
	buf     lineBuffer
	tail    tail
	lineFn  func(string)
}

func (b *buildkitDecoder) init(d *streamDecoder) {
	b.d = d
	b.vertices = make(map[string]*bkVertex)
}

// trace handles one decoded StatusResponse payload. A payload that does not decode is
// skipped: progress is a view of the build, and losing one update must not fail it.
func (b *buildkitDecoder) trace(payload []byte) {
	b.seen = true
	if err := parseStatus(payload, &b.status); err != nil {
		return
	}
	st := &b.status
	// Starts first, then logs, then completions: a StatusResponse often carries a vertex's
	// start, its output and its end together, and the events must read in that order.
	for i := range st.vertexes {
		pv := &st.vertexes[i]
		v := b.vertex(pv.digest)
		if !v.named && len(pv.name) > 0 {
			v.setName(termtext.Plain(string(pv.name)))
		}
		if (pv.hasStarted || pv.cached) && !v.started {
			b.start(v)
		}
	}
	for i := range st.logs {
		l := &st.logs[i]
		if len(l.msg) == 0 {
			continue
		}
		v := b.vertex(l.vertex)
		v.buf.write(string(l.msg), v.lineFn)
	}
	for i := range st.warnings {
		w := &st.warnings[i]
		v := b.vertex(w.vertex)
		b.log(v, "WARNING: "+strings.TrimSpace(termtext.Plain(string(w.short))))
	}
	for i := range st.vertexes {
		pv := &st.vertexes[i]
		v := b.vertex(pv.digest)
		switch {
		case v.done || v.failed:
		case len(pv.err) > 0:
			v.buf.flush(v.lineFn)
			v.failed = true
			v.errMsg = strings.TrimSpace(termtext.Plain(string(pv.err)))
			ev := v.ev
			ev.Kind, ev.Text = EventError, v.errMsg
			b.d.emit(ev)
		case pv.cached:
			v.buf.flush(v.lineFn)
			v.cached, v.done = true, true
			ev := v.ev
			ev.Kind = EventCacheHit
			b.d.emit(ev)
			ev.Kind = EventStepDone
			ev.Duration = duration(pv)
			b.d.emit(ev)
		case pv.hasCompleted:
			if !v.started {
				b.start(v) // completed without a start ever reported: still a step that ran
			}
			v.buf.flush(v.lineFn)
			v.done = true
			ev := v.ev
			ev.Kind = EventStepDone
			ev.Duration = duration(pv)
			b.d.emit(ev)
		}
	}
}

// vertex finds or numbers the vertex with this digest. The map lookup with string(digest)
// does not allocate; only a new vertex does.
func (b *buildkitDecoder) vertex(digest []byte) *bkVertex {
	if v, ok := b.vertices[string(digest)]; ok {
		return v
	}
	v := &bkVertex{}
	v.ev.Step = len(b.order) + 1
	v.lineFn = func(s string) { b.log(v, s) }
	b.vertices[string(digest)] = v
	b.order = append(b.order, v)
	return v
}

func (b *buildkitDecoder) start(v *bkVertex) {
	v.started = true
	ev := v.ev
	ev.Kind = EventStepStarted
	b.d.emit(ev)
}

func (b *buildkitDecoder) log(v *bkVertex, s string) {
	v.tail.add(s)
	ev := v.ev
	ev.Kind, ev.Text = EventLog, s
	b.d.emit(ev)
}

// failure describes the vertex whose error ended the build, nil when none failed. Vertices
// cancelled because a sibling failed report "context canceled"; they are not the reason.
func (b *buildkitDecoder) failure() *BuildError {
	var first *bkVertex
	for _, v := range b.order {
		if !v.failed {
			continue
		}
		if first == nil {
			first = v
		}
		if !strings.Contains(v.errMsg, "context canceled") {
			first = v
			break
		}
	}
	if first == nil {
		return nil
	}
	return &BuildError{Step: first.ev.Step, Name: first.ev.Name, Msg: first.errMsg, Output: first.tail.snapshot()}
}

// finish reports output lines still waiting for their newline.
func (b *buildkitDecoder) finish(bool) {
	for _, v := range b.order {
		v.buf.flush(v.lineFn)
	}
}

// setName parses "[stage i/n] INSTRUCTION" into the event fields.
func (v *bkVertex) setName(name string) {
	v.named = true
	v.ev.Name = name
	v.ev.Internal = true
	if !strings.HasPrefix(name, "[") {
		return
	}
	end := strings.IndexByte(name, ']')
	if end < 0 {
		return
	}
	inner := name[1:end]
	counter := inner
	stage := ""
	if sp := strings.LastIndexByte(inner, ' '); sp >= 0 {
		stage, counter = strings.TrimSpace(inner[:sp]), inner[sp+1:]
	}
	i, n, ok := strings.Cut(counter, "/")
	if !ok {
		return // "[internal] …", "[auth] …"
	}
	si, err1 := strconv.Atoi(i)
	sn, err2 := strconv.Atoi(n)
	if err1 != nil || err2 != nil {
		return
	}
	v.ev.Stage, v.ev.StageStep, v.ev.StageTotal = stage, si, sn
	v.ev.Name = strings.TrimSpace(name[end+1:])
	v.ev.Internal = false
}

// duration is the vertex's own run time, when it reported both ends.
func duration(pv *pbVertex) time.Duration {
	if !pv.hasStarted || !pv.hasCompleted {
		return 0
	}
	if d := pv.completed.Sub(pv.started); d > 0 {
		return d
	}
	return 0
}
