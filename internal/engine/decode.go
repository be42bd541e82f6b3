package engine

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/docktutor/docktutor/internal/termtext"
)

// StreamSummary is what a /build response stream said about the build as a whole.
type StreamSummary struct {
	// Builder is the builder that spoke: BuilderBuildKit when the stream carried BuildKit trace
	// messages, BuilderBuildah when buildah's "STEP" lines, BuilderLegacy when other plain
	// output, empty when it carried nothing of these.
	Builder     Builder
	ImageID     string // the built image, "sha256:…" (legacy builders without aux: a short ID)
	Steps       int    // steps run or reused, not counting BuildKit's internal steps
	CachedSteps int    // steps satisfied from the cache
	// StepLog is every step the stream reported, internal ones included, with its state.
	StepLog []Step
	// StageImages are the images of the build stages the legacy builder made for this build and
	// left untagged and without the build's labels, "sha256:…": every stage's but the last of a
	// successful build (that one is ImageID), in order. A stage taken whole from the cache is
	// left out: its image may be another build's. BuildKit leaves no such images.
	StageImages []string

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
	return decodeBuildStream(r, emit, decodeOptions{})
}

// decodeOptions are what Client.Build knows about a stream that the bytes do not say.
type decodeOptions struct {
	now    func() time.Time // times legacy steps; nil leaves their durations zero
	labels map[string]bool  // keys of the build's labels, whose LABEL steps the builder adds
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
	emit    func(Event) // records the event in steps, then hands it on
	steps   Steps
	legacy  legacyDecoder
	bk      buildkitDecoder
	imageID string
	stages  []string // StageImages so far
	failure *BuildError
	payload []byte // reused buffer for base64-decoded trace payloads
}

func decodeBuildStream(r io.Reader, emit func(Event), opts decodeOptions) (StreamSummary, error) {
	if emit == nil {
		emit = func(Event) {}
	}
	d := &streamDecoder{}
	d.emit = func(ev Event) {
		d.steps.Observe(ev)
		emit(ev)
	}
	d.legacy.init(d, opts.now)
	d.legacy.labels = opts.labels
	d.bk.init(d)

	readErr := d.read(bufio.NewReaderSize(r, 64<<10))
	return d.finish(readErr)
}

// maxMessage bounds one JSON message: a daemon that never ends a line must not take all memory.
const maxMessage = 64 << 20

// read decodes messages until the stream ends. The daemon writes compact JSON, one message a
// line (JSON escapes newlines inside strings), so the stream is read line by line and the two
// shapes that make up nearly all of a chatty build — {"stream":"…"} and a BuildKit trace — are
// taken apart by hand: encoding/json would cost more than everything else together (see
// BenchmarkDecodeLegacy). Any other line, or one the fast path does not fully understand, goes
// through encoding/json, which also copes with several messages on one line.
func (d *streamDecoder) read(br *bufio.Reader) error {
	var long []byte
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long[:0], line...)
			for errors.Is(err, bufio.ErrBufferFull) && len(long) <= maxMessage {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			if len(long) > maxMessage {
				return fmt.Errorf("read build stream: a message longer than %d bytes", maxMessage)
			}
			line = long
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read build stream: %w", err)
		}
		if line = bytes.TrimSpace(line); len(line) > 0 && !d.fastMessage(line) {
			if derr := d.slowMessages(line); derr != nil {
				return fmt.Errorf("read build stream: %w", derr)
			}
		}
		if err != nil {
			return nil // io.EOF
		}
	}
}

// The exact openings of the two common messages.
var (
	streamOpening = []byte(`{"stream":"`)
	traceOpening  = []byte(`{"id":"` + idBuildKitTrace + `","aux":"`)
	messageEnding = []byte(`"}`)
)

// fastMessage handles a line that is exactly {"stream":"…"} or a BuildKit trace with an
// escape-free base64 string, and reports whether it did.
func (d *streamDecoder) fastMessage(line []byte) bool {
	if !bytes.HasSuffix(line, messageEnding) {
		return false
	}
	// The length checks keep the opening and the ending from overlapping: {"stream":"}.
	switch {
	case bytes.HasPrefix(line, streamOpening) && len(line) >= len(streamOpening)+len(messageEnding):
		s, ok := unquoteJSON(line[len(streamOpening) : len(line)-len(messageEnding)])
		if !ok {
			return false
		}
		if s != "" {
			d.legacy.write(s)
		}
		return true
	case bytes.HasPrefix(line, traceOpening) && len(line) >= len(traceOpening)+len(messageEnding):
		src := line[len(traceOpening) : len(line)-len(messageEnding)]
		if bytes.IndexByte(src, '"') >= 0 || bytes.IndexByte(src, '\\') >= 0 {
			return false
		}
		if payload, ok := d.decodeBase64(src); ok {
			d.bk.trace(payload)
		}
		return true
	}
	return false
}

// slowMessages decodes one or more messages with encoding/json.
func (d *streamDecoder) slowMessages(line []byte) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	for {
		var m jsonMessage
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		d.message(&m)
	}
}

// unquoteJSON decodes the inside of a JSON string (without its quotes). It refuses what it
// would have to guess at — an unescaped quote (so the line held more than one string), a bad
// escape — and the caller falls back to encoding/json.
func unquoteJSON(b []byte) (string, bool) {
	i := 0
	for i < len(b) && b[i] != '\\' && b[i] != '"' {
		i++
	}
	if i == len(b) {
		return string(b), true
	}
	out := make([]byte, 0, len(b))
	out = append(out, b[:i]...)
	for i < len(b) {
		c := b[i]
		if c == '"' {
			return "", false
		}
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(b) {
			return "", false
		}
		switch b[i+1] {
		case '"', '\\', '/':
			out = append(out, b[i+1])
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'u':
			r, ok := hex4(b[i+2:])
			if !ok {
				return "", false
			}
			i += 6
			if utf16.IsSurrogate(r) {
				r2, ok := rune(0), false
				if i+1 < len(b) && b[i] == '\\' && b[i+1] == 'u' {
					r2, ok = hex4(b[i+2:])
				}
				if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
			continue
		default:
			return "", false
		}
		i += 2
	}
	return string(out), true
}

// hex4 reads the four hex digits of a \u escape.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// message dispatches one JSON message.
func (d *streamDecoder) message(m *jsonMessage) {
	switch {
	case m.ID == idBuildKitTrace && len(m.Aux) > 0:
		var b64 string
		if json.Unmarshal(m.Aux, &b64) == nil {
			if payload, ok := d.decodeBase64([]byte(b64)); ok {
				d.bk.trace(payload)
			}
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
			if m.ID == "" {
				d.stageEnded(aux.ID)
			}
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
		d.legacy.line(termtext.Line(text))
	}
	msg := m.Error
	if m.ErrorDetail != nil && m.ErrorDetail.Message != "" {
		msg = m.ErrorDetail.Message
	}
	if msg != "" {
		d.fail(strings.TrimSpace(termtext.Plain(msg)))
	}
}

// stageEnded notes the image the legacy builder reports at the end of a stage, when this build
// made it (see Steps.stageBuilt). Which one is the image itself is known only at the end.
func (d *streamDecoder) stageEnded(id string) {
	if d.steps.stageBuilt() && !slices.Contains(d.stages, id) {
		d.stages = append(d.stages, id)
	}
}

// decodeBase64 decodes a trace payload into a buffer reused from message to message.
func (d *streamDecoder) decodeBase64(src []byte) ([]byte, bool) {
	n := base64.StdEncoding.DecodedLen(len(src))
	if cap(d.payload) < n {
		d.payload = make([]byte, n)
	}
	n, err := base64.StdEncoding.Decode(d.payload[:n], src)
	return d.payload[:n], err == nil
}

// fail records the stream's error message and emits it, unless a BuildKit vertex already
// reported the same failure as an EventError of its own.
func (d *streamDecoder) fail(msg string) {
	if d.failure != nil {
		// A second message: keep the first as the reason, still show this one.
		d.emit(Event{Kind: EventError, Text: msg})
		return
	}
	d.legacy.buf.flush(d.legacy.lineFn) // output before the error belongs before it
	f := d.bk.failure()                 // the failing vertex, if BuildKit named one
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

	sum := StreamSummary{container: d.legacy.container, StepLog: d.steps.All(), StageImages: d.stages}
	sum.Steps, sum.CachedSteps = d.steps.Counts()
	switch {
	case d.bk.seen:
		sum.Builder = BuilderBuildKit
	case d.legacy.ba.seen:
		sum.Builder = BuilderBuildah
	case d.legacy.seen:
		sum.Builder = BuilderLegacy
	}
	if readErr != nil {
		return sum, readErr
	}
	if d.failure != nil {
		return sum, d.failure
	}
	switch {
	case d.bk.seen || !d.legacy.seen:
		sum.ImageID = d.imageID // BuildKit sends moby.image.id once, at the very end
	case d.legacy.builtID != "":
		// The legacy builder sends an aux ID at the end of every stage; only "Successfully
		// built" says the last one is the image, and not a stream cut short after stage 1.
		sum.ImageID = d.imageID
		if !strings.HasPrefix(strings.TrimPrefix(d.imageID, "sha256:"), d.legacy.builtID) {
			sum.ImageID = d.legacy.builtID
		}
		// The last stage's image is the image: tagged, labelled, not a stage image.
		sum.StageImages = nil
		for _, id := range d.stages {
			if id != d.imageID {
				sum.StageImages = append(sum.StageImages, id)
			}
		}
	}
	if sum.ImageID != "" {
		d.emit(Event{Kind: EventImageID, Text: sum.ImageID})
	}
	return sum, nil
}

// lineBuffer turns chunks of output into lines. Builders send output in arbitrary pieces
// (the legacy builder's "Step 2/5 : RUN …" arrives without its newline), so a line is only
// complete at '\n'. A carriage return inside a line means the program redrew it (a progress
// bar); only the last version is kept. Output is untrusted: each line is sanitized
// (termtext.Sanitize keeps colours and drops every other escape sequence and control
// character), and a Pen carries colour across line breaks, so every line stands alone.
type lineBuffer struct {
	partial []byte
	pen     termtext.Pen
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
			line(b.clean(string(b.partial)))
			b.partial = b.partial[:0]
		} else {
			line(b.clean(chunk[:i]))
		}
		chunk = chunk[i+1:]
	}
}

// flush reports a trailing line that never got its newline.
func (b *lineBuffer) flush(line func(string)) {
	if len(b.partial) > 0 {
		s := b.clean(string(b.partial))
		b.partial = b.partial[:0]
		line(s)
	}
}

// clean drops a trailing "\r", keeps what follows the last inner one, and makes the line safe
// to draw on its own: the legacy builder paints stderr red ("\x1b[91m" … "\x1b[0m", the reset
// landing at the start of the next line), and programs colour their output.
func (b *lineBuffer) clean(s string) string {
	s = strings.TrimSuffix(s, "\r")
	if i := strings.LastIndexByte(s, '\r'); i >= 0 {
		s = s[i+1:]
	}
	return b.pen.Line(termtext.Sanitize(s))
}

// plain is a sanitized line without its colours, for matching the builder's own lines and
// for error messages.
func plain(s string) string {
	if strings.IndexByte(s, 0x1b) < 0 {
		return s
	}
	return termtext.Plain(s)
}

// tail keeps the last few lines of a step's output for a BuildError.
type tail struct {
	lines []string
}

func (t *tail) add(s string) {
	s = plain(s)
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
