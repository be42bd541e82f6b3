// Package classroom serves the tutorial to a room over SSH: one Bubble Tea program per learner,
// each with their own identity, image namespace, stores and engine; a fair queue in front of
// every shared engine; and the instructor's dashboard over all of them.
package classroom

import (
	"slices"
	"sync"
	"time"
)

// Learner is what the room knows of one learner, as the dashboard and the class report show it.
// It is a copy: changing it changes nothing in the room.
type Learner struct {
	Fingerprint string // SHA256 fingerprint of their public key: who they are
	Name        string // the key's comment, sanitised; unique in the room
	Engine      string // the engine they build on (a docker context name)
	Connected   bool   // a session of theirs is open now
	// Where is the screen they are on, as a person reads it: "menu", "lesson multistage",
	// "exercise ship-thin-go · 2/4 goals".
	Where string
	// LastBuild is their last build's outcome; zero At when they have built nothing yet.
	LastBuild BuildMark
	// QueuePlace is their place in the engine's build queue: 0 when nothing of theirs waits.
	QueuePlace int
	LastInput  time.Time // their last keypress; idle time is now minus this
	Hand       bool      // their hand is raised (h)
}

// BuildMark is the outcome of one build.
type BuildMark struct {
	OK bool
	At time.Time
}

// Room is every learner who has come to this class, connected or not.
type Room struct {
	mu       sync.Mutex
	learners map[string]*learnerState // by fingerprint
	changed  chan struct{}            // closed and replaced on every change (see Changed)
}

type learnerState struct {
	Learner
	frame    string // the last frame of their screen, for an instructor who follows them
	sessions int    // their sessions open now: a learner may have two terminals
}

// NewRoom returns an empty room.
func NewRoom() *Room {
	return &Room{learners: map[string]*learnerState{}, changed: make(chan struct{})}
}

// Snapshot is every learner, by name.
func (r *Room) Snapshot() []Learner {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Learner, 0, len(r.learners))
	for _, l := range r.learners {
		out = append(out, l.Learner)
	}
	slices.SortFunc(out, func(a, b Learner) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return out
}

// Frame is the last frame drawn on the learner's screen; "" when none was.
func (r *Room) Frame(fingerprint string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if l, ok := r.learners[fingerprint]; ok {
		return l.frame
	}
	return ""
}

// Changed is closed at the next change to the room; a watcher waits on it and asks again.
func (r *Room) Changed() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.changed
}

// update applies op to the learner with this fingerprint, adding them when new.
func (r *Room) update(fingerprint string, op func(*learnerState)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	l, ok := r.learners[fingerprint]
	if !ok {
		l = &learnerState{Learner: Learner{Fingerprint: fingerprint, Name: fingerprint}}
		r.learners[fingerprint] = l
	}
	op(l)
	close(r.changed)
	r.changed = make(chan struct{})
}

// touched records a learner's keypress at now. The dashboard's idle column moves by the second,
// so the room changes (and wakes its watchers) at most once a second for it.
func (r *Room) touched(fingerprint string, now time.Time) {
	r.mu.Lock()
	l, ok := r.learners[fingerprint]
	stale := ok && now.Sub(l.LastInput) >= time.Second
	r.mu.Unlock()
	if stale {
		r.update(fingerprint, func(l *learnerState) { l.LastInput = now })
	}
}
