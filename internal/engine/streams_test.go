package engine

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// This file makes build streams for the tests: it reads the recorded ones and synthesises
// others, encoding BuildKit's StatusResponse with a minimal protobuf writer.

// readStream reads testdata/<name>.stream, skipping the test when it has not been recorded.
func readStream(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".stream"))
	if err != nil {
		t.Skipf("recorded stream %s missing (go test -run TestRecord -record): %v", name, err)
	}
	return b
}

// recordedStreams lists testdata/*.stream whose name ends with suffix.
func recordedStreams(t testing.TB, suffix string) map[string][]byte {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("testdata", "*"+suffix+".stream"))
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".stream")] = b
	}
	return out
}

// tracePayloads extracts the decoded StatusResponse payloads of a BuildKit stream.
func tracePayloads(t testing.TB, stream []byte) [][]byte {
	t.Helper()
	var out [][]byte
	dec := json.NewDecoder(bytes.NewReader(stream))
	for {
		var m struct {
			ID  string `json:"id"`
			Aux []byte `json:"aux"` // base64 in the stream
		}
		if err := dec.Decode(&m); err != nil {
			break
		}
		if m.ID == idBuildKitTrace {
			out = append(out, m.Aux)
		}
	}
	return out
}

// pb is a tiny protobuf writer for the test streams.
type pb []byte

func (p pb) varint(num int, v uint64) pb {
	p = binary.AppendUvarint(p, uint64(num)<<3|wireVarint)
	return binary.AppendUvarint(p, v)
}

func (p pb) bytes(num int, b []byte) pb {
	p = binary.AppendUvarint(p, uint64(num)<<3|wireBytes)
	p = binary.AppendUvarint(p, uint64(len(b)))
	return append(p, b...)
}

func (p pb) str(num int, s string) pb { return p.bytes(num, []byte(s)) }

func pbTime(t time.Time) pb {
	return pb(nil).varint(1, uint64(t.Unix())).varint(2, uint64(t.Nanosecond()))
}

// vtx describes a Vertex update for traceMsg.
type vtx struct {
	digest, name      string
	cached            bool
	started, complete time.Time
	err               string
}

func (v vtx) encode() pb {
	p := pb(nil).str(1, v.digest).str(3, v.name)
	if v.cached {
		p = p.varint(4, 1)
	}
	if !v.started.IsZero() {
		p = p.bytes(5, pbTime(v.started))
	}
	if !v.complete.IsZero() {
		p = p.bytes(6, pbTime(v.complete))
	}
	if v.err != "" {
		p = p.str(7, v.err)
	}
	return p
}

// vlog is a VertexLog for traceMsg.
type vlog struct{ digest, msg string }

// traceMsg encodes one StatusResponse as the JSON message the daemon sends.
func traceMsg(vs []vtx, logs []vlog) string {
	var p pb
	for _, v := range vs {
		p = p.bytes(1, v.encode())
	}
	for _, l := range logs {
		p = p.bytes(3, pb(nil).str(1, l.digest).varint(3, 1).bytes(4, []byte(l.msg)))
	}
	return traceJSON(p)
}

func traceJSON(payload []byte) string {
	return fmt.Sprintf(`{"id":"moby.buildkit.trace","aux":%q}`+"\n", base64.StdEncoding.EncodeToString(payload))
}

// streamJSON encodes legacy "stream" messages.
func streamJSON(chunks ...string) string {
	var b strings.Builder
	for _, c := range chunks {
		m, _ := json.Marshal(map[string]string{"stream": c})
		b.Write(m)
		b.WriteString("\r\n")
	}
	return b.String()
}

// synthLegacy makes a legacy stream of steps × linesPerStep RUN output lines.
func synthLegacy(steps, linesPerStep int) []byte {
	var b strings.Builder
	for s := 1; s <= steps; s++ {
		b.WriteString(streamJSON(fmt.Sprintf("Step %d/%d : RUN ./generate --step %d", s, steps, s), "\n", " ---> Running in 0123456789ab\n"))
		for i := 0; i < linesPerStep; i++ {
			b.WriteString(streamJSON(fmt.Sprintf("generated line %d of step %d: some typical compiler output here\n", i, s)))
		}
		b.WriteString(streamJSON("Removing intermediate container 0123456789ab\n", " ---> 89abcdef0123\n"))
	}
	b.WriteString(`{"aux":{"ID":"sha256:89abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234567"}}` + "\r\n")
	b.WriteString(streamJSON("Successfully built 89abcdef0123\n", "Successfully tagged docktutor/bench:latest\n"))
	return []byte(b.String())
}

// synthBuildKit makes a BuildKit stream of steps vertices, each with messages trace messages
// of linesPerMsg log lines.
func synthBuildKit(steps, messages, linesPerMsg int) []byte {
	var b strings.Builder
	t0 := time.Unix(1763790000, 0)
	for s := 1; s <= steps; s++ {
		d := fmt.Sprintf("sha256:%064d", s)
		name := fmt.Sprintf("[build %d/%d] RUN ./generate --step %d", s, steps, s)
		b.WriteString(traceMsg([]vtx{{digest: d, name: name, started: t0}}, nil))
		for m := 0; m < messages; m++ {
			var msg strings.Builder
			for i := 0; i < linesPerMsg; i++ {
				fmt.Fprintf(&msg, "generated line %d.%d of step %d: some typical compiler output here\n", m, i, s)
			}
			b.WriteString(traceMsg(nil, []vlog{{d, msg.String()}}))
		}
		b.WriteString(traceMsg([]vtx{{digest: d, name: name, started: t0, complete: t0.Add(time.Second)}}, nil))
	}
	b.WriteString(`{"id":"moby.image.id","aux":{"ID":"sha256:89abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234567"}}` + "\n")
	b.WriteString(streamJSON("Successfully tagged docktutor/bench:latest\n"))
	return []byte(b.String())
}
