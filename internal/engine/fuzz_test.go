package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/docktutor/docktutor/internal/termtext"
)

// chunkSep separates the chunks (legacy) or payloads (BuildKit) packed into one fuzz input.
var chunkSep = []byte{0, 0xff, 0}

// FuzzDecodeLegacy feeds the decoder the recorded legacy and buildah streams, mutated, twice: as raw bytes
// (exercising the JSON framing) and as their "stream" texts re-wrapped in valid JSON, so that
// mutations reach the line buffering and the step parsing instead of dying as syntax errors.
func FuzzDecodeLegacy(f *testing.F) {
	for _, suffix := range []string{"-legacy", "-buildah"} {
		for _, s := range recordedStreams(f, suffix) {
			f.Add(s)
			f.Add(bytes.Join(streamChunks(s), chunkSep))
		}
	}
	f.Add(synthLegacy(2, 3))
	f.Add([]byte("Step 1/2 : RUN x\x00\xff\x00\n ---> Using cache\nout\rover\nStep 2/2 : COPY"))
	f.Add([]byte(`{"id":"moby.buildkit.trace","aux":"}`)) // opening and ending overlap
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, data)
		var stream strings.Builder
		for _, c := range bytes.Split(data, chunkSep) {
			m, _ := json.Marshal(map[string]string{"stream": string(c)})
			stream.Write(m)
		}
		checkDecode(t, []byte(stream.String()))
	})
}

// FuzzDecodeBuildKit mutates the StatusResponse payloads of the recorded BuildKit streams (all
// of one stream packed into one input), so the mutations exercise the hand-written protobuf
// decoder and the vertex bookkeeping rather than base64.
func FuzzDecodeBuildKit(f *testing.F) {
	for _, s := range recordedStreams(f, "-buildkit") {
		f.Add(bytes.Join(tracePayloads(f, s), chunkSep))
	}
	f.Add(bytes.Join(tracePayloads(f, synthBuildKit(2, 2, 3)), chunkSep))
	f.Fuzz(func(t *testing.T, data []byte) {
		var stream strings.Builder
		for _, p := range bytes.Split(data, chunkSep) {
			stream.WriteString(traceJSON(p))
		}
		checkDecode(t, []byte(stream.String()))
	})
}

// FuzzUnquoteJSON checks the fast path's string decoding against encoding/json.
func FuzzUnquoteJSON(f *testing.F) {
	for _, s := range []string{"plain", `a\nb`, `\u003e \"q\" \\ \/`, `\ud83d\ude00`, `\ud83d`, `\x`, `a"b`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, inner []byte) {
		got, ok := unquoteJSON(inner)
		var want string
		err := json.Unmarshal(append(append([]byte{'"'}, inner...), '"'), &want)
		if !ok {
			return // refused: encoding/json decides instead
		}
		if err != nil {
			// encoding/json is stricter about raw control characters and invalid UTF-8, which
			// no daemon sends; the fast path passes them through.
			return
		}
		if utf8.Valid(inner) && got != want {
			t.Fatalf("unquoteJSON(%q) = %q, encoding/json says %q", inner, got, want)
		}
	})
}

// checkDecode decodes a stream and checks what must hold whatever the input.
func checkDecode(t *testing.T, data []byte) {
	t.Helper()
	var events []Event
	sum, err := DecodeBuildStream(bytes.NewReader(data), collect(&events))

	started := map[int]int{}
	done := map[int]int{}
	var cached, errorsSeen, images int
	for i, e := range events {
		if e.Step < 0 || e.Total < 0 || e.StageStep < 0 || e.StageTotal < 0 {
			t.Fatalf("event %d has a negative counter: %+v", i, e)
		}
		switch e.Kind {
		case EventStepStarted:
			started[e.Step]++
		case EventStepDone:
			done[e.Step]++
		case EventCacheHit:
			if !e.Internal {
				cached++
			}
		case EventLog:
			if !standsAlone(e.Text) {
				t.Fatalf("log line unsafe to draw, broken or leaving a colour open: %q", e.Text)
			}
		case EventError:
			if strings.IndexByte(e.Text, 0x1b) >= 0 || termtext.Unsafe(e.Text) != "" {
				t.Fatalf("error text unsafe to print: %q", e.Text)
			}
			errorsSeen++
		case EventImageID:
			images++
			if i != len(events)-1 {
				t.Fatalf("image event is not the last: %+v", events[i+1:])
			}
		default:
			t.Fatalf("unknown event kind %d", e.Kind)
		}
	}
	if sum.CachedSteps > sum.Steps || sum.CachedSteps != cached {
		t.Fatalf("summary %+v with %d cache-hit events", sum, cached)
	}
	if sum.Builder == BuilderBuildKit {
		// Every vertex transition is reported once.
		for step, n := range started {
			if n > 1 || done[step] > 1 {
				t.Fatalf("step %d started %d times, done %d times", step, n, done[step])
			}
		}
	}
	if images > 1 || (images == 1) != (err == nil && sum.ImageID != "") {
		t.Fatalf("%d image events, summary %+v, err %v", images, sum, err)
	}
	var be *BuildError
	if errors.As(err, &be) && errorsSeen == 0 {
		t.Fatalf("build error %v without an EventError", err)
	}
}

// streamChunks extracts the "stream" texts of a legacy stream.
func streamChunks(stream []byte) [][]byte {
	var out [][]byte
	dec := json.NewDecoder(bytes.NewReader(stream))
	for {
		var m struct {
			Stream string `json:"stream"`
		}
		if dec.Decode(&m) != nil {
			return out
		}
		if m.Stream != "" {
			out = append(out, []byte(m.Stream))
		}
	}
}
