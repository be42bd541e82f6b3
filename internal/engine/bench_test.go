package engine

import (
	"bytes"
	"errors"
	"testing"
)

// The decoders must keep up with a chatty build: the target is 200,000 log lines a second.
// Each benchmark reports lines/s next to ns/op.

func BenchmarkDecodeLegacy(b *testing.B) {
	const steps, lines = 10, 10_000 // 100,000 log lines, one message each
	benchDecode(b, synthLegacy(steps, lines), steps*lines)
}

func BenchmarkDecodeBuildKit(b *testing.B) {
	// 100,000 log lines in messages of 10 lines, as BuildKit batches a chatty RUN.
	const steps, messages, perMessage = 10, 1_000, 10
	benchDecode(b, synthBuildKit(steps, messages, perMessage), steps*messages*perMessage)
}

// BenchmarkDecodeBuildKitLineByLine is BuildKit's worst case: one trace message per line.
func BenchmarkDecodeBuildKitLineByLine(b *testing.B) {
	const steps, messages = 10, 10_000
	benchDecode(b, synthBuildKit(steps, messages, 1), steps*messages)
}

// BenchmarkDecodeRecorded runs over the recorded streams, for a sense of real messages.
func BenchmarkDecodeRecorded(b *testing.B) {
	for name, s := range recordedStreams(b, "") {
		b.Run(name, func(b *testing.B) { benchDecode(b, s, 0) })
	}
}

func benchDecode(b *testing.B, data []byte, lines int) {
	b.Helper()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	n, logged := 0, 0
	emit := func(e Event) {
		if e.Kind == EventLog {
			logged++
		}
	}
	for b.Loop() {
		logged = 0
		if _, err := DecodeBuildStream(bytes.NewReader(data), emit); err != nil && !errors.As(err, new(*BuildError)) {
			b.Fatal(err) // a recorded failing build is fine, a broken stream is not
		}
		n++
	}
	if lines > 0 {
		if logged != lines {
			b.Fatalf("decoded %d log lines, want %d", logged, lines)
		}
		b.ReportMetric(float64(lines*n)/b.Elapsed().Seconds(), "lines/s")
	}
}
