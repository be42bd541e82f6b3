package cli

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/docktutor/docktutor/internal/dockertest"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/enginefake"
)

// fakeCleaner is an engine with leftovers to clean.
type fakeCleaner struct {
	*enginefake.Engine
	managed  engine.Managed
	space    map[string]int64
	untagged []string
	fail     map[string]error // ref or id → its removal's error
	removed  []string
}

func (f *fakeCleaner) ListManaged(context.Context) (engine.Managed, error) { return f.managed, nil }
func (f *fakeCleaner) ImageSpace(context.Context) (map[string]int64, error) {
	return f.space, nil
}
func (f *fakeCleaner) UntaggedUnmanaged(context.Context) ([]string, error) {
	return f.untagged, nil
}
func (f *fakeCleaner) Remove(_ context.Context, ref string) error {
	if err := f.fail[ref]; err != nil {
		return err
	}
	f.removed = append(f.removed, ref)
	return nil
}
func (f *fakeCleaner) RemoveContainer(_ context.Context, id string) error {
	if err := f.fail[id]; err != nil {
		return err
	}
	f.removed = append(f.removed, "container "+id)
	return nil
}

func (f *fakeCleaner) RemoveStageImage(_ context.Context, id string) error {
	if err := f.fail[id]; err != nil {
		return err
	}
	f.removed = append(f.removed, "stage "+id)
	return nil
}

func newFakeCleaner() *fakeCleaner {
	managed := map[string]string{engine.LabelManaged: "true"}
	return &fakeCleaner{
		Engine: enginefake.New(nil),
		managed: engine.Managed{
			Images: []engine.ManagedImage{
				{ID: "sha256:aaa", Tags: []string{"docktutor/multistage:go-single"}, Size: 829_000_000},
				{ID: "sha256:bbb", Tags: []string{"docktutor/multistage:go-multistage", "docktutor/me/multistage:go-multistage"}, Size: 8_500_000},
				{ID: "sha256:ccc", Size: 50_000_000},
				{ID: "sha256:ddd", Tags: []string{"docktutor/multistage:python-normal", "myapp:latest"}, Size: 809_000_000},
				{ID: "sha256:eee", Tags: []string{"docktutor/multistage:go-static"}, Size: 9_000_000},
			},
			Containers: []engine.ManagedContainer{
				{ID: "c0ffee000000aaaa", Name: "docktutor-run-c0ffee", Image: "docktutor/multistage:go-single", State: "exited", Labels: managed},
				// The learner's own, from docktutor's image: it and the image stay.
				{ID: "beef00000000bbbb", Name: "my-play", Image: "docktutor/multistage:go-static", ImageID: "sha256:eee", State: "running", Labels: managed},
			},
		},
		space: map[string]int64{"sha256:aaa": 20_000_000, "sha256:bbb": 6_000_000, "sha256:ccc": 1_000_000, "sha256:ddd": 3_000_000, "sha256:eee": 4_000_000,
			"sha256:u1": 100_000_000, "sha256:u2": 23_000_000},
		untagged: []string{"sha256:u1", "sha256:u2", "sha256:u3"},
	}
}

func TestCleanWithFake(t *testing.T) {
	tests := []struct {
		name        string
		args        []string
		fail        map[string]error
		code        int
		wantRemoved []string
		wantText    []string
		wantFreed   int64
	}{
		{name: "dry run", args: []string{"--dry-run"}, code: 0, wantRemoved: nil, wantFreed: 27_000_000,
			wantText: []string{"Would remove 1 container:", "docktutor-run-c0ffee", "Would remove 3 images:", "docktutor/multistage:go-single", "<untagged> ccc",
				"Would untag but keep (also tagged by you, not by docktutor):\n  docktutor/multistage:python-normal, myapp:latest",
				"Left in place (your own containers use them):\n  docktutor/multistage:go-static", "in use by your container my-play — left; `docker rm -f my-play` to remove", "Would free at least 27.0MB", "3 untagged images without docktutor's label (123.0MB of their own)", "docker image prune", "docker builder prune", "Nothing was removed (--dry-run)."}},
		{name: "clean", code: 0, wantFreed: 27_000_000,
			wantRemoved: []string{"container c0ffee000000aaaa", "docktutor/multistage:go-single", "docktutor/multistage:go-multistage", "docktutor/me/multistage:go-multistage",
				"sha256:ccc", "docktutor/multistage:python-normal"},
			wantText: []string{"Removed 1 container:", "Removed 3 images:", "Freed at least 27.0MB", "Untagged but kept"}},
		{name: "an image in use", code: 1, fail: map[string]error{"docktutor/multistage:go-single": errors.New("conflict: image is being used by stopped container 123")},
			wantFreed: 7_000_000,
			wantText:  []string{"Removed 2 images:", "Could not remove:\n  docktutor/multistage:go-single", "conflict: image is being used", "could not be removed"}},
		{name: "a tag already gone", code: 0, fail: map[string]error{"docktutor/me/multistage:go-multistage": errors.New("Error response from daemon: No such image: docktutor/me/multistage:go-multistage")},
			wantFreed: 27_000_000, wantText: []string{"Removed 3 images:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := cleanFake(t, tt.fail, tt.code, tt.wantText, tt.args...)
			if tt.wantRemoved != nil && !slices.Equal(fc.removed, tt.wantRemoved) {
				t.Errorf("removed %q\nwant    %q", fc.removed, tt.wantRemoved)
			}
			if slices.Contains(fc.removed, "myapp:latest") || slices.Contains(fc.removed, "docktutor/multistage:go-static") ||
				slices.Contains(fc.removed, "container beef00000000bbbb") {
				t.Error("removed the learner's own tag, container or the image it uses")
			}

			jsonOut, _, _ := execute(t, newCleanCmd, fc.options(), append(tt.args, "--json")...)
			var rep cleanReport
			if err := json.Unmarshal([]byte(jsonOut), &rep); err != nil {
				t.Fatalf("--json: %v\n%s", err, jsonOut)
			}
			if rep.FreedBytes != tt.wantFreed || rep.UntaggedImages != 3 || len(rep.Images) != 5 || len(rep.Containers) != 1 {
				t.Errorf("report %+v, want %d bytes freed", rep, tt.wantFreed)
			}
		})
	}
}

// cleanFake runs clean with args on a new fakeCleaner whose removals fail as fail says, checks
// the exit code and that the output says every one of want, and returns the fake.
func cleanFake(t *testing.T, fail map[string]error, code int, want []string, args ...string) *fakeCleaner {
	t.Helper()
	fc := newFakeCleaner()
	fc.fail = fail
	out, stderr, got := execute(t, newCleanCmd, fc.options(), args...)
	if got != code {
		t.Errorf("exit %d, want %d: %s", got, code, stderr)
	}
	for _, w := range want {
		if !strings.Contains(out+stderr, w) {
			t.Errorf("output lacks %q:\n%s%s", w, out, stderr)
		}
	}
	return fc
}

// options are the global options of a command run on the fake.
func (f *fakeCleaner) options() *globalOptions {
	return &globalOptions{connect: func(context.Context) (engine.Engine, engine.DaemonInfo, error) { return f, f.DaemonInfo, nil }}
}

func TestCleanNothing(t *testing.T) {
	fc := &fakeCleaner{Engine: enginefake.New(nil)}
	out, _, code := execute(t, newCleanCmd, fc.options())
	if code != 0 || !strings.Contains(out, "Nothing of docktutor's to remove") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestCleanNoDaemon(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(t.TempDir(), "dead.sock"))
	_, stderr, code := execute(t, newCleanCmd, nil, "--dry-run")
	if code != 1 || !strings.Contains(stderr, "Docker is not running at unix://") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

// TestCleanRealDaemon proves on a real daemon that clean removes docktutor's objects and nothing
// else. It uses a dockerd of its own: cleaning the shared one would remove other tests' images.
// Present on it: an unrelated image and a stopped unrelated container, the base image, an
// untagged image of an unlabelled build, docktutor's image with a container of its own, and
// docktutor's image that the learner also tagged for themselves.
func TestCleanRealDaemon(t *testing.T) {
	d := dockertest.Start(t)
	d.Load(t, "alpine:3.22") // from the shared daemon, which has the stand-in
	t.Setenv("DOCKER_HOST", d.Host)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	d.Docker(t, "tag", "alpine:3.22", "unrelated-test:keep")
	d.Docker(t, "create", "--name", "unrelated-ctr", "unrelated-test:keep", "true")
	dangling := d.DockerIn(t, "FROM alpine:3.22\nRUN echo not-docktutors > /f\n", "build", "-q", "-")
	eng, err := engine.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	build := func(tag, content string, labels ...string) string {
		fsys := fstest.MapFS{"Dockerfile": {Data: []byte("FROM alpine:3.22\nRUN echo " + content + " > /f\n")}}
		l := map[string]string{engine.LabelLesson: "cleantest"}
		for i := 0; i+1 < len(labels); i += 2 {
			l[labels[i]] = labels[i+1]
		}
		res, err := eng.Build(ctx, engine.BuildRequest{Context: fsys, Tag: tag, Labels: l}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res.ImageID
	}
	build("docktutor/cleantest:gone", "gone")
	adopted := build("docktutor/cleantest:adopted", "adopted")
	d.Docker(t, "tag", "docktutor/cleantest:adopted", "mine:adopted")
	d.Docker(t, "create", "--name", "docktutor-run-leftover", "--label", engine.LabelManaged+"=true", "docktutor/cleantest:gone", "true")
	// Another learner's, on this shared daemon: left alone unless --all-users.
	build("docktutor/someone/cleantest:theirs", "theirs", engine.LabelOwner, "someone@elsewhere")
	d.Docker(t, "create", "--name", "docktutor-run-someone", "--label", engine.LabelManaged+"=true",
		"--label", engine.LabelOwner+"=someone@elsewhere", "docktutor/someone/cleantest:theirs", "true")

	snapshot := func() (images, containers string) {
		sorted := func(s string) string {
			lines := strings.Split(s, "\n")
			slices.Sort(lines)
			return strings.Join(lines, "\n")
		}
		return sorted(d.Docker(t, "images", "-a", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}")), sorted(d.Docker(t, "ps", "-a", "--format", "{{.Names}}"))
	}
	imgsBefore, ctrsBefore := snapshot()

	out, stderr, code := execute(t, newCleanCmd, nil, "--dry-run")
	t.Logf("docktutor clean --dry-run:\n%s", out)
	if code != 0 || !strings.Contains(out, "docktutor/cleantest:gone") || !strings.Contains(out, "docktutor-run-leftover") || !strings.Contains(out, "Nothing was removed") {
		t.Errorf("dry run: exit %d\n%s%s", code, out, stderr)
	}
	if imgs, ctrs := snapshot(); imgs != imgsBefore || ctrs != ctrsBefore {
		t.Fatalf("--dry-run changed the daemon:\nimages %s\nwas    %s\ncontainers %s\nwas        %s", imgs, imgsBefore, ctrs, ctrsBefore)
	}

	out, stderr, code = execute(t, newCleanCmd, nil)
	t.Logf("docktutor clean:\n%s", out)
	if code != 0 {
		t.Fatalf("exit %d:\n%s%s", code, out, stderr)
	}
	imgs, ctrs := snapshot()
	for _, kept := range []string{"unrelated-test:keep", "alpine:3.22", "mine:adopted", strings.TrimPrefix(dangling, "sha256:")[:12], "docktutor/someone/cleantest:theirs"} {
		if !strings.Contains(imgs, kept) {
			t.Errorf("clean removed %s, which is not docktutor's:\n%s", kept, imgs)
		}
	}
	for _, gone := range []string{"docktutor/cleantest:gone", "docktutor/cleantest:adopted"} {
		if strings.Contains(imgs, gone) {
			t.Errorf("%s is still there:\n%s", gone, imgs)
		}
	}
	if ctrs != "docktutor-run-someone\nunrelated-ctr" {
		t.Errorf("containers after clean: %q, want only docktutor-run-someone and unrelated-ctr", ctrs)
	}
	if !strings.Contains(out, "Left alone: 2 images and containers of other learners") {
		t.Errorf("the output does not say it left the other learner's objects:\n%s", out)
	}

	// The instructor's clean-up after the workshop takes everyone's.
	first := out
	out, stderr, code = execute(t, newCleanCmd, nil, "--all-users")
	t.Logf("docktutor clean --all-users:\n%s", out)
	if code != 0 || !strings.Contains(out, "docktutor/someone/cleantest:theirs") || !strings.Contains(out, "docktutor-run-someone") {
		t.Fatalf("--all-users: exit %d:\n%s%s", code, out, stderr)
	}
	if imgs, ctrs := snapshot(); ctrs != "unrelated-ctr" || !strings.Contains(imgs, "unrelated-test:keep") {
		t.Errorf("after --all-users: containers %q, images:\n%s", ctrs, imgs)
	}
	m, err := eng.ListManaged(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Containers) != 0 || len(m.Images) != 1 || m.Images[0].ID != adopted {
		t.Errorf("left of docktutor's: %+v, want only the adopted image", m)
	}
	if !strings.Contains(first, "Untagged but kept (also tagged by you, not by docktutor):\n  docktutor/cleantest:adopted, mine:adopted") || !strings.Contains(first, "docker image prune") {
		t.Errorf("the output does not say what it kept and why:\n%s", first)
	}
}

// TestCleanLeavesLearnersContainers (bug 4): a container the learner started from docktutor's
// image carries docktutor's label (containers inherit their image's labels), but clean removes
// only the containers docktutor itself created, by name and label. The learner's container stays,
// running, and so does its image, untouched, with a way out in the report. On a daemon of its
// own, like TestCleanRealDaemon.
func TestCleanLeavesLearnersContainers(t *testing.T) {
	d := dockertest.Start(t)
	d.Load(t, "alpine:3.22")
	t.Setenv("DOCKER_HOST", d.Host)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	eng, err := engine.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	for _, tag := range []string{"docktutor/cleantest:played", "docktutor/cleantest:crashed"} {
		fsys := fstest.MapFS{"Dockerfile": {Data: []byte("FROM alpine:3.22\nRUN echo " + tag + " > /f\n")}}
		if _, err := eng.Build(ctx, engine.BuildRequest{Context: fsys, Tag: tag}, nil); err != nil {
			t.Fatal(err)
		}
	}
	d.Docker(t, "run", "-d", "--name", "my-play", "docktutor/cleantest:played", "sleep", "300")
	// What a crash leaves of docktutor's own: a run container, with the name Run gives it.
	d.Docker(t, "create", "--name", "docktutor-run-0123456789abcdef", "docktutor/cleantest:crashed", "true")
	const way = "in use by your container my-play — left; `docker rm -f my-play` to remove"

	out, stderr, code := execute(t, newCleanCmd, nil, "--dry-run")
	t.Logf("docktutor clean --dry-run:\n%s", out)
	if code != 0 || strings.Contains(out, "my-play  ") || !strings.Contains(out, "Would remove 1 container:") ||
		!strings.Contains(out, "docktutor-run-0123456789abcdef") || !strings.Contains(out, way) {
		t.Errorf("dry run: exit %d, want the run container listed for removal and my-play left:\n%s%s", code, out, stderr)
	}
	jsonOut, _, _ := execute(t, newCleanCmd, nil, "--dry-run", "--json")
	var rep cleanReport
	if err := json.Unmarshal([]byte(jsonOut), &rep); err != nil {
		t.Fatalf("--json: %v\n%s", err, jsonOut)
	}
	if len(rep.Containers) != 1 || rep.Containers[0].Name != "docktutor-run-0123456789abcdef" {
		t.Errorf("containers to remove: %+v", rep.Containers)
	}
	for _, im := range rep.Images {
		if slices.Contains(im.Tags, "docktutor/cleantest:played") && (im.Kept != way || im.FreedBytes != 0) {
			t.Errorf("the learner's container's image: %+v, want kept: %s", im, way)
		}
	}

	out, stderr, code = execute(t, newCleanCmd, nil)
	t.Logf("docktutor clean:\n%s", out)
	if code != 0 || !strings.Contains(out, way) {
		t.Errorf("exit %d:\n%s%s", code, out, stderr)
	}
	if state := d.Docker(t, "inspect", "--format", "{{.State.Status}}", "my-play"); state != "running" {
		t.Errorf("my-play is %s after clean, want running", state)
	}
	if tags := d.Docker(t, "images", "--format", "{{.Repository}}:{{.Tag}}", "docktutor/cleantest"); tags != "docktutor/cleantest:played" {
		t.Errorf("docktutor/cleantest images after clean: %q, want only the learner's container's", tags)
	}
	if ctrs := d.Docker(t, "ps", "-a", "--format", "{{.Names}}"); ctrs != "my-play" {
		t.Errorf("containers after clean: %q, want only my-play", ctrs)
	}
	// Asked directly, the engine refuses too: the label is the image's, not proof.
	if err := eng.RemoveContainer(ctx, "my-play"); !errors.Is(err, engine.ErrNotManaged) {
		t.Errorf("RemoveContainer(my-play) = %v, want ErrNotManaged", err)
	}
}

// The tests below hold `docktutor build` to the same promise as clean: an interrupt leaves
// nothing of docktutor's running.

// TestBuildInterruptedFake: a build that hangs until cancelled exits 130 when interrupted.
func TestBuildInterruptedFake(t *testing.T) {
	fe := enginefake.New(nil)
	fe.Hang = true
	var out, errb strings.Builder
	connect := func(context.Context) (engine.Engine, engine.DaemonInfo, error) { return fe, fe.DaemonInfo, nil }
	root := newRootCmd(&globalOptions{streams: Streams{In: strings.NewReader(""), Out: &out, Err: &errb}, connect: connect})
	root.SetArgs([]string{"build", "multistage", "-s", "go-single"})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	err := root.ExecuteContext(ctx)
	if code := ExitCode(err); code != 130 || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("exit %d, error %v; want 130 and interrupted", code, err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("took %s to stop after the interrupt", took)
	}
	if builds := fe.Builds(); len(builds) != 1 {
		t.Errorf("builds %v: an interrupted run must not start the next strategy", builds)
	}
}

// TestBuildInterruptedRealDaemon interrupts `docktutor build` while a RUN step sleeps, on the
// shared daemon (nothing is removed there but the build's own container): exit 130 within a
// few seconds, and neither a container nor a process of the step remains. The lesson is a tiny
// one of the test's own, given with --lessons.
func TestBuildInterruptedRealDaemon(t *testing.T) {
	requireAlpine(t)
	isolateFiles(t)
	for _, builder := range []string{"legacy", "buildkit"} {
		t.Run(builder, func(t *testing.T) {
			marker := "docktutor-interrupt-" + strconv.FormatInt(time.Now().UnixNano(), 36)
			dir := sleepyLessons(t, marker)
			t.Cleanup(func() { // should the build ever finish, its image goes
				if eng, err := engine.New(context.Background()); err == nil {
					_ = eng.Remove(context.Background(), "docktutor/sleepy:sleepy")
					_ = eng.Close()
				}
			})
			var out, errb strings.Builder
			root := newRootCmd(&globalOptions{streams: Streams{In: strings.NewReader(""), Out: &out, Err: &errb}, connect: connectEngine})
			root.SetArgs([]string{"--lessons", dir, "build", "sleepy", "--builder", builder, "--no-cache"})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- root.ExecuteContext(ctx) }()

			awaitStep(t, marker, func() bool {
				select {
				case err := <-done:
					t.Fatalf("the build ended before it was interrupted: %v\n%s%s", err, out.String(), errb.String())
				default:
				}
				return false
			})
			interrupted := time.Now()
			cancel()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("docktutor build did not return within 10s of the interrupt")
			}
			t.Logf("returned %s after the interrupt: %v", time.Since(interrupted), err)
			if code := ExitCode(err); code != 130 {
				t.Errorf("exit %d, want 130: %v", code, err)
			}
			awaitGone(t, marker)
		})
	}
}

// awaitStep waits until the sleepy RUN step is really running (its process exists), calling
// check while it waits.
func awaitStep(t *testing.T, marker string, check func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); stepProcesses(marker) == 0; time.Sleep(100 * time.Millisecond) {
		check()
		if time.Now().After(deadline) {
			t.Fatal("the RUN step never started")
		}
	}
}

// awaitGone waits a few seconds for the sleepy step's container and process to be gone.
func awaitGone(t *testing.T, marker string) {
	t.Helper()
	for start := time.Now(); ; time.Sleep(200 * time.Millisecond) {
		ctrs, _ := exec.Command("docker", "ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Command}}").Output()
		procs := stepProcesses(marker)
		if !strings.Contains(string(ctrs), marker) && procs == 0 {
			return
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("left running after the interrupt: %d processes; containers:\n%s", procs, ctrs)
		}
	}
}

// TestBuildSignalsRealDaemon sends the real docktutor binary, mid-build, the signals that end
// a command line program: ctrl+c outside a terminal (SIGINT), kill (SIGTERM) and a closed
// terminal (SIGHUP). Each ends it with exit 130 and nothing of the build left running.
func TestBuildSignalsRealDaemon(t *testing.T) {
	requireAlpine(t)
	bin := buildBinary(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			marker := "docktutor-signal-" + strconv.FormatInt(time.Now().UnixNano(), 36)
			dir := sleepyLessons(t, marker)
			var out strings.Builder
			cmd := exec.Command(bin, "--lessons", dir, "build", "sleepy", "--builder", "legacy", "--no-cache")
			cmd.Stdout, cmd.Stderr = &out, &out
			cmd.Env = append(os.Environ(), "DOCKTUTOR_STATE_DIR="+t.TempDir(), "DOCKTUTOR_CACHE_DIR="+t.TempDir())
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			awaitStep(t, marker, func() bool {
				select {
				case err := <-exited:
					t.Fatalf("the build ended before the signal: %v\n%s", err, out.String())
				default:
				}
				return false
			})
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				<-exited // the output is complete only once the process is gone
				t.Fatalf("still running 10 s after %s:\n%s", sig, out.String())
			}
			if code := cmd.ProcessState.ExitCode(); code != 130 {
				t.Errorf("exit %d after %s, want 130:\n%s", code, sig, out.String())
			}
			awaitGone(t, marker)
		})
	}
}

// sleepyLessons writes a one-lesson course whose only strategy sleeps in a RUN step that
// prints marker first.
func sleepyLessons(t *testing.T, marker string) string {
	t.Helper()
	return oneLesson(t, "sleepy", "FROM alpine:3.22\nCOPY hello.txt /\nRUN echo "+marker+" && sleep 30 && echo done\n", "never reached")
}

// oneLesson writes a course of one lesson, id, whose one strategy, also id, builds dockerfile
// on a context holding hello.txt, and whose container prints expect. It returns the folder,
// for --lessons.
func oneLesson(t *testing.T, id, dockerfile, expect string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"course.yaml": "lessons:\n  - " + id + "\n",
		id + "/lesson.yaml": `title: A lesson of the tests
summary: For the tests.
text: lesson.md
strategies:
  - id: ` + id + `
    title: The test's strategy
    app: tiny
    dockerfile: test.Dockerfile
    explain: It is a test.
    expect: ` + expect + `
`,
		id + "/lesson.md":       "# Test\n",
		id + "/test.Dockerfile": dockerfile,
		"apps/tiny/hello.txt":   "hello\n",
	}
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// stepProcesses counts the processes on this machine running the step that prints marker: its
// shell, which stays (a shell execs its last command in place; "&& echo done" keeps sleep from
// being the last).
func stepProcesses(marker string) int {
	n := 0
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		b, err := os.ReadFile(d + "/cmdline")
		if err == nil && strings.Contains(string(b), marker) && !strings.Contains(string(b), ".test") {
			n++
		}
	}
	return n
}

// TestCleanNamespace: on a shared daemon, --namespace removes one learner's images and the
// containers made from them, and leaves every other learner's alone.
func TestCleanNamespace(t *testing.T) {
	m := engine.Managed{
		Images: []engine.ManagedImage{
			{ID: "sha256:ada", Tags: []string{"docktutor/ada/multistage:go-single"}},
			{ID: "sha256:bob", Tags: []string{"docktutor/bob/multistage:go-single"}},
			{ID: "sha256:solo", Tags: []string{"docktutor/multistage:go-single"}},
			{ID: "sha256:untagged", Tags: []string{"<none>:<none>"}},
		},
		Containers: []engine.ManagedContainer{
			{ID: "c-ada", Image: "docktutor/ada/multistage:go-single"},
			{ID: "c-bob", Image: "docktutor/bob/multistage:go-single"},
			{ID: "c-ada-by-id", Image: "sha256:ada"},
		},
	}
	got := inNamespace(m, "ada")
	if len(got.Images) != 1 || got.Images[0].ID != "sha256:ada" {
		t.Errorf("images: %+v", got.Images)
	}
	if len(got.Containers) != 2 || got.Containers[0].ID != "c-ada" || got.Containers[1].ID != "c-ada-by-id" {
		t.Errorf("containers: %+v", got.Containers)
	}
	if got := inNamespace(m, "carol"); len(got.Images)+len(got.Containers) != 0 {
		t.Errorf("an unknown learner matched: %+v", got)
	}
}

// requireAlpine needs the shared daemon and alpine:3.22 on it (CI's stand-in): it skips without
// them, and fails with CI=true.
func requireAlpine(t *testing.T) {
	t.Helper()
	dockertest.NeedImage(t, dockertest.Connect(t, engine.New).Inspect, "alpine:3.22")
}

// On Podman, clean suggests podman's commands, and says nothing of space the daemon does not
// report (Podman gives no image's own size) rather than printing a dash for it.
func TestCleanOnPodman(t *testing.T) {
	fc := newFakeCleaner()
	fc.DaemonInfo.Podman = true
	fc.space = map[string]int64{}
	out, stderr, code := execute(t, newCleanCmd, fc.options(), "--dry-run")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"`podman rm -f my-play` to remove", "3 untagged images without docktutor's label: other builds'",
		"If you want them gone: podman image prune.", "The daemon does not say how much of that space was the images' own."} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, not := range []string{"docker ", "BuildKit", "at least -", "(- of their own)"} {
		if strings.Contains(out, not) {
			t.Errorf("output says %q on Podman:\n%s", not, out)
		}
	}
}

// On Docker, images whose every layer is shared free nothing of their own: clean says so, and
// does not blame the daemon for a figure it did give (zero).
func TestCleanSharedLayersOnDocker(t *testing.T) {
	fc := newFakeCleaner()
	fc.space = map[string]int64{} // the daemon counts no byte as any image's own
	out, stderr, code := execute(t, newCleanCmd, fc.options(), "--dry-run")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(out, "The daemon does not say") || !strings.Contains(out, "Every layer of theirs is shared with another image") {
		t.Errorf("output:\n%s", out)
	}
}
