package lab_test

import (
	"context"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/lab"
)

// TestTwoLearnersOneDaemon: two learners (a workshop server's sessions, each with its own
// namespace) build the same strategies at the same time on one daemon. Both succeed, each gets
// its own tags, and removing one learner's images leaves the other's in place.
func TestTwoLearnersOneDaemon(t *testing.T) {
	eng, course := onDaemon(t)
	l, _ := course.Find("multistage")
	learners := []string{"test-ada", "test-bob"}
	for _, ns := range learners {
		t.Cleanup(func() { removeNamespace(t, ns) })
	}
	results := make([][]lab.Result, len(learners))
	var wg sync.WaitGroup
	for i, ns := range learners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, id := range []string{"python-multistage", "go-distroless"} {
				s, _ := l.Strategy(id)
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
				res, err := lab.Run(ctx, eng, s, lab.Options{Builder: engine.BuilderLegacy, Namespace: ns}, lab.Progress{})
				cancel()
				if err != nil {
					t.Errorf("%s/%s: %v", ns, id, err)
				}
				results[i] = append(results[i], res)
			}
		}()
	}
	wg.Wait()
	for i, ns := range learners {
		for _, r := range results[i] {
			if want := lab.Tag(ns, "multistage", r.Strategy); r.Image != want || !r.Passed {
				t.Errorf("%s: image %s (want %s), passed %v", ns, r.Image, want, r.Passed)
			}
		}
	}
	removeNamespace(t, learners[0])
	for _, r := range results[1] {
		if err := exec.Command("docker", "image", "inspect", r.Image).Run(); err != nil {
			t.Errorf("removing %s's images took %s's %s too", learners[0], learners[1], r.Image)
		}
	}
}
