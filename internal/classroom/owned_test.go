package classroom

import (
	"context"
	"errors"
	"testing"
	"testing/fstest"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/enginefake"
)

// A learner's engine refuses another learner's images, whichever way they are named, and labels
// what it builds and runs as the learner's.
func TestALearnerCannotTouchAnothersImages(t *testing.T) {
	rec := &recordingEngine{Engine: enginefake.New(nil)}
	ada := owned{Engine: rec, owner: OwnerLabel("SHA256:ada"), namespace: "ada"}
	ctx := context.Background()
	build := func(dockerfile string) error {
		ctxFS := fstest.MapFS{"Dockerfile": {Data: []byte(dockerfile)}, "hello.py": {Data: []byte("print(1)\n")}}
		_, err := ada.Build(ctx, engine.BuildRequest{Context: ctxFS, Tag: "docktutor/ada/exercise:x", Labels: map[string]string{engine.LabelOwner: "root@host"}}, func(engine.Event) {})
		return err
	}
	var notYours errNotYours
	for name, df := range map[string]string{
		"FROM":             "FROM docktutor/linus/normal:python\n",
		"FROM docker.io":   "FROM docker.io/docktutor/linus/normal:python\n",
		"COPY --from":      "FROM python:3.13\nCOPY --from=docktutor/linus/multistage:go-multistage /out/webapp /webapp\n",
		"RUN --mount=from": "FROM python:3.13\nRUN --mount=type=bind,from=docktutor/linus/normal:python,target=/x true\n",
		"a later stage":    "FROM python:3.13 AS a\nFROM docktutor/linus/normal:python\n",
	} {
		if err := build(df); !errors.As(err, &notYours) {
			t.Errorf("%s: a Dockerfile reading another learner's image built (err %v)", name, err)
		}
	}
	if err := build("FROM python:3.13 AS build\nFROM build\nCOPY --from=build /x /x\nCOPY --from=docktutor/ada/normal:python /y /y\n"); err != nil {
		t.Errorf("a Dockerfile reading the bases and the learner's own image: %v", err)
	}
	if _, err := ada.Build(ctx, engine.BuildRequest{Tag: "docktutor/linus/normal:python"}, func(engine.Event) {}); !errors.As(err, &notYours) {
		t.Errorf("building under another learner's tag: %v", err)
	}
	for _, ref := range []string{"docktutor/linus/normal:python", "docker.io/docktutor/linus/normal:python"} {
		if _, err := ada.Inspect(ctx, ref); !errors.As(err, &notYours) {
			t.Errorf("Inspect %s: %v", ref, err)
		}
		if _, err := ada.Contents(ctx, ref); !errors.As(err, &notYours) {
			t.Errorf("Contents %s: %v", ref, err)
		}
		if _, err := ada.Probe(ctx, ref); !errors.As(err, &notYours) {
			t.Errorf("Probe %s: %v", ref, err)
		}
		if _, err := ada.Run(ctx, engine.RunRequest{Image: ref}); !errors.As(err, &notYours) {
			t.Errorf("Run %s: %v", ref, err)
		}
	}
	builds := rec.builds()
	if len(builds) != 1 {
		t.Fatalf("%d builds reached the daemon, want only the allowed one", len(builds))
	}
	if got := builds[0].Labels[engine.LabelOwner]; got != OwnerLabel("SHA256:ada") {
		t.Errorf("the build's owner label is %q", got)
	}
	if _, err := ada.Run(ctx, engine.RunRequest{Image: "docktutor/ada/exercise:x"}); err != nil {
		t.Fatal(err)
	}
	if runs := rec.Engine.Runs; len(runs) != 1 || runs[0].Labels[engine.LabelOwner] != OwnerLabel("SHA256:ada") {
		t.Errorf("the run's labels: %+v", runs)
	}
}

// The images a learner lists (the qa lesson's evidence counts them) are their own only.
func TestALearnerListsTheirOwnImages(t *testing.T) {
	fake := enginefake.New(nil)
	ada := owned{Engine: fake, owner: OwnerLabel("SHA256:ada"), namespace: "ada", base: fake}
	linus := owned{Engine: fake, owner: OwnerLabel("SHA256:linus"), namespace: "linus", base: fake}
	ctx := context.Background()
	for _, b := range []struct {
		eng owned
		tag string
	}{{ada, "docktutor/ada/qa:shipped"}, {linus, "docktutor/linus/qa:shipped"}, {linus, "docktutor/linus/qa:fat"}} {
		if _, err := b.eng.Build(ctx, engine.BuildRequest{Tag: b.tag}, func(engine.Event) {}); err != nil {
			t.Fatal(err)
		}
	}
	m, err := ada.ListManaged(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Images) != 1 || m.Images[0].Tags[0] != "docktutor/ada/qa:shipped" {
		t.Errorf("ada lists %+v, want her one image", m.Images)
	}
	var notYours errNotYours
	if err := ada.Remove(ctx, "docktutor/linus/qa:fat"); !errors.As(err, &notYours) {
		t.Errorf("ada removing linus's image: %v", err)
	}
}

// sweepLister is a daemon's containers, and what Sweeper removed of them.
type sweepLister struct {
	managed engine.Managed
	removed []string
}

func (l *sweepLister) ListManaged(context.Context) (engine.Managed, error) { return l.managed, nil }
func (l *sweepLister) RemoveContainer(_ context.Context, id string) error {
	l.removed = append(l.removed, id)
	return nil
}

// The end of a class sweeps its own learners' containers, and not another class's on the same
// daemon, the host user's, or a learner's own container started from docktutor's image.
func TestTheSweepTakesOnlyThisClasssContainers(t *testing.T) {
	managed := func(owner string) map[string]string {
		return map[string]string{engine.LabelManaged: "true", engine.LabelOwner: owner}
	}
	l := &sweepLister{managed: engine.Managed{Containers: []engine.ManagedContainer{
		{ID: "ours", Name: "/docktutor-run-1", Labels: managed(OwnerLabel("SHA256:ada"))},
		{ID: "other-class", Name: "/docktutor-run-2", Labels: managed(OwnerLabel("SHA256:zoe"))},
		{ID: "host-user", Name: "/docktutor-run-3", Labels: managed("root@host")},
		{ID: "their-own", Name: "/my-play", Labels: managed(OwnerLabel("SHA256:ada"))},
	}}}
	n, err := Sweeper(l)(context.Background(), func(owner string) bool { return owner == OwnerLabel("SHA256:ada") })
	if err != nil || n != 1 || len(l.removed) != 1 || l.removed[0] != "ours" {
		t.Errorf("swept %d (%v): %v; want only ours", n, err, l.removed)
	}
}
