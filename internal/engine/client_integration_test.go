package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docktutor/docktutor/internal/dockertest"
)

// These tests talk to the real daemon (requireDaemon). The images they build are tagged
// docktutor-test/engine:… with LabelManaged and removed when each test ends.

var builders = []Builder{BuilderLegacy, BuilderBuildKit}

func TestIntegrationInfo(t *testing.T) {
	c := requireDaemon(t)
	info, err := c.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", info)
	if info.ServerVersion == "" || info.APIVersion == "" || info.OS == "" || info.Endpoint == "" {
		t.Errorf("incomplete info: %+v", info)
	}
	want := BuilderLegacy
	if info.BuildKit {
		want = BuilderBuildKit
	}
	if info.Default != want {
		t.Errorf("Default = %s with BuildKit advertised = %v", info.Default, info.BuildKit)
	}
	if info.BuildKit && !info.BuildKitAvailable {
		t.Error("BuildKit advertised but not available")
	}
}

// TestIntegrationBuildScratch needs no base image: FROM scratch with a COPY.
func TestIntegrationBuildScratch(t *testing.T) {
	c := requireDaemon(t)
	for _, b := range builders {
		t.Run(string(b), func(t *testing.T) {
			tag := testTag(t, c, "scratch-"+string(b))
			fsys := mapFS(
				"Dockerfile", "FROM scratch\nCOPY hello.txt /hello.txt\nCMD [\"/hello\"]\n",
				"hello.txt", "hello "+nonce()+"\n",
				"secret.txt", "must not be sent\n",
				".dockerignore", "secret.txt\n",
			)
			var events []Event
			res, err := c.Build(buildCtx(t), BuildRequest{Context: fsys, Tag: tag, Builder: b}, collect(&events))
			if err != nil {
				t.Fatalf("build: %v\nevents: %v", err, events)
			}
			if res.Builder != b || !strings.HasPrefix(res.ImageID, "sha256:") || res.Steps == 0 {
				t.Errorf("result %+v", res)
			}
			last := events[len(events)-1]
			if last.Kind != EventImageID || last.Text != res.ImageID {
				t.Errorf("last event %+v, want the image ID %s", last, res.ImageID)
			}
			info, err := c.Inspect(context.Background(), tag)
			if err != nil {
				t.Fatal(err)
			}
			if len(info.RepoDigests) != 0 {
				t.Errorf("RepoDigests = %q for an image built here, never pulled", info.RepoDigests)
			}
			if info.ID != res.ImageID || info.Labels[LabelManaged] != "true" {
				t.Errorf("inspect: %+v", info)
			}
			if info.Created.IsZero() || time.Since(info.Created) > time.Hour {
				t.Errorf("Created = %s", info.Created)
			}
			if !slices.Equal(info.Cmd, []string{"/hello"}) {
				t.Errorf("Cmd = %q", info.Cmd)
			}
			want, err := ContextSize(fsys, "Dockerfile")
			if err != nil {
				t.Fatal(err)
			}
			if res.ContextBytes != want || want < 1024 {
				t.Errorf("ContextBytes = %d, want the %d bytes of the tar sent", res.ContextBytes, want)
			}
			if info.Size != int64(len("hello ")+8+1) {
				t.Errorf("Size = %d, want only hello.txt's bytes (secret.txt must be ignored)", info.Size)
			}
		})
	}
}

// multistage is the two-stage build of the integration tests: the shell image builds, scratch
// ships.
func multistage() map[string]string {
	return map[string]string{
		"Dockerfile": `FROM alpine:3.22 AS build
WORKDIR /src
COPY app.txt .
RUN echo "compiling $(cat app.txt)" && cp app.txt /app.bin
FROM scratch
COPY --from=build /app.bin /app.bin
CMD ["/app.bin"]
`,
		"app.txt": "app source " + nonce() + "\n",
	}
}

func TestIntegrationBuildMultiStage(t *testing.T) {
	c := requireDaemon(t)
	dockertest.NeedImage(t, c.Inspect, testBase)
	files := multistage()
	fsys := mapFS("Dockerfile", files["Dockerfile"], "app.txt", files["app.txt"])
	for _, b := range builders {
		t.Run(string(b), func(t *testing.T) {
			tag := testTag(t, c, "multi-"+string(b))
			req := BuildRequest{Context: fsys, Tag: tag, Builder: b, Labels: map[string]string{LabelLesson: "multistage"}}
			var events []Event
			res, err := c.Build(buildCtx(t), req, collect(&events))
			if err != nil {
				t.Fatalf("build: %v", err)
			}
			t.Logf("first build: %+v", res)
			removeStageImages(t, c, res.StageImages)
			// The legacy builder leaves stage "build" behind as an untagged image; BuildKit nothing.
			if want := map[Builder]int{BuilderLegacy: 1, BuilderBuildKit: 0}[b]; len(res.StageImages) != want {
				t.Errorf("stage images %q, want %d", res.StageImages, want)
			}
			started := eventsOf(events, EventStepStarted)
			if !slices.ContainsFunc(started, func(e Event) bool { return e.Name == "COPY --from=build /app.bin /app.bin" }) {
				t.Errorf("no step COPY --from=build in %v", started)
			}
			if !slices.ContainsFunc(eventsOf(events, EventLog), func(e Event) bool {
				return strings.HasPrefix(e.Text, "compiling app source") && e.Step > 0
			}) {
				t.Errorf("RUN output missing or not attributed to a step: %v", eventsOf(events, EventLog))
			}
			switch b {
			case BuilderLegacy:
				// 7 instructions, then one LABEL step per build label (internal).
				internal := eventsOf(started, EventStepStarted)
				internal = slices.DeleteFunc(internal, func(e Event) bool { return !e.Internal })
				if len(started) != 9 || started[0].Total != 9 || len(internal) != 2 || res.Steps != 7 {
					t.Errorf("legacy steps %v (%d internal), result %+v: want 7 + 2 label steps", started, len(internal), res)
				}
			case BuilderBuildKit:
				if !slices.ContainsFunc(started, func(e Event) bool {
					return e.Stage == "build" && e.StageStep == 4 && e.StageTotal == 4 && strings.HasPrefix(e.Name, "RUN ")
				}) {
					t.Errorf("no [build 4/4] RUN step in %v", started)
				}
			}

			info, err := c.Inspect(context.Background(), tag)
			if err != nil {
				t.Fatal(err)
			}
			if info.Labels[LabelManaged] != "true" || info.Labels[LabelLesson] != "multistage" {
				t.Errorf("labels %v", info.Labels)
			}
			if want := dockerCLI(t, "image", "inspect", "--format", "{{.Size}}", tag); strconv.FormatInt(info.Size, 10) != want {
				t.Errorf("Size = %d, docker image inspect says %s", info.Size, want)
			}
			var sum int64
			for _, l := range info.Layers {
				sum += l.Size
			}
			if sum != info.Size {
				t.Errorf("layer sizes add up to %d, image is %d: %+v", sum, info.Size, info.Layers)
			}
			if !slices.ContainsFunc(info.Layers, func(l Layer) bool { return l.Empty && strings.Contains(l.CreatedBy, "CMD") }) {
				t.Errorf("the CMD history entry should be Empty: %+v", info.Layers)
			}

			events = nil
			res2, err := c.Build(buildCtx(t), req, collect(&events))
			if err != nil {
				t.Fatalf("second build: %v", err)
			}
			t.Logf("second build: %+v", res2)
			hits := slices.DeleteFunc(eventsOf(events, EventCacheHit), func(e Event) bool { return e.Internal })
			if res2.CachedSteps == 0 || len(hits) != res2.CachedSteps {
				t.Errorf("second build: %d cached steps, %d cache-hit events", res2.CachedSteps, len(hits))
			}
			if res2.ImageID != res.ImageID {
				t.Errorf("cached rebuild made %s, first build %s", res2.ImageID, res.ImageID)
			}
		})
	}
}

// removeStageImages removes the stage images of a build when the test ends.
func removeStageImages(t *testing.T, c *Client, ids []string) {
	t.Cleanup(func() {
		for _, id := range ids {
			if err := c.RemoveStageImage(context.Background(), id); err != nil {
				t.Errorf("clean up: %v", err)
			}
		}
	})
}

// TestIntegrationRemoveStageImage: a stage image goes only while it is untagged and unused;
// the daemon says when it is in use, and one already gone is no error.
func TestIntegrationRemoveStageImage(t *testing.T) {
	c := requireDaemon(t)
	dockertest.NeedImage(t, c.Inspect, testBase)
	files := multistage()
	tag := testTag(t, c, "stages")
	res, err := c.Build(buildCtx(t), BuildRequest{Context: mapFS("Dockerfile", files["Dockerfile"], "app.txt", files["app.txt"]), Tag: tag, Builder: BuilderLegacy}, nil)
	if err != nil || len(res.StageImages) != 1 {
		t.Fatalf("build: %v, stage images %q", err, res.StageImages)
	}
	stage := res.StageImages[0]
	removeStageImages(t, c, res.StageImages)
	ctx := context.Background()

	name := "docktutor-test-uses-stage-" + nonce()
	dockerCLI(t, "create", "--name", name, stage, "true")
	err = c.RemoveStageImage(ctx, stage)
	dockerCLI(t, "rm", name)
	if !errors.Is(err, ErrImageInUse) {
		t.Errorf("a stage image a container uses: %v, want ErrImageInUse", err)
	}

	adopted := testRepo + ":adopted-" + nonce()
	dockerCLI(t, "tag", stage, adopted)
	if err := c.RemoveStageImage(ctx, stage); !errors.Is(err, ErrNotManaged) || !strings.Contains(err.Error(), adopted) {
		t.Errorf("a tagged stage image: %v, want ErrNotManaged naming the tag", err)
	}
	dockerCLI(t, "rmi", adopted) // its last tag: the image goes with it
	if err := c.RemoveStageImage(ctx, stage); err != nil {
		t.Errorf("a stage image gone already: %v, want no error", err)
	}
}

func TestIntegrationBuildFailingRun(t *testing.T) {
	c := requireDaemon(t)
	dockertest.NeedImage(t, c.Inspect, testBase)
	marker := nonce()
	fsys := mapFS("Dockerfile", "FROM alpine:3.22\nRUN echo \"go: cannot find main module "+marker+"\" >&2 && exit 3\n")
	for _, b := range builders {
		t.Run(string(b), func(t *testing.T) {
			tag := testTag(t, c, "fail-"+string(b))
			var events []Event
			_, err := c.Build(buildCtx(t), BuildRequest{Context: fsys, Tag: tag, Builder: b, NoCache: true}, collect(&events))
			if err == nil {
				t.Fatal("build succeeded")
			}
			t.Logf("error: %v", err)
			be, ok := isBuildError(err)
			if !ok {
				t.Fatalf("error %T is not a *BuildError", err)
			}
			if !strings.Contains(err.Error(), "3") || !strings.Contains(be.Msg, "exit") && !strings.Contains(be.Msg, "non-zero") {
				t.Errorf("error does not carry the exit reason: %v", err)
			}
			if len(be.Output) == 0 || !strings.Contains(be.Output[len(be.Output)-1], "cannot find main module") {
				t.Errorf("BuildError.Output = %q", be.Output)
			}
			if !strings.HasPrefix(be.Name, "RUN ") {
				t.Errorf("BuildError.Name = %q", be.Name)
			}
			// The caller knows the tag and says it; the engine adds only the failing step.
			if err.Error() != be.Error() || strings.Contains(err.Error(), tag) {
				t.Errorf("error %q, want the BuildError's own %q", err, be.Error())
			}
			if errs := eventsOf(events, EventError); len(errs) != 1 || errs[0].Step == 0 {
				t.Errorf("error events %v", errs)
			}
			if slices.ContainsFunc(events, func(e Event) bool { return e.Kind == EventImageID }) {
				t.Error("a failed build reported an image")
			}
			// ForceRemove: the legacy builder removes the failed step's container too.
			if out := dockerCLI(t, "ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Command}}"); strings.Contains(out, marker) {
				t.Errorf("the failed step's container is left: %s", out)
			}
		})
	}
}

func TestIntegrationBuildBadInstruction(t *testing.T) {
	c := requireDaemon(t)
	for _, b := range builders {
		t.Run(string(b), func(t *testing.T) {
			var events []Event
			_, err := c.Build(buildCtx(t), BuildRequest{Context: mapFS("Dockerfile", "FROM scratch\nFOO bar\n"), Builder: b}, collect(&events))
			t.Logf("error: %v", err)
			if _, ok := isBuildError(err); !ok || !strings.Contains(strings.ToLower(err.Error()), "unknown instruction") {
				t.Errorf("error %v (%T), want a *BuildError naming the unknown instruction", err, err)
			}
			if len(eventsOf(events, EventError)) == 0 {
				t.Error("no EventError")
			}
		})
	}
}

func TestIntegrationBuildCancel(t *testing.T) {
	c := requireDaemon(t)
	dockertest.NeedImage(t, c.Inspect, testBase)
	for _, b := range builders {
		t.Run(string(b), func(t *testing.T) {
			marker := "docktutor-cancel-" + nonce()
			fsys := mapFS("Dockerfile", "FROM alpine:3.22\nRUN echo "+marker+" && sleep 30\n")
			ctx, cancel := context.WithCancel(buildCtx(t))
			defer cancel()
			var cancelled time.Time
			emit := func(e Event) {
				if e.Kind == EventLog && strings.Contains(e.Text, marker) && cancelled.IsZero() {
					cancelled = time.Now()
					cancel()
				}
			}
			tag := testTag(t, c, "cancel-"+string(b))
			_, err := c.Build(ctx, BuildRequest{Context: fsys, Tag: tag, Builder: b, NoCache: true}, emit)
			if cancelled.IsZero() {
				t.Fatalf("the RUN never printed its marker; err = %v", err)
			}
			took := time.Since(cancelled)
			t.Logf("returned %s after cancel: %v", took, err)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error %v, want context.Canceled", err)
			}
			if took > 2*time.Second {
				t.Errorf("Build returned %s after cancel, want < 2s", took)
			}
			// Nothing may be left: no container running the step (legacy builder), no process
			// (BuildKit runs steps itself, outside containers the API lists).
			deadline := time.Now().Add(5 * time.Second)
			for {
				ctrs := dockerCLI(t, "ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Command}}")
				procs := processesWith(marker)
				if !strings.Contains(ctrs, marker) && procs == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("left behind after cancel: containers %q, %d processes", ctrs, procs)
				}
				time.Sleep(200 * time.Millisecond)
			}
		})
	}
}

// processesWith counts the local processes whose command line contains s (0 where /proc is not
// readable: the daemon may be remote then anyway).
func processesWith(s string) int {
	dirs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	n := 0
	for _, d := range dirs {
		b, err := os.ReadFile(d)
		if err == nil && strings.Contains(string(b), s) && !strings.Contains(string(b), "engine.test") {
			n++
		}
	}
	return n
}

func TestIntegrationRun(t *testing.T) {
	c := requireDaemon(t)
	dockertest.NeedImage(t, c.Inspect, testBase)
	tag := testTag(t, c, "run")
	fsys := mapFS("Dockerfile", `FROM alpine:3.22
CMD ["sh", "-c", "echo to stdout; echo to stderr >&2; echo again; exit 7"]
`)
	if _, err := c.Build(buildCtx(t), BuildRequest{Context: fsys, Tag: tag}, nil); err != nil {
		t.Fatal(err)
	}
	runLabel := map[string]string{"io.docktutor.test": nonce()}
	gone := func(t *testing.T) {
		t.Helper()
		out := dockerCLI(t, "ps", "-a", "--filter", "label=io.docktutor.test="+runLabel["io.docktutor.test"], "--format", "{{.ID}}")
		if out != "" {
			t.Errorf("containers left behind: %s", out)
		}
	}

	t.Run("cmd", func(t *testing.T) {
		res, err := c.Run(context.Background(), RunRequest{Image: tag, Labels: runLabel, Timeout: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		// stdout and stderr reach the daemon through separate pipes: their relative order is
		// not guaranteed, the order within each is.
		lines := strings.Split(res.Output, "\n")
		slices.Sort(lines)
		if res.ExitCode != 7 || res.TimedOut || !slices.Equal(lines, []string{"", "again", "to stderr", "to stdout"}) ||
			strings.Index(res.Output, "to stdout") > strings.Index(res.Output, "again") {
			t.Errorf("result %+v", res)
		}
		gone(t)
	})
	t.Run("args", func(t *testing.T) {
		res, err := c.Run(context.Background(), RunRequest{Image: tag, Labels: runLabel, Args: []string{"echo", "replaced"}, Network: "none"})
		if err != nil {
			t.Fatal(err)
		}
		if res.ExitCode != 0 || res.Output != "replaced\n" {
			t.Errorf("result %+v", res)
		}
		gone(t)
	})
	t.Run("limits", func(t *testing.T) {
		// cgroup v2 names the files at the root of the container's cgroup, v1 under each
		// controller; whichever exists says what the daemon applied.
		script := "cat /sys/fs/cgroup/pids.max /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null; true"
		res, err := c.Run(context.Background(), RunRequest{Image: tag, Labels: runLabel, Args: []string{"sh", "-c", script},
			Network: "none", Memory: 64 << 20, PidsLimit: 16})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Fields(res.Output); !slices.Equal(got, []string{"16", strconv.Itoa(64 << 20)}) {
			t.Errorf("limits seen inside the container %q, want pids 16 and memory %d", res.Output, 64<<20)
		}
		gone(t)
	})
	t.Run("timeout", func(t *testing.T) {
		start := time.Now()
		res, err := c.Run(context.Background(), RunRequest{Image: tag, Labels: runLabel, Args: []string{"sh", "-c", "echo started; sleep 30"}, Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if !res.TimedOut || res.ExitCode != 137 || res.Output != "started\n" || time.Since(start) > 10*time.Second {
			t.Errorf("result %+v after %s", res, time.Since(start))
		}
		gone(t)
	})
	t.Run("cancel", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, err := c.Run(ctx, RunRequest{Image: tag, Labels: runLabel, Args: []string{"sleep", "30"}})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error %v, want the context's", err)
		}
		gone(t)
	})
	t.Run("cancel at any moment", func(t *testing.T) {
		// A cancel that lands while the daemon is still creating the container (the learner
		// quits, the terminal closes) must not leave it behind: the client never learns its
		// ID, so Run finds it by name.
		for d := time.Duration(0); d <= 40*time.Millisecond; d += 2 * time.Millisecond {
			ctx, cancel := context.WithTimeout(context.Background(), d)
			_, err := c.Run(ctx, RunRequest{Image: tag, Labels: runLabel, Args: []string{"sleep", "30"}})
			cancel()
			if err == nil {
				t.Errorf("after %s: a 30 s sleep finished", d)
			}
		}
		gone(t)
	})
	t.Run("missing command", func(t *testing.T) {
		_, err := c.Run(context.Background(), RunRequest{Image: tag, Labels: runLabel, Entrypoint: []string{"no-such-command"}})
		var se *StartError
		if !errors.As(err, &se) || !strings.Contains(se.Reason, "no-such-command") {
			t.Errorf("error %v (%T), want a *StartError naming the command", err, err)
		}
		if want := "cannot start the container: " + se.Reason; err.Error() != want {
			t.Errorf("error %q, want %q: the caller names the image", err, want)
		}
		gone(t)
	})
}

func TestIntegrationManaged(t *testing.T) {
	c := requireDaemon(t)
	tag := testTag(t, c, "managed")
	if _, err := c.Build(buildCtx(t), BuildRequest{Context: mapFS("Dockerfile", "FROM scratch\nCOPY Dockerfile /\n"), Tag: tag}, nil); err != nil {
		t.Fatal(err)
	}
	m, err := c.ListManaged(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(m.Images, func(i ManagedImage) bool { return slices.Contains(i.Tags, tag) }) {
		t.Errorf("%s not listed in %+v", tag, m.Images)
	}

	// An image without the label must be refused. A second tag of the managed image's content
	// would carry the label, so make an unmanaged one with the CLI.
	dockertest.NeedImage(t, c.Inspect, testBase)
	other := testRepo + ":unmanaged-" + nonce()
	dockerCLI(t, "tag", testBase, other)
	t.Cleanup(func() { dockerCLI(t, "rmi", other) })
	if err := c.Remove(context.Background(), other); !errors.Is(err, ErrNotManaged) {
		t.Errorf("Remove(%s) = %v, want ErrNotManaged", other, err)
	}

	if err := c.Remove(context.Background(), tag); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Inspect(context.Background(), tag); err == nil {
		t.Errorf("%s still there after Remove", tag)
	}
}

func eventsOf(events []Event, kind EventKind) []Event {
	var out []Event
	for _, e := range events {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}
