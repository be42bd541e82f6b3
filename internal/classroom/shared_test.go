package classroom

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/enginefake"
	"github.com/docktutor/docktutor/internal/inside"
)

// recorder is an engine that records the build requests it is given and counts analyses,
// which can be made to take time.
type recorder struct {
	engine.Engine
	analysis time.Duration // how long Contents takes

	mu       sync.Mutex
	builds   []engine.BuildRequest
	analyses int
}

func (r *recorder) Build(ctx context.Context, req engine.BuildRequest, emit func(engine.Event)) (engine.BuildResult, error) {
	r.mu.Lock()
	r.builds = append(r.builds, req)
	r.mu.Unlock()
	return r.Engine.Build(ctx, req, emit)
}

func (r *recorder) Contents(ctx context.Context, ref string) (inside.Report, error) {
	r.mu.Lock()
	r.analyses++
	r.mu.Unlock()
	select {
	case <-ctx.Done():
		return inside.Report{}, ctx.Err()
	case <-time.After(r.analysis):
	}
	return r.Engine.Contents(ctx, ref)
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.analyses
}

// queued is one build started through Shared.For, in its own goroutine.
type queued struct {
	learner, tag string
	done         chan struct{}
	// Set by the build's goroutine, read after done.
	events     []engine.Event
	places     []int // what onPlace was told
	err        error
	start, end time.Time
}

// waits are the texts of the build's "waiting for a build slot" events.
func (q *queued) waits() []string {
	var out []string
	for _, e := range q.events {
		if e.Kind == engine.EventLog && strings.HasPrefix(e.Text, "waiting for a build slot") {
			out = append(out, e.Text)
		}
	}
	return out
}

func startBuild(sh *Shared, learner, tag string) *queued {
	q := &queued{learner: learner, tag: tag, done: make(chan struct{})}
	eng := sh.For(learner, func(p int) { q.places = append(q.places, p) })
	go func() {
		defer close(q.done)
		_, q.err = eng.Build(context.Background(), engine.BuildRequest{Tag: tag}, func(e engine.Event) {
			if e.Kind == engine.EventLog && strings.HasPrefix(e.Text, "building ") {
				q.start = time.Now()
			}
			q.events = append(q.events, e)
		})
		q.end = time.Now()
	}()
	return q
}

// TestSharedFairness: ana queues six builds on a one-slot engine, then ben and cai one each.
// Ben and cai must not wait for more than the build of ana's already running.
func TestSharedFairness(t *testing.T) {
	const buildTime = 150 * time.Millisecond
	fake := enginefake.New(nil)
	sh := NewShared("default", &enginefake.Slow{Engine: fake, Delay: buildTime}, 1, DefaultLimits())
	sched := sh.Scheduler()

	var ana []*queued
	for i := range 6 {
		ana = append(ana, startBuild(sh, "ana", fmt.Sprintf("ana:%d", i+1)))
		eventually(t, "ana's build queues", func() bool { r, w := sched.Load(); return r == 1 && w == i })
	}
	ben := startBuild(sh, "ben", "ben:1")
	eventually(t, "ben's build queues", func() bool { _, w := sched.Load(); return w == 6 })
	cai := startBuild(sh, "cai", "cai:1")
	eventually(t, "cai's build queues", func() bool { _, w := sched.Load(); return w == 7 })
	if got := fake.Builds(); len(got) != 0 {
		t.Fatalf("ana's first build ended before the queue was set up (%v): the machine is too slow for buildTime", got)
	}
	for learner, place := range map[string]int{"ben": 1, "cai": 2, "ana": 3} {
		if got := sched.Place(learner); got != place {
			t.Errorf("Place(%s) = %d, want %d", learner, got, place)
		}
	}

	all := append(slices.Clone(ana), ben, cai)
	for _, q := range all {
		select {
		case <-q.done:
		case <-time.After(20 * buildTime):
			t.Fatalf("%s never finished", q.tag)
		}
		if q.err != nil {
			t.Errorf("%s: %v", q.tag, q.err)
		}
	}

	want := []string{"ana:1", "ben:1", "cai:1", "ana:2", "ana:3", "ana:4", "ana:5", "ana:6"}
	if got := fake.Builds(); !slices.Equal(got, want) {
		t.Errorf("builds ran in the order %v, want %v", got, want)
	}
	// Each started as soon as the one before it ended, within a build's time.
	if d := ben.start.Sub(ana[0].end); d > buildTime {
		t.Errorf("ben started %s after ana's first build ended", d)
	}
	if d := cai.start.Sub(ben.end); d > buildTime {
		t.Errorf("cai started %s after ben's build ended", d)
	}

	if got, want := ben.waits(), []string{"waiting for a build slot: 1st in queue"}; !slices.Equal(got, want) {
		t.Errorf("ben's build pane said %q, want %q", got, want)
	}
	if got, want := cai.waits(), []string{"waiting for a build slot: 2nd in queue", "waiting for a build slot: 1st in queue"}; !slices.Equal(got, want) {
		t.Errorf("cai's build pane said %q, want %q", got, want)
	}
	// ana's second build was 1st until ben and cai came, 3rd after, then moved up.
	a2 := ana[1].waits()
	if !slices.Contains(a2, "waiting for a build slot: 3rd in queue") || len(a2) == 0 || a2[len(a2)-1] != "waiting for a build slot: 1st in queue" {
		t.Errorf("ana's second build said %q", a2)
	}
	if len(ana[0].waits()) != 0 {
		t.Errorf("ana's first build, which had a free slot, said %q", ana[0].waits())
	}
	if got := ben.places; !slices.Equal(got, []int{1, 0}) {
		t.Errorf("ben's onPlace heard %v, want [1 0]", got)
	}
	if got := cai.places; !slices.Equal(got, []int{2, 1, 0}) {
		t.Errorf("cai's onPlace heard %v, want [2 1 0]", got)
	}
	checkLoad(t, sched, 0, 0)
}

func TestSharedRunLimits(t *testing.T) {
	limits := Limits{Memory: 512 << 20, Pids: 256, BuildTimeout: time.Minute, RunTimeout: 20 * time.Second}
	tests := []struct {
		name string
		req  engine.RunRequest
		want engine.RunRequest
	}{
		{"nothing asked", engine.RunRequest{Image: "ana:1"},
			engine.RunRequest{Image: "ana:1", Network: "none", Memory: 512 << 20, PidsLimit: 256, Timeout: 20 * time.Second}},
		{"more asked", engine.RunRequest{Image: "ana:1", Network: "host", Memory: 4 << 30, PidsLimit: 10000, Timeout: time.Hour},
			engine.RunRequest{Image: "ana:1", Network: "none", Memory: 512 << 20, PidsLimit: 256, Timeout: 20 * time.Second}},
		{"less asked", engine.RunRequest{Image: "ana:1", Memory: 64 << 20, PidsLimit: 16, Timeout: time.Second},
			engine.RunRequest{Image: "ana:1", Network: "none", Memory: 64 << 20, PidsLimit: 16, Timeout: time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := enginefake.New(nil)
			sh := NewShared("default", fake, 1, limits)
			if _, err := sh.For("ana", nil).Run(context.Background(), tt.req); err != nil {
				t.Fatal(err)
			}
			if len(fake.Runs) != 1 || fmt.Sprint(fake.Runs[0]) != fmt.Sprint(tt.want) {
				t.Errorf("the engine ran %+v, want %+v", fake.Runs, tt.want)
			}
			checkLoad(t, sh.Scheduler(), 0, 0)
		})
	}
}

func TestSharedBuildLimits(t *testing.T) {
	rec := &recorder{Engine: enginefake.New(nil)}
	sh := NewShared("default", rec, 1, DefaultLimits())
	req := engine.BuildRequest{Tag: "ana:1", Network: "host", Memory: 8 << 30}
	if _, err := sh.For("ana", nil).Build(context.Background(), req, nil); err != nil {
		t.Fatal(err)
	}
	if len(rec.builds) != 1 || rec.builds[0].Network != "none" || rec.builds[0].Memory != 512<<20 || rec.builds[0].Tag != "ana:1" {
		t.Errorf("the engine built %+v", rec.builds)
	}
}

func TestSharedBuildTimeout(t *testing.T) {
	limits := DefaultLimits()
	limits.BuildTimeout = 50 * time.Millisecond
	sh := NewShared("default", &enginefake.Slow{Engine: enginefake.New(nil), Delay: time.Minute}, 1, limits)
	var events []engine.Event
	_, err := sh.For("ana", nil).Build(context.Background(), engine.BuildRequest{Tag: "ana:1"}, func(e engine.Event) { events = append(events, e) })
	const msg = "the build ran past 50ms and was stopped"
	var te *BuildTimeoutError
	if !errors.As(err, &te) || err.Error() != msg {
		t.Fatalf("error %v (%T), want %q", err, err, msg)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Error("the timeout reads as a cancel")
	}
	if last := events[len(events)-1]; last.Kind != engine.EventError || last.Text != msg {
		t.Errorf("last event %+v, want the error", last)
	}
	checkLoad(t, sh.Scheduler(), 0, 0)
	if got := (&BuildTimeoutError{Limit: 10 * time.Minute}).Error(); got != "the build ran past 10m0s and was stopped" {
		t.Errorf("10 minutes read %q", got)
	}

	// A build the learner cancels is a cancel, not a timeout.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := sh.For("ana", nil).Build(ctx, engine.BuildRequest{Tag: "ana:2"}, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled build: %v", err)
	}
}

// TestSharedBuildCancelWhileWaiting: a build given up in the queue never reaches the engine.
func TestSharedBuildCancelWhileWaiting(t *testing.T) {
	rec := &recorder{Engine: enginefake.New(nil)}
	sh := NewShared("default", rec, 1, DefaultLimits())
	hold := acquireNow(t, sh.Scheduler(), "ana")
	var places []int
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := sh.For("ben", func(p int) { places = append(places, p) }).Build(ctx, engine.BuildRequest{Tag: "ben:1"}, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v", err)
	}
	if !slices.Equal(places, []int{1, 0}) {
		t.Errorf("onPlace heard %v, want [1 0]", places)
	}
	hold()
	checkLoad(t, sh.Scheduler(), 0, 0)
	if len(rec.builds) != 0 {
		t.Errorf("the engine built %v", rec.builds)
	}
}

// TestSharedProbe: a probe holds its slot until it is closed, once.
func TestSharedProbe(t *testing.T) {
	fake := enginefake.New(nil)
	sh := NewShared("default", fake, 1, DefaultLimits())
	p, err := sh.For("ana", nil).Probe(context.Background(), "ana:1")
	if err != nil {
		t.Fatal(err)
	}
	checkLoad(t, sh.Scheduler(), 1, 0)
	ben := enqueue(t, sh.Scheduler(), "ben")
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	ben.wait(t)
	_ = p.Close()
	checkLoad(t, sh.Scheduler(), 1, 0)
	ben.release()
	checkLoad(t, sh.Scheduler(), 0, 0)
	if fake.OpenProbes != 0 {
		t.Errorf("%d probes left open", fake.OpenProbes)
	}
}

// layered is a fake whose images ana:1 and ben:1 hold the same layers (they differ only in
// labels), and cai:1 others.
func layered() *enginefake.Engine {
	fake := enginefake.New(nil)
	same := []engine.LayerContents{{DiffID: "sha256:base"}, {DiffID: "sha256:app"}}
	fake.LayerLists = map[string][]engine.LayerContents{
		"ana:1": same,
		"ben:1": same,
		"cai:1": {{DiffID: "sha256:base"}, {DiffID: "sha256:other-app"}},
	}
	return fake
}

func TestSharedContentsCache(t *testing.T) {
	rec := &recorder{Engine: layered()}
	sh := NewShared("default", rec, 1, DefaultLimits())
	ctx := context.Background()

	a, err := sh.For("ana", nil).Contents(ctx, "ana:1")
	if err != nil {
		t.Fatal(err)
	}
	b, err := sh.For("ben", nil).Contents(ctx, "ben:1")
	if err != nil {
		t.Fatal(err)
	}
	if n := rec.count(); n != 1 {
		t.Errorf("%d analyses of two images with the same layers, want 1", n)
	}
	if a.Bytes != b.Bytes || a.Files != b.Files || a.Files == 0 {
		t.Errorf("reports differ: %+v, %+v", a, b)
	}
	if _, err := sh.For("cai", nil).Contents(ctx, "cai:1"); err != nil {
		t.Fatal(err)
	}
	if n := rec.count(); n != 2 {
		t.Errorf("%d analyses after an image with other layers, want 2", n)
	}

	// A hit needs no slot; a miss waits for one.
	release := acquireNow(t, sh.Scheduler(), "teacher")
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := sh.For("ben", nil).Contents(short, "ana:1"); err != nil {
		t.Errorf("a kept analysis waited for a slot: %v", err)
	}
	if _, err := sh.For("dan", nil).Contents(short, "dan:1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a new analysis did not wait for the slot: %v", err)
	}
	release()
}

func TestSharedContentsErrorNotKept(t *testing.T) {
	fake := layered()
	rec := &recorder{Engine: fake}
	sh := NewShared("default", rec, 1, DefaultLimits())
	ctx := context.Background()
	fake.SetFailures(errors.New("export failed"), nil)
	if _, err := sh.For("ana", nil).Contents(ctx, "ana:1"); err == nil || err.Error() != "export failed" {
		t.Fatalf("error %v", err)
	}
	fake.SetFailures(nil, nil)
	if _, err := sh.For("ben", nil).Contents(ctx, "ben:1"); err != nil {
		t.Fatalf("the failure was kept: %v", err)
	}
	if n := rec.count(); n != 2 {
		t.Errorf("%d analyses, want 2: one failed, one after it", n)
	}
	checkLoad(t, sh.Scheduler(), 0, 0)
}

// TestSharedContentsTogether: a class asking at once for images of the same layers waits for
// one analysis.
func TestSharedContentsTogether(t *testing.T) {
	rec := &recorder{Engine: layered(), analysis: 100 * time.Millisecond}
	sh := NewShared("default", rec, 2, DefaultLimits())
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		ref := []string{"ana:1", "ben:1"}[i%2]
		wg.Go(func() {
			_, err := sh.For(fmt.Sprint("learner", i), nil).Contents(context.Background(), ref)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := rec.count(); n != 1 {
		t.Errorf("%d analyses, want 1", n)
	}
}

// TestSharedContentsLeaderGivesUp: when the learner whose analysis others wait on gives up,
// one of the others analyses instead of taking a cancel that is not theirs.
func TestSharedContentsLeaderGivesUp(t *testing.T) {
	rec := &recorder{Engine: layered(), analysis: 200 * time.Millisecond}
	sh := NewShared("default", rec, 1, DefaultLimits())
	ctx, cancel := context.WithCancel(context.Background())
	leader := make(chan error, 1)
	go func() {
		_, err := sh.For("ana", nil).Contents(ctx, "ana:1")
		leader <- err
	}()
	eventually(t, "ana's analysis starts", func() bool { return rec.count() == 1 })
	follower := make(chan error, 1)
	go func() {
		_, err := sh.For("ben", nil).Contents(context.Background(), "ben:1")
		follower <- err
	}()
	time.Sleep(20 * time.Millisecond) // ben is waiting on ana's analysis
	cancel()
	if err := <-leader; !errors.Is(err, context.Canceled) {
		t.Errorf("ana: %v", err)
	}
	if err := <-follower; err != nil {
		t.Errorf("ben took ana's cancel: %v", err)
	}
	if n := rec.count(); n != 2 {
		t.Errorf("%d analyses, want 2", n)
	}
}

func TestSharedContentsBounded(t *testing.T) {
	fake := enginefake.New(nil)
	fake.LayerLists = map[string][]engine.LayerContents{}
	for i := range analysesKept + 1 {
		fake.LayerLists[fmt.Sprint("img:", i)] = []engine.LayerContents{{DiffID: fmt.Sprint("sha256:", i)}}
	}
	rec := &recorder{Engine: fake}
	sh := NewShared("default", rec, 1, DefaultLimits())
	eng := sh.For("ana", nil)
	ctx := context.Background()
	for i := range analysesKept + 1 {
		if i == analysesKept {
			// img:1 used again: img:0 is now the least recently used.
			if _, err := eng.Contents(ctx, "img:1"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := eng.Contents(ctx, fmt.Sprint("img:", i)); err != nil {
			t.Fatal(err)
		}
	}
	n := rec.count()
	if n != analysesKept+1 {
		t.Fatalf("%d analyses of %d images", n, analysesKept+1)
	}
	for _, ref := range []string{"img:1", "img:2", "img:0"} {
		if _, err := eng.Contents(ctx, ref); err != nil {
			t.Fatal(err)
		}
	}
	if got := rec.count() - n; got != 1 {
		t.Errorf("%d analyses redone, want 1 (img:0, dropped)", got)
	}
	if len(sh.analyses) != analysesKept || len(sh.order) != analysesKept {
		t.Errorf("%d analyses kept (%d in order), want %d", len(sh.analyses), len(sh.order), analysesKept)
	}
}

func TestSharedPassThrough(t *testing.T) {
	fake := enginefake.New(map[string]int64{"ana:1": 42})
	sh := NewShared("room-engine", fake, 1, DefaultLimits())
	hold := acquireNow(t, sh.Scheduler(), "teacher")
	defer hold()
	eng := sh.For("ana", nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if info, err := eng.Inspect(ctx, "ana:1"); err != nil || info.Size != 42 {
		t.Errorf("Inspect: %+v, %v", info, err)
	}
	if info, err := eng.Info(ctx); err != nil || info.ServerVersion != "fake" {
		t.Errorf("Info: %+v, %v", info, err)
	}
	if sh.Name() != "room-engine" {
		t.Errorf("Name() = %q", sh.Name())
	}
}
