package lab_test

import (
	"context"
	"os/exec"
	"strings"
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
				res, err := lab.Run(ctx, eng, s, lab.Options{Builder: engine.BuilderLegacy, Namespace: ns}, lab.Hooks{})
				cancel()
				removeStageImages(t, eng, res)
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

// TestAnotherLearnersTag: on a shared daemon another learner's image already holds the plain
// tag. A learner without DOCKTUTOR_NAMESPACE builds under docktutor/<user>/… instead, and the
// other image keeps its tag; both are measured by ID.
func TestAnotherLearnersTag(t *testing.T) {
	eng, _ := onDaemon(t)
	l := load(t, "strategies:\n  - id: owner\n    title: Owner\n    app: py\n    dockerfile: a.Dockerfile\n    explain: x\n    expect: hello\n",
		map[string]string{"a.Dockerfile": "FROM alpine:3.22\nCOPY hello.py /\nCMD [\"cat\", \"/hello.py\"]\n"})
	s, _ := l.Strategy("owner")
	plain, mine := lab.Tag("", "demo", "owner"), lab.Tag(lab.OwnerNamespace(), "demo", "owner")
	t.Cleanup(func() { exec.Command("docker", "rmi", "-f", plain, mine).Run() })

	theirs := exec.Command("docker", "build", "-q", "-t", plain, "--label", engine.LabelManaged+"=true",
		"--label", engine.LabelOwner+"=someone@elsewhere", "-")
	theirs.Stdin = strings.NewReader("FROM alpine:3.22\nLABEL made-by=someone\n")
	out, err := theirs.Output()
	if err != nil {
		t.Fatalf("the other learner's build: %v", err)
	}
	theirID := strings.TrimSpace(string(out))

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var reported string
	res, err := lab.Run(ctx, eng, s, lab.Options{Builder: engine.BuilderLegacy}, lab.Hooks{Tag: func(tag string) { reported = tag }})
	removeStageImages(t, eng, res)
	if err != nil {
		t.Fatal(err)
	}
	if res.Image != mine || reported != mine {
		t.Errorf("built as %s (reported %s), want %s", res.Image, reported, mine)
	}
	if res.Info.ID != res.ImageID || res.Info.Labels[engine.LabelOwner] != lab.Owner() {
		t.Errorf("measured %s (owner %q), built %s", res.Info.ID, res.Info.Labels[engine.LabelOwner], res.ImageID)
	}
	base, _ := exec.Command("docker", "image", "inspect", "-f", `{{index .Config.Labels "io.docktutor.fixture"}}`, "alpine:3.22").Output()
	if standIn := strings.TrimSpace(string(base)) == "standin"; res.StandIn != standIn {
		t.Errorf("StandIn %v, but alpine:3.22 is a stand-in: %v", res.StandIn, standIn)
	}
	got, err := exec.Command("docker", "image", "inspect", "-f", "{{.Id}}", plain).Output()
	if err != nil || strings.TrimSpace(string(got)) != theirID {
		t.Errorf("the other learner's %s now points at %q (err %v), want their %s", plain, strings.TrimSpace(string(got)), err, theirID)
	}
}
