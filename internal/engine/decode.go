package engine

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// StreamSummary is what a /build response stream said about the build as a whole.
type StreamSummary struct {
	// Builder is the builder that spoke: BuilderBuildKit when the stream carried BuildKit trace
	// messages, BuilderLegacy when it carried only plain output, empty when it carried neither.
	Builder     Builder
	ImageID     string // the built image, "sha256:…" (legacy builders without aux: a short ID)
	Steps       int    // steps run or reused, not counting BuildKit's internal steps
	CachedSteps int    // steps satisfied from the cache

	// container is the legacy builder's intermediate container of the step in progress
	// (" ---> Running in <id>"), so a cancelled build can make sure it is gone.
	container string
}

// DecodeBuildStream reads the body of a /build response (a sequence of JSON messages) and
// calls emit for every event, in order, from the calling goroutine. It understands both the
// legacy builder's plain output and BuildKit's trace messages, deciding per message, so it
// works on recorded bytes without a daemon.
//
// It returns a *BuildError when the stream reported a failed build (after emitting
// EventError), and a wrapped read or syntax error when the stream itself broke off. Legacy
// step durations are left zero here, since recorded bytes carry no timing; Client.Build times
// them as they arrive.
func DecodeBuildStream(r io.Reader, emit func(Event)) (StreamSummary, error) {
	return decodeBuildStream(r, emit, nil)
}

// jsonMessage is the subset of the daemon's JSON progress message that builds use. It is our
// own type, not the SDK's, so that decoding needs nothing but the bytes.
type jsonMessage struct {
	Stream      string          `json:"stream"`
	Status      string          `json:"status"`
	Progress    string          `json:"progress"` // a rendered progress bar: noise for us
	ID          string          `json:"id"`
	Error       string          `json:"error"`
	ErrorDetail *jsonError      `json:"errorDetail"`
	Aux         json.RawMessage `json:"aux"`
}

type jsonError struct {
	Message string `json:"message"`
}

// The ids the daemon gives BuildKit's out-of-band messages.
const (
	idBuildKitTrace = "moby.buildkit.trace"
	idImageID       = "moby.image.id"
)

// streamDecoder holds the state of one stream: both builders' decoders, since a BuildKit
// stream still ends with a legacy-style "Successfully tagged" line.
type streamDecoder struct {
	emit    func(Event)
	legacy  legacyDecoder
	bk      buildkitDecoder
	imageID string
	failure *BuildError
	payload []byte // reused buffer for base64-decoded trace payloads
}

func decodeBuildStream(r io.Reader, emit func(Event), now func() time.Time) (StreamSummary, error) {
	if emit == nil {
		emit = func(Event) {}
	}
	d := &streamDecoder{emit: emit}
	d.legacy.init(d, now)
	d.bk.init(d)

	dec := json.NewDecoder(bufio.NewReaderSize(r, 32<<10))
	var readErr error
	for {
		var m jsonMessage
		if err := dec.Decode(&m); err != nil {
			if !errors.Is(err, io.EOF) {
				readErr = fmt.Errorf("read build stream: %w", err)
			}
			break
		}
		d.message(&m)
	}
	return d.finish(readErr)
}

// message dispatches one JSON message.
func (d *streamDecoder) message(m *jsonMessage) {
	switch {
	case m.ID == idBuildKitTrace && len(m.Aux) > 0:
		payload, ok := d.decodeBase64(m.Aux)
		if ok {
			d.bk.trace(payload)
		}
		return
	case len(m.Aux) > 0:
		// moby.image.id (BuildKit) or a bare aux (legacy: once per finished stage, the last one
		// being the image).
		var aux struct {
			ID string `json:"ID"`
		}
		if json.Unmarshal(m.Aux, &aux) == nil && aux.ID != "" {
			d.imageID = aux.ID
		}
		return
	}
	if m.Stream != "" {
		d.legacy.write(m.Stream)
	}
	if m.Status != "" && m.Progress == "" {
		// Pull progress while the legacy builder fetches a base image: "Pulling from
		// library/alpine", "Pull complete". Byte counters (Progress set) are dropped.
		text := m.Status
		if m.ID != "" {
			text = m.ID + ": " + text
		}
		d.legacy.line(text)
	}
	msg := m.Error
	if m.ErrorDetail != nil && m.ErrorDetail.Message != "" {
		msg = m.ErrorDetail.Message
	}
	if msg != "" {
		d.fail(strings.TrimSpace(msg))
	}
}

// decodeBase64 turns the JSON string of a trace aux into bytes, without the allocations of
// json.Unmarshal into []byte in the common case of a string free of escapes.
func (d *streamDecoder) decodeBase64(raw json.RawMessage) ([]byte, bool) {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' && bytes.IndexByte(raw, '\\') < 0 {
		src := raw[1 : len(raw)-1]
		n := base64.StdEncoding.DecodedLen(len(src))
		if cap(d.payload) < n {
			d.payload = make([]byte, n)
		}
		n, err := base64.StdEncoding.Decode(d.payload[:n], src)
		return d.payload[:n], err == nil
	}
	var b []byte
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, false
	}
	return b, true
}

// fail records the stream's error message and emits it, unless a BuildKit vertex already
// reported the same failure as an EventError of its own.
func (d *streamDecoder) fail(msg string) {
	if d.failure != nil {
		// A second message: keep the first as the reason, still show this one.
		d.emit(Event{Kind: EventError, Text: msg})
		return
	}
	f := d.bk.failure() // the failing vertex, if BuildKit named one
	if f == nil {
		f = d.legacy.failure() // the legacy step in progress
	}
	reported := f.Msg != "" && strings.Contains(msg, f.Msg)
	f.Msg = msg // the stream's version is the fuller one
	d.failure = f
	if !reported {
		d.emit(Event{Kind: EventError, Step: f.Step, Name: f.Name, Text: msg})
	}
}

// finish flushes partial lines and open steps and builds the summary.
func (d *streamDecoder) finish(readErr error) (StreamSummary, error) {
	if readErr == nil && d.failure == nil && d.imageID == "" && d.legacy.builtID == "" {
		// No error message, no image, but perhaps a failed vertex: its error is the reason.
		d.failure = d.bk.failure()
	}
	ok := readErr == nil && d.failure == nil
	d.legacy.finish(ok)
	d.bk.finish(ok)

	sum := StreamSummary{container: d.legacy.container}
	switch {
	case d.bk.seen:
		sum.Builder = BuilderBuildKit
		sum.Steps, sum.CachedSteps = d.bk.steps, d.bk.cachedSteps
	case d.legacy.seen:
		sum.Builder = BuilderLegacy
		sum.Steps, sum.CachedSteps = d.legacy.steps, d.legacy.cachedSteps
	}
	if readErr != nil {
		return sum, readErr
	}
	if d.failure != nil {
		return sum, d.failure
	}
	sum.ImageID = d.imageID
	if sum.ImageID == "" {
		sum.ImageID = d.legacy.builtID
	}
	if sum.ImageID != "" {
		d.emit(Event{Kind: EventImageID, Text: sum.ImageID})
	}
	return sum, nil
}

// lineBuffer turns chunks of output into lines. Builders send output in arbitrary pieces
// (the legacy builder's "Step 2/5 : RUN …" arrives without its newline), so a line is only
// complete at '\n'. A carriage return inside a line means the program redrew it (a progress
// bar); only the last version is kept.
type lineBuffer struct {
	partial []byte
}

// write splits chunk into complete lines, calling line for each, and keeps the rest.
func (b *lineBuffer) write(chunk string, line func(string)) {
	for {
		i := strings.IndexByte(chunk, '\n')
		if i < 0 {
			b.partial = append(b.partial, chunk...)
			return
		}
		if len(b.partial) > 0 {
			b.partial = append(b.partial, chunk[:i]...)
			line(cleanLine(string(b.partial)))
			b.partial = b.partial[:0]
		} else {
			line(cleanLine(chunk[:i]))
		}
		chunk = chunk[i+1:]
	}
}

// flush reports a trailing line that never got its newline.
func (b *lineBuffer) flush(line func(string)) {
	if len(b.partial) > 0 {
		s := cleanLine(string(b.partial))
		b.partial = b.partial[:0]
		line(s)
	}
}

// cleanLine drops a trailing "\r" and keeps what follows the last inner one.
func cleanLine(s string) string {
	s = strings.TrimSuffix(s, "\r")
	if i := strings.LastIndexByte(s, '\r'); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// tail keeps the last few lines of a step's output for a BuildError.
type tail struct {
	lines []string
}

func (t *tail) add(s string) {
	if strings.TrimSpace(s) == "" {
		return
	}
	if len(t.lines) == maxErrorOutput {
		copy(t.lines, t.lines[1:])
		t.lines = t.lines[:maxErrorOutput-1]
	}
	t.lines = append(t.lines, s)
}

func (t *tail) reset() { t.lines = t.lines[:0] }

func (t *tail) snapshot() []string {
	if len(t.lines) == 0 {
		return nil
	}
	return append([]string(nil), t.lines...)
}
