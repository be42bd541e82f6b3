package classroom

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

// pending is an Acquire running in its own goroutine.
type pending struct {
	learner string
	cancel  context.CancelFunc
	done    chan struct{}
	release func()
	err     error

	mu     sync.Mutex
	places []int
}

// told is every place reported so far.
func (p *pending) told() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.places)
}

// last is the latest place reported, 0 when none was.
func (p *pending) last() int {
	if pl := p.told(); len(pl) > 0 {
		return pl[len(pl)-1]
	}
	return 0
}

// started says whether Acquire has returned.
func (p *pending) started() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// enqueue starts an Acquire for learner that must wait, and returns once it waits.
func enqueue(t *testing.T, s *Scheduler, learner string) *pending {
	t.Helper()
	_, before := s.Load()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	p := &pending{learner: learner, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.release, p.err = s.Acquire(ctx, learner, func(n int) {
			p.mu.Lock()
			p.places = append(p.places, n)
			p.mu.Unlock()
		})
	}()
	eventually(t, "the request of "+learner+" queues", func() bool {
		_, w := s.Load()
		return w == before+1
	})
	return p
}

// eventually waits (a little) for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// wait waits for p's Acquire to return.
func (p *pending) wait(t *testing.T) {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		t.Fatalf("the request of %s never started", p.learner)
	}
}

func acquireNow(t *testing.T, s *Scheduler, learner string) func() {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	release, err := s.Acquire(ctx, learner, func(n int) { t.Errorf("%s told place %d for a free slot", learner, n) })
	if err != nil {
		t.Fatalf("acquire for %s: %v", learner, err)
	}
	return release
}

func checkLoad(t *testing.T, s *Scheduler, running, waiting int) {
	t.Helper()
	if r, w := s.Load(); r != running || w != waiting {
		t.Errorf("Load() = %d running, %d waiting; want %d, %d", r, w, running, waiting)
	}
}

func TestSchedulerFreeSlots(t *testing.T) {
	s := NewScheduler(2)
	checkLoad(t, s, 0, 0)
	r1 := acquireNow(t, s, "ana")
	r2 := acquireNow(t, s, "ana")
	checkLoad(t, s, 2, 0)
	if got := s.Place("ana"); got != 0 {
		t.Errorf("Place(ana) = %d with nothing waiting", got)
	}
	r1()
	r2()
	checkLoad(t, s, 0, 0)
}

// TestSchedulerPlaces follows the places of a queue where ana, who has the only slot, queues
// three more builds and then ben and cai one each.
func TestSchedulerPlaces(t *testing.T) {
	s := NewScheduler(1)
	hold := acquireNow(t, s, "ana")
	a := []*pending{enqueue(t, s, "ana"), enqueue(t, s, "ana"), enqueue(t, s, "ana")}
	for i, p := range a {
		eventually(t, "ana's requests hear their places", func() bool { return p.last() == i+1 })
	}
	if got := s.Place("ana"); got != 1 {
		t.Errorf("Place(ana) = %d, want 1", got)
	}

	// ben never had a slot: his turn comes before ana's second.
	ben := enqueue(t, s, "ben")
	cai := enqueue(t, s, "cai")
	checkLoad(t, s, 1, 5)
	want := map[*pending]int{ben: 1, cai: 2, a[0]: 3, a[1]: 4, a[2]: 5}
	for p, place := range want {
		eventually(t, "the places settle", func() bool { return p.last() == place })
	}
	if got := ben.told(); !slices.Equal(got, []int{1}) {
		t.Errorf("ben was told places %v, want [1]", got)
	}
	for learner, place := range map[string]int{"ana": 3, "ben": 1, "cai": 2, "dan": 0} {
		if got := s.Place(learner); got != place {
			t.Errorf("Place(%s) = %d, want %d", learner, got, place)
		}
	}

	// Each release hands the slot on in turn: ben, cai, then ana's three.
	order := []*pending{ben, cai, a[0], a[1], a[2]}
	release := hold
	for i, p := range order {
		release()
		p.wait(t)
		if p.err != nil {
			t.Fatalf("%s: %v", p.learner, p.err)
		}
		for _, q := range order[i+1:] {
			if q.started() {
				t.Fatalf("%s started before %s", q.learner, p.learner)
			}
		}
		checkLoad(t, s, 1, len(order)-i-1)
		for j, q := range order[i+1:] {
			eventually(t, "those behind move up", func() bool { return q.last() == j+1 })
		}
		release = p.release
	}
	release()
	checkLoad(t, s, 0, 0)
}

// TestSchedulerCancel gives up a wait: the request leaves the queue, those behind move up, and
// the slot it never had is not handed back.
func TestSchedulerCancel(t *testing.T) {
	s := NewScheduler(1)
	hold := acquireNow(t, s, "ana")
	ben := enqueue(t, s, "ben")
	cai := enqueue(t, s, "cai")
	dan := enqueue(t, s, "dan")
	eventually(t, "dan hears 3rd", func() bool { return dan.last() == 3 })

	ben.cancel()
	ben.wait(t)
	if !errors.Is(ben.err, context.Canceled) || ben.release != nil {
		t.Errorf("cancelled wait: release %v, err %v; want nil, context.Canceled", ben.release != nil, ben.err)
	}
	checkLoad(t, s, 1, 2)
	eventually(t, "cai moves up", func() bool { return cai.last() == 1 })
	eventually(t, "dan moves up", func() bool { return dan.last() == 2 })
	if got := s.Place("ben"); got != 0 {
		t.Errorf("Place(ben) = %d after giving up", got)
	}

	hold()
	cai.wait(t)
	checkLoad(t, s, 1, 1)
	cai.release()
	dan.wait(t)
	dan.release()
	checkLoad(t, s, 0, 0)
}

func TestSchedulerCancelledBeforeWaiting(t *testing.T) {
	s := NewScheduler(1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Acquire(ctx, "ana", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Acquire on a cancelled context: %v", err)
	}
	checkLoad(t, s, 0, 0)
}

// TestSchedulerReleaseTwice: a second release must not free a slot someone else now holds.
func TestSchedulerReleaseTwice(t *testing.T) {
	s := NewScheduler(1)
	hold := acquireNow(t, s, "ana")
	ben := enqueue(t, s, "ben")
	cai := enqueue(t, s, "cai")
	hold()
	hold()
	ben.wait(t)
	checkLoad(t, s, 1, 1)
	if cai.started() {
		t.Fatal("a second release handed out a second slot")
	}
	ben.release()
	ben.release()
	cai.wait(t)
	cai.release()
	checkLoad(t, s, 0, 0)
	acquireNow(t, s, "dan")()
}

// TestSchedulerRace hammers the scheduler from many goroutines (go test -race): no more than
// slots run at once, and everything runs in the end.
func TestSchedulerRace(t *testing.T) {
	const slots, learners, each = 3, 8, 20
	s := NewScheduler(slots)
	var mu sync.Mutex
	running, peak, ran := 0, 0, 0
	var wg sync.WaitGroup
	for l := range learners {
		for i := range each {
			wg.Go(func() {
				ctx := context.Background()
				if i%5 == 4 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, time.Duration(i)*10*time.Microsecond)
					defer cancel()
				}
				release, err := s.Acquire(ctx, string(rune('a'+l)), func(int) { _ = s.Place("a") })
				if err != nil {
					return
				}
				mu.Lock()
				running++
				peak = max(peak, running)
				ran++
				mu.Unlock()
				time.Sleep(50 * time.Microsecond)
				mu.Lock()
				running--
				mu.Unlock()
				release()
				release()
			})
		}
	}
	wg.Wait()
	checkLoad(t, s, 0, 0)
	if peak > slots || ran < learners*each*4/5 {
		t.Errorf("peak %d running (slots %d), %d ran", peak, slots, ran)
	}
}
