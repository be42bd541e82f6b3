package lab_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/enginefake"
	"github.com/docktutor/docktutor/internal/lab"
)

const mountYAML = "strategies:\n  - id: cache-mount\n    title: Cache mount\n    app: py\n    dockerfile: mount.Dockerfile\n    explain: x\n    expect: hello\n"

// mountDockerfile keeps a cache between builds with RUN --mount, which only BuildKit knows.
const mountDockerfile = "FROM alpine:3.22\nWORKDIR /app\nCOPY hello.py .\n" +
	"RUN --mount=type=cache,target=/var/cache/demo echo cached > /var/cache/demo/x && cat /var/cache/demo/x\n" +
	"CMD [\"cat\", \"hello.py\"]\n"

// TestBuildKitOnlyStrategy: a strategy with RUN --mount is built with BuildKit when the
// builder is left to docktutor and the daemon runs it; on the legacy builder it fails with an
// explanation, which says what to do for the case at hand.
func TestBuildKitOnlyStrategy(t *testing.T) {
	s := load(t, mountYAML, map[string]string{"mount.Dockerfile": mountDockerfile}).Strategies[0]
	tag := lab.Tag("", "demo", "cache-mount")
	const rejected = "the --mount option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled"
	for _, tt := range []struct {
		name      string
		asked     engine.Builder
		available bool
		built     engine.Builder // "" when the build must fail
		says      string
	}{
		{"auto on a daemon that runs BuildKit", engine.BuilderAuto, true, engine.BuilderBuildKit, ""},
		{"buildkit asked for", engine.BuilderBuildKit, true, engine.BuilderBuildKit, ""},
		{"legacy asked for", engine.BuilderLegacy, true, "", "You chose the legacy builder: build this strategy with --builder buildkit"},
		{"auto on a daemon without BuildKit", engine.BuilderAuto, false, "", "This daemon offers no BuildKit"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fe := enginefake.New(nil)
			fe.DefaultOutput = "hello"
			fe.DaemonInfo.BuildKitAvailable = tt.available
			if tt.built == "" {
				fe.Fail = map[string]string{tag: rejected}
			}
			res, err := lab.Run(context.Background(), fe, s, lab.Options{Builder: tt.asked}, lab.Hooks{})
			if tt.built != "" {
				if err != nil || res.Builder != string(tt.built) {
					t.Fatalf("built with %s: %v; want %s", res.Builder, err, tt.built)
				}
				return
			}
			var nb *lab.NeedsBuildKitError
			if !errors.As(err, &nb) {
				t.Fatalf("error %v (%T), want a NeedsBuildKitError", err, err)
			}
			msg := err.Error()
			for _, want := range []string{"build cache-mount: line 4 uses RUN --mount, which only BuildKit knows", "the legacy builder rejects", tt.says, "The builder said: " + rejected} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not say %q", msg, want)
				}
			}
			if strings.Count(msg, "cache-mount:") != 1 || res.Error != msg {
				t.Errorf("error names the strategy more than once, or is not the result's: %q / %q", msg, res.Error)
			}
		})
	}
}

// TestBuildKitOnlyStrategyOnDaemon: the same on the real daemon: auto builds the cache mount
// with BuildKit, the legacy builder's rejection is explained.
func TestBuildKitOnlyStrategyOnDaemon(t *testing.T) {
	eng, _ := onDaemon(t)
	info, err := eng.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s := load(t, mountYAML, map[string]string{"mount.Dockerfile": mountDockerfile}).Strategies[0]
	s.Expect = "print('hello')"
	ns := "test-curcode-mount"
	t.Cleanup(func() { removeNamespace(t, ns) })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if info.BuildKitAvailable {
		res, err := lab.Run(ctx, eng, s, lab.Options{Builder: engine.BuilderAuto, Namespace: ns}, lab.Hooks{})
		removeStageImages(t, eng, res)
		if err != nil || res.Builder != string(engine.BuilderBuildKit) {
			t.Fatalf("auto: built with %s: %v", res.Builder, err)
		}
	}
	res, err := lab.Run(ctx, eng, s, lab.Options{Builder: engine.BuilderLegacy, Namespace: ns}, lab.Hooks{})
	removeStageImages(t, eng, res)
	var nb *lab.NeedsBuildKitError
	if !errors.As(err, &nb) || !nb.Chosen || !strings.Contains(err.Error(), "--mount") {
		t.Fatalf("legacy: %v (%T), want the legacy builder's rejection explained", err, err)
	}
	t.Logf("legacy: %v", err)
}
