package classroom

import (
	"context"
	"slices"
	"sync"
)

// Scheduler hands out an engine's build slots to the room's learners in turn, so that one
// learner who queues six builds cannot keep the others waiting behind all six.
//
// The turn order is least recently served first: when a slot frees, it goes to the first waiting
// request of the learner whose last slot was handed out longest ago (a learner never served
// comes first, in order of arrival). A slot taken at once counts as a turn too. Within one
// learner, requests are served in the order they were made.
type Scheduler struct {
	mu       sync.Mutex
	slots    int
	running  int
	waiting  int
	seq      uint64            // counts arrivals and handouts: the clock of the turn order
	learners map[string]*turns // kept for the life of the room, so that turns are remembered
}

// turns is one learner's standing in the turn order and their waiting requests.
type turns struct {
	served  uint64 // seq of their last slot; 0 when they never had one
	arrived uint64 // seq of their first request, which breaks ties between the never served
	queue   []*waiter
}

// waiter is one request waiting for a slot. Its fields are guarded by Scheduler.mu.
type waiter struct {
	learner string
	place   int           // 1-based place in the order slots would be handed out
	granted bool          // a slot is this request's; ready is closed
	ready   chan struct{} // closed when granted
	moved   chan struct{} // a place changed; buffered by one, so changes coalesce
}

// NewScheduler returns a scheduler of slots build slots (at least one).
func NewScheduler(slots int) *Scheduler {
	return &Scheduler{slots: max(slots, 1), learners: map[string]*turns{}}
}

// Acquire waits for one of the slots for learner and returns the function that gives it back;
// release may be called more than once, only the first call counts.
//
// When no slot is free, the request queues: place is called with its 1-based place in the queue
// at once and again whenever the place changes, always from Acquire's own goroutine (so a
// caller may do there what it may do where it called Acquire, such as emit build events) and
// never while the scheduler's lock is held. A place that is already out of date when the call
// would be made is skipped: the caller hears the latest. place is not called at all when a slot
// is free at once, and may be nil.
//
// Cancelling ctx gives up the wait, and Acquire returns ctx.Err(); those behind move up.
func (s *Scheduler) Acquire(ctx context.Context, learner string, place func(int)) (release func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	t := s.learners[learner]
	if t == nil {
		s.seq++
		t = &turns{arrived: s.seq}
		s.learners[learner] = t
	}
	if s.running < s.slots && s.waiting == 0 {
		s.running++
		s.seq++
		t.served = s.seq
		s.mu.Unlock()
		return s.releaser(), nil
	}
	w := &waiter{learner: learner, ready: make(chan struct{}), moved: make(chan struct{}, 1)}
	t.queue = append(t.queue, w)
	s.waiting++
	s.reorder()
	told := w.place
	s.mu.Unlock()
	if place != nil {
		place(told)
	}

	for {
		select {
		case <-w.ready:
			return s.releaser(), nil
		case <-w.moved:
			s.mu.Lock()
			now, granted := w.place, w.granted
			s.mu.Unlock()
			if !granted && now != told && place != nil {
				place(now)
			}
			told = now
		case <-ctx.Done():
			s.mu.Lock()
			if w.granted {
				// Granted as the wait was given up: the slot goes straight back.
				s.mu.Unlock()
				s.releaser()()
				return nil, ctx.Err()
			}
			t.queue = slices.DeleteFunc(t.queue, func(q *waiter) bool { return q == w })
			s.waiting--
			s.reorder()
			s.mu.Unlock()
			return nil, ctx.Err()
		}
	}
}

// releaser returns the idempotent release of one running slot.
func (s *Scheduler) releaser() func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.running--
			s.handOut()
		})
	}
}

// handOut gives free slots to waiting requests, in turn order. s.mu is held.
func (s *Scheduler) handOut() {
	if s.waiting == 0 {
		return
	}
	for s.running < s.slots && s.waiting > 0 {
		t := s.next()
		w := t.queue[0]
		t.queue = t.queue[1:]
		s.waiting--
		s.running++
		s.seq++
		t.served = s.seq
		w.granted, w.place = true, 0
		close(w.ready)
	}
	s.reorder()
}

// next is the learner whose turn comes next among those with waiting requests. s.mu is held
// and something waits.
func (s *Scheduler) next() *turns {
	var best *turns
	for _, t := range s.learners {
		if len(t.queue) == 0 {
			continue
		}
		if best == nil || before(t, best) {
			best = t
		}
	}
	return best
}

// before says whether a's turn comes before b's.
func before(a, b *turns) bool {
	if a.served != b.served {
		return a.served < b.served
	}
	return a.arrived < b.arrived
}

// reorder works out every waiting request's place by playing the handouts forward (each
// learner served goes to the back of the turn order) and tells those whose place changed.
// s.mu is held.
func (s *Scheduler) reorder() {
	if s.waiting == 0 {
		return
	}
	// Learners with waiting requests, in turn order; each round serves one request of each
	// learner who still has one, in that order, since everyone served goes to the back.
	var order []*turns
	for _, t := range s.learners {
		if len(t.queue) > 0 {
			order = append(order, t)
		}
	}
	slices.SortFunc(order, func(a, b *turns) int {
		if before(a, b) {
			return -1
		}
		return 1
	})
	place := 0
	for round := 0; place < s.waiting; round++ {
		for _, t := range order {
			if round >= len(t.queue) {
				continue
			}
			place++
			if w := t.queue[round]; w.place != place {
				w.place = place
				select {
				case w.moved <- struct{}{}:
				default: // a change not yet read; the reader takes the latest place
				}
			}
		}
	}
}

// Place is the place in the queue of learner's first waiting request; 0 when none waits.
func (s *Scheduler) Place(learner string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.learners[learner]; t != nil && len(t.queue) > 0 {
		return t.queue[0].place
	}
	return 0
}

// Load counts the slots in use and the requests waiting for one.
func (s *Scheduler) Load() (running, waiting int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running, s.waiting
}
