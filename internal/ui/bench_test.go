//go:build unix

package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/enginefake"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/lessons"
)

// The benchmarks behind issue 6's figures (.ci/perf runs them): how fast build output reaches
// the build pane's model, that its memory stays flat however much a build prints, and what the
// lesson screen's parts cost to draw. They draw with colours, as a learner's terminal does.
//
// The log benchmarks report lines/s twice: per second of wall time, as usual, and per second
// of CPU time the process used (lines/cpu-s, from getrusage, hence unix only). On a machine
// shared with other work the second holds still where the first does not; for a path that
// runs on one core at a time they agree on an idle machine.

// benchW×benchH is the terminal the benchmarks draw for: a laptop at a comfortable font size.
const benchW, benchH = 120, 40

func benchCourse(tb testing.TB) *lesson.Course {
	tb.Helper()
	c, err := lesson.Load(lessons.FS)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// benchModel opens the multistage lesson on a w×h terminal, connected to eng, and runs the
// start-up commands (connection, Glamour) to completion.
func benchModel(tb testing.TB, eng engine.Engine, w, h int) *Model {
	tb.Helper()
	connect := func(context.Context) (engine.Engine, engine.DaemonInfo, error) {
		return eng, engine.DaemonInfo{Endpoint: "unix:///fake.sock", ServerVersion: "fake", APIVersion: "1.41", Default: engine.BuilderLegacy}, nil
	}
	m := New(Options{Course: benchCourse(tb), Lesson: "multistage", Connect: connect, Width: w, Height: h, Dark: true})
	benchRun(tb, m, m.Init())
	benchSend(tb, m, tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

func benchSend(tb testing.TB, m *Model, msg tea.Msg) {
	_, cmd := m.Update(msg)
	benchRun(tb, m, cmd)
}

// benchRun runs commands the way Bubble Tea would, but in this goroutine and in order, feeding
// each message back to Update, until none is left. Spinner ticks are dropped (they would tick
// forever), so a build's messages are handled as fast as the build produces them.
func benchRun(tb testing.TB, m *Model, cmd tea.Cmd) {
	tb.Helper()
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil, spinner.TickMsg:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
}

func benchKey(tb testing.TB, m *Model, k string) {
	benchSend(tb, m, tea.KeyPressMsg{Code: []rune(k)[0], Text: k})
}

// benchBuilding returns a model with a build under way that never ends on its own (the fake
// hangs), so the benchmark can feed the build's messages itself; stop cancels it.
func benchBuilding(b *testing.B) (m *Model, job *buildJob, stop func()) {
	fe := enginefake.New(nil)
	fe.Hang = true
	m = benchModel(b, fe, benchW, benchH)
	// Start the build without reading its messages: the benchmark plays the build's part.
	m.Update(tea.KeyPressMsg{Code: 'b', Text: "b"})
	job = m.lesson.runner.job
	if job == nil {
		b.Fatal("b did not start a build")
	}
	return m, job, func() { m.lesson.cancelBuilds() }
}

// benchLogText makes the i-th line of a chatty build: compiler-like output, one line in 16 with a
// colour sequence and a tab, which take termtext.Sanitize's slow path.
func benchLogText(i int) string {
	if i%16 == 15 {
		return "\x1b[33mwarning:\x1b[0m\tunused variable x in generated file " + strconv.Itoa(i) + ".go"
	}
	return "generated line " + strconv.Itoa(i) + " of step 3: some typical compiler output here"
}

// benchBatch is one buildBatchMsg of n log events, as waitForBuild hands them to Update.
func benchBatch(id, n, from int) buildBatchMsg {
	items := make([]tea.Msg, n)
	for i := range items {
		items[i] = &buildEventMsg{ev: engine.Event{Kind: engine.EventLog, Step: 3, Total: 3, Text: benchLogText(from + i)}}
	}
	return buildBatchMsg{id: id, items: items}
}

// BenchmarkEventsToModel is the event → model half of the log path: engine log events, in
// buildBatchMsgs of the given size, through the root model's Update into the build pane's
// scrollback. waitForBuild batches up to 4096 events; a slow producer makes batches of one.
func BenchmarkEventsToModel(b *testing.B) {
	for _, size := range []int{1, 64, 4096} {
		b.Run("batch="+strconv.Itoa(size), func(b *testing.B) {
			m, job, stop := benchBuilding(b)
			defer stop()
			batches := make([]buildBatchMsg, 16)
			for i := range batches {
				batches[i] = benchBatch(job.id, size, i*size)
			}
			b.ReportAllocs()
			lines, cpu := 0, cpuTime()
			for i := 0; b.Loop(); i++ {
				m.Update(batches[i%len(batches)])
				lines += size
			}
			reportLines(b, lines, cpuTime()-cpu)
			if got := paneLog(m).n; got != min(maxLogLines, lines) {
				b.Fatalf("the build pane holds %d lines after %d, want %d", got, lines, min(maxLogLines, lines))
			}
		})
	}
}

// BenchmarkLogMillionLines feeds 1,000,000 fresh log lines to the build pane and reports the
// live heap before and after: the scrollback is a bounded ring, so the heap must not grow with
// the lines (heap-growth-MB stays near zero, whatever the count).
func BenchmarkLogMillionLines(b *testing.B) {
	const total, size = 1_000_000, 4096
	m, job, stop := benchBuilding(b)
	defer stop()
	feed := func(from, n int) {
		batch := buildBatchMsg{id: job.id, items: make([]tea.Msg, size)}
		events := make([]buildEventMsg, size)
		for done := 0; done < n; {
			k := min(size, n-done)
			for i := 0; i < k; i++ {
				events[i] = buildEventMsg{ev: engine.Event{Kind: engine.EventLog, Step: 3, Total: 3, Text: benchLogText(from + done + i)}}
				batch.items[i] = &events[i]
			}
			batch.items = batch.items[:k]
			m.Update(batch)
			// A real batch is fresh each time; reusing the arrays keeps the benchmark's own
			// garbage out of the heap figures, and the model copies what it keeps.
			events = make([]buildEventMsg, size)
			batch.items = batch.items[:size]
			done += k
		}
	}
	feed(0, maxLogLines) // fill the ring once, so "before" is the steady state
	before := liveHeap()
	b.ReportAllocs()
	lines, cpu := 0, cpuTime()
	for b.Loop() {
		feed(lines, total)
		lines += total
	}
	cpu = cpuTime() - cpu
	after := liveHeap()
	reportLines(b, lines, cpu)
	b.ReportMetric(float64(before)/1e6, "heap-before-MB")
	b.ReportMetric(float64(after)/1e6, "heap-after-MB")
	b.ReportMetric((float64(after)-float64(before))/1e6, "heap-growth-MB")
	if got := paneLog(m).n; got != maxLogLines {
		b.Fatalf("the build pane holds %d lines, want %d", got, maxLogLines)
	}
}

// paneLog is the build pane's scrollback.
func paneLog(m *Model) *buildLog { return &m.lesson.panes[2].(*logPane).log }

// reportLines reports lines/s of wall time and of the process's CPU time.
func reportLines(b *testing.B, lines int, cpu time.Duration) {
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
	if cpu > 0 {
		b.ReportMetric(float64(lines)/cpu.Seconds(), "lines/cpu-s")
	}
}

// cpuTime is the CPU time (user and system) the process has used so far, every goroutine's.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// liveHeap is the heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// streamEngine is the fake engine, except that Build decodes a recorded-shape daemon response
// with the real decoder: pressing b then runs the whole log path of the program — daemon bytes
// → engine.DecodeBuildStream → runJob's channel → waitForBuild's batches → Update.
type streamEngine struct {
	*enginefake.Engine
	stream []byte
}

func (e *streamEngine) Build(_ context.Context, _ engine.BuildRequest, emit func(engine.Event)) (engine.BuildResult, error) {
	sum, err := engine.DecodeBuildStream(bytes.NewReader(e.stream), emit)
	return engine.BuildResult{ImageID: sum.ImageID, Builder: sum.Builder, Steps: sum.Steps, CachedSteps: sum.CachedSteps, StepLog: sum.StepLog}, err
}

// benchLegacyStream is a legacy builder's /build response: steps RUN steps printing lines
// lines each, the shape of internal/engine's synthetic benchmark streams.
func benchLegacyStream(steps, lines int) []byte {
	var buf bytes.Buffer
	msg := func(s string) {
		j, _ := json.Marshal(struct {
			Stream string `json:"stream"`
		}{s})
		buf.Write(j)
		buf.WriteString("\r\n")
	}
	for s := 1; s <= steps; s++ {
		msg(fmt.Sprintf("Step %d/%d : RUN ./generate --step %d", s, steps, s))
		msg("\n")
		msg(" ---> Running in 0123456789ab\n")
		for i := 0; i < lines; i++ {
			msg(benchLogText(i) + "\n")
		}
		msg("Removing intermediate container 0123456789ab\n")
		msg(" ---> 89abcdef0123\n")
	}
	buf.WriteString(`{"aux":{"ID":"sha256:89abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234567"}}` + "\r\n")
	msg("Successfully built 89abcdef0123\n")
	msg("Successfully tagged docktutor/multistage:python-normal\n")
	return buf.Bytes()
}

// BenchmarkStreamToModel is the whole log path, end to end: one op is a build whose daemon
// response carries 100,000 log lines, from the bytes to the build pane's model, with the
// decoder and the model in their own goroutines as in the program.
func BenchmarkStreamToModel(b *testing.B) {
	const steps, lines = 10, 10_000
	eng := &streamEngine{Engine: enginefake.New(nil), stream: benchLegacyStream(steps, lines)}
	m := benchModel(b, eng, benchW, benchH)
	b.SetBytes(int64(len(eng.stream)))
	b.ReportAllocs()
	builds, cpu := 0, cpuTime()
	for b.Loop() {
		benchKey(b, m, "b")
		builds++
	}
	reportLines(b, builds*steps*lines, cpuTime()-cpu)
	if m.lesson.building() || paneLog(m).n != maxLogLines {
		b.Fatalf("after the builds: building %v, %d lines in the pane", m.lesson.building(), paneLog(m).n)
	}
}

// BenchmarkRenderChart draws the size chart of all six strategies in the results pane.
func BenchmarkRenderChart(b *testing.B) {
	bars := []Bar{
		{Label: "python-normal", Value: 1_020_000_000, Family: "python"},
		{Label: "python-multistage", Value: 130_000_000, Family: "python", Note: "-87%"},
		{Label: "python-distroless", Value: 52_800_000, Family: "python", Note: "-95%"},
		{Label: "go-single", Value: 850_000_000, Family: "go"},
		{Label: "go-multistage", Value: 15_400_000, Family: "go", Note: "-98%"},
		{Label: "go-distroless", Value: 9_100_000, Family: "go", Note: "-99%"},
	}
	st := NewStyles(true, false)
	b.ReportAllocs()
	for b.Loop() {
		RenderChart(bars, st, benchW/2-4)
	}
}

// BenchmarkRenderDockerfile draws each strategy's Dockerfile in the strategy pane.
func BenchmarkRenderDockerfile(b *testing.B) {
	l, _ := benchCourse(b).Find("multistage")
	st := NewStyles(true, false)
	for _, s := range l.Strategies {
		b.Run(s.ID, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				RenderDockerfile(s.Dockerfile, st, benchW/2-4)
			}
		})
	}
}

// BenchmarkLessonScreen draws the whole lesson screen at 120×40, as View does every frame
// something changed: just opened, and with all six strategies built and a full build pane.
func BenchmarkLessonScreen(b *testing.B) {
	b.Run("opened", func(b *testing.B) {
		m := benchModel(b, enginefake.New(nil), benchW, benchH)
		benchRender(b, m)
	})
	b.Run("all-built", func(b *testing.B) {
		fe := enginefake.New(nil)
		fe.DefaultOutput = "Hello from hello.py, docktutor!\nGET / -> 200 OK"
		fe.SetLogLines(100)
		m := benchModel(b, fe, benchW, benchH)
		benchKey(b, m, "B")
		if d := m.lesson.data; len(d.results) != len(d.l.Strategies) {
			b.Fatalf("%d results after B, want %d", len(d.results), len(d.l.Strategies))
		}
		benchRender(b, m)
	})
}

func benchRender(b *testing.B, m *Model) {
	if s := m.render(); strings.Count(s, "\n") != benchH-1 {
		b.Fatalf("the screen has %d lines, want %d", strings.Count(s, "\n")+1, benchH)
	}
	b.ReportAllocs()
	for b.Loop() {
		m.render()
	}
}

// BenchmarkLessonText renders the lesson's markdown with Glamour at 60 columns: the work the
// lesson pane's background command does when the lesson opens and on every resize.
func BenchmarkLessonText(b *testing.B) {
	l, _ := benchCourse(b).Find("multistage")
	for _, style := range []string{"dark", "notty"} {
		b.Run(style, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := renderMarkdown(l.Text, style, 60); err != nil {
					b.Fatal("Glamour did not render the lesson")
				}
			}
		})
	}
}
