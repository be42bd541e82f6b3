package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/enginefake"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/lessons"
)

// runKit runs `docktutor kit args…` on the images given, with connect's engine, printing plain
// lines (no terminal), and returns stdout, stderr and the exit code.
func runKit(t *testing.T, connect func(context.Context) (engine.Engine, engine.DaemonInfo, error), images []string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	o := &kitOptions{
		globalOptions: &globalOptions{streams: Streams{In: strings.NewReader(""), Out: &out, Err: &errb}, connect: connect},
		images:        func() ([]string, error) { return images, nil },
		tty:           func() bool { return false },
	}
	cmd := o.command()
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	if err != nil {
		errb.WriteString("docktutor: " + err.Error() + "\n")
	}
	return out.String(), errb.String(), ExitCode(err)
}

// fakeConnect hands out fe.
func fakeConnect(fe *enginefake.Engine) func(context.Context) (engine.Engine, engine.DaemonInfo, error) {
	return func(context.Context) (engine.Engine, engine.DaemonInfo, error) { return fe, fe.DaemonInfo, nil }
}

// TestKitImages: the kit carries every image the course builds from (its exercises too: only
// distroless-python's solution names plain python3-debian13), the distroless :debug
// variants included, each once.
func TestKitImages(t *testing.T) {
	c, err := lesson.Load(lessons.FS)
	if err != nil {
		t.Fatal(err)
	}
	got := kitImages(c)
	for _, want := range []string{"python:3.13", "python:3.13-slim", "golang:1.27", "alpine:3.22",
		"gcr.io/distroless/static-debian13", "gcr.io/distroless/static-debian13:debug",
		"gcr.io/distroless/python3-debian13", "gcr.io/distroless/python3-debian13:debug"} {
		if !slices.Contains(got, want) {
			t.Errorf("kit images lack %s: %v", want, got)
		}
	}
	seen := map[string]bool{}
	for _, ref := range got {
		if seen[ref] {
			t.Errorf("%s twice: %v", ref, got)
		}
		seen[ref] = true
	}
}

// TestKitImagesDebugFromProse: a :debug variant that a lesson only mentions is carried too.
func TestKitImagesDebugFromProse(t *testing.T) {
	g := &dockerfile.Graph{Stages: []dockerfile.Stage{{Base: "gcr.io/distroless/base", BaseStage: -1}}, External: []string{"busybox:1"}}
	c := &lesson.Course{Lessons: []*lesson.Lesson{{
		Text:       "Try `docker run --entrypoint /busybox/sh gcr.io/distroless/base:debug`; not busybox:debug's shell.",
		Strategies: []*lesson.Strategy{{Graph: g}},
	}}}
	if got := strings.Join(kitImages(c), " "); got != "gcr.io/distroless/base busybox:1 gcr.io/distroless/base:debug busybox:debug" {
		t.Errorf("kit images %q", got)
	}
}

func TestKitPullFake(t *testing.T) {
	fe := enginefake.New(nil)
	fe.Remote = map[string]bool{"alpine:3.22": true, "gcr.io/distroless/static-debian13:debug": true}
	out, stderr, code := runKit(t, fakeConnect(fe), []string{"alpine:3.22", "gcr.io/distroless/static-debian13:debug"}, "pull")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, stderr, out)
	}
	for _, want := range []string{"docktutor kit pull: 2 images\n", "alpine:3.22\n", "  aaaaaaaaaaaa  Downloading (1.0kB)\n",
		"  bbbbbbbbbbbb  Pull complete\n", "done   gcr.io/distroless/static-debian13:debug\n", "Pulled 2 images.\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// One line per phase, not per chunk: the two "Downloading" messages of a layer print once.
	if n := strings.Count(out, "aaaaaaaaaaaa  Downloading"); n != 2 {
		t.Errorf("%d Downloading lines for layer aaaa…, want one per image:\n%s", n, out)
	}
}

// TestKitPullUnreachable: a registry that does not answer is named, the other images it holds
// are not tried, and kit load is offered.
func TestKitPullUnreachable(t *testing.T) {
	fe := enginefake.New(nil)
	fe.Unreachable = map[string]bool{engine.DockerHub: true}
	fe.Remote = map[string]bool{"gcr.io/distroless/static-debian13": true}
	out, stderr, code := runKit(t, fakeConnect(fe), []string{"alpine:3.22", "gcr.io/distroless/static-debian13", "python:3.13"}, "pull")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{
		"FAILED alpine:3.22: registry registry-1.docker.io does not answer: dial tcp: lookup registry-1.docker.io: no such host",
		"done   gcr.io/distroless/static-debian13\n",
		"FAILED python:3.13: not tried: registry-1.docker.io does not answer\n",
		"Pulled 1 of 3 images.\nregistry registry-1.docker.io does not answer: dial tcp: lookup registry-1.docker.io: no such host: 2 images\n  alpine:3.22, python:3.13\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(stderr, "2 images of 3 could not be pulled: no answer from registry-1.docker.io") ||
		!strings.Contains(stderr, "docktutor kit load FILE") {
		t.Errorf("stderr: %s", stderr)
	}
}

// TestKitPullKeepsPresent: an image that cannot be pulled but is here already (loaded from a
// bundle, pulled before) is kept, and is no failure.
func TestKitPullKeepsPresent(t *testing.T) {
	fe := enginefake.New(nil)
	fe.Unreachable = map[string]bool{engine.DockerHub: true}
	fe.Local = map[string]engine.ImageStatus{"alpine:3.22": {Size: 10}}
	out, stderr, code := runKit(t, fakeConnect(fe), []string{"alpine:3.22"}, "pull")
	if code != 0 || !strings.Contains(out, "Kept the copies already here of 1 image that could not be pulled again: alpine:3.22\n") {
		t.Errorf("exit %d\n%s\n%s", code, out, stderr)
	}
	out, stderr, code = runKit(t, fakeConnect(fe), []string{"alpine:3.22", "python:3.13"}, "pull")
	if code != 1 || !strings.Contains(out, "Pulled 0 of 1 image.\n") || !strings.Contains(stderr, "1 image of 1 could not be pulled") {
		t.Errorf("exit %d\n%s\n%s", code, out, stderr)
	}
}

// TestKitPullFrom: images come from the classroom registry under their mirror names and end
// up named as the lessons name them, the mirror's name gone.
func TestKitPullFrom(t *testing.T) {
	fe := enginefake.New(nil)
	fe.Remote = map[string]bool{"10.0.0.1:5000/alpine:3.22": true, "10.0.0.1:5000/distroless/static-debian13:latest": true}
	out, stderr, code := runKit(t, fakeConnect(fe), []string{"alpine:3.22", "gcr.io/distroless/static-debian13"}, "pull", "--from", "10.0.0.1:5000")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, stderr, out)
	}
	if !strings.Contains(out, "gcr.io/distroless/static-debian13 <- 10.0.0.1:5000/distroless/static-debian13:latest\n") {
		t.Errorf("output:\n%s", out)
	}
	for ref, want := range map[string]bool{"alpine:3.22": true, "gcr.io/distroless/static-debian13": true, "10.0.0.1:5000/alpine:3.22": false} {
		if st, _ := fe.ImageStatus(context.Background(), ref); st.Present != want {
			t.Errorf("%s present = %v, want %v", ref, st.Present, want)
		}
	}
	_, stderr, code = runKit(t, fakeConnect(fe), []string{"alpine:3.22"}, "pull", "--from", "10.0.0.1:5000/x")
	if code != 2 || !strings.Contains(stderr, `registry "10.0.0.1:5000/x" is not host or host:port`) {
		t.Errorf("bad --from: exit %d, %s", code, stderr)
	}
	fe = enginefake.New(nil) // alpine:3.22 missing, so that the failure counts
	fe.Unreachable = map[string]bool{"10.0.0.2:5000": true}
	_, stderr, code = runKit(t, fakeConnect(fe), []string{"alpine:3.22"}, "pull", "--from", "10.0.0.2:5000")
	if code != 1 || !strings.Contains(stderr, "the classroom registry 10.0.0.2:5000 does not answer") || !strings.Contains(stderr, "kit load") {
		t.Errorf("dead classroom registry: exit %d, %s", code, stderr)
	}
}

// TestKitPushFake: push --to puts each image in the registry under its mirror name, and
// refuses to start while images are missing.
func TestKitPushFake(t *testing.T) {
	fe := enginefake.New(nil)
	fe.Local = map[string]engine.ImageStatus{"alpine:3.22": {Size: 10}, "gcr.io/distroless/static-debian13:debug": {Size: 10}}
	images := []string{"alpine:3.22", "gcr.io/distroless/static-debian13:debug"}
	out, stderr, code := runKit(t, fakeConnect(fe), images, "push", "--to", "localhost:5000")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, stderr, out)
	}
	if !fe.Remote["localhost:5000/alpine:3.22"] || !fe.Remote["localhost:5000/distroless/static-debian13:debug"] {
		t.Errorf("registry holds %v", fe.Remote)
	}
	if _, ok := fe.Local["localhost:5000/alpine:3.22"]; ok {
		t.Error("the push's registry name stayed on the daemon")
	}
	_, stderr, code = runKit(t, fakeConnect(fe), append(images, "python:3.13"), "push", "--to", "localhost:5000")
	if code != 1 || !strings.Contains(stderr, "1 image not on this daemon, so not pushed: python:3.13") {
		t.Errorf("missing image: exit %d, %s", code, stderr)
	}
}

// TestKitSaveLoadFake: a bundle and its checksum are written, a missing image stops the save
// unless --partial, and load checks the checksum before loading.
func TestKitSaveLoadFake(t *testing.T) {
	dir := t.TempDir()
	bundle := filepath.Join(dir, "kit.tar.gz")
	src := enginefake.New(nil)
	src.Local = map[string]engine.ImageStatus{"alpine:3.22": {Size: 100, StandIn: true}, "golang:1.27": {Size: 200}}
	images := []string{"alpine:3.22", "golang:1.27", "python:3.13"}

	_, stderr, code := runKit(t, fakeConnect(src), images, "save", bundle)
	if code != 1 || !strings.Contains(stderr, "1 image is not on this daemon: python:3.13; get them first (docktutor kit pull), or save the others with --partial") {
		t.Errorf("missing image: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(bundle); err == nil {
		t.Error("a bundle was written although the save stopped")
	}
	out, stderr, code := runKit(t, fakeConnect(src), images, "save", "--partial", bundle)
	if code != 0 || !strings.Contains(stderr, "leaving out 1 image not on this daemon: python:3.13") ||
		!strings.Contains(out, "Saved 2 images to "+bundle) {
		t.Fatalf("--partial: exit %d\n%s\n%s", code, out, stderr)
	}
	sum, err := os.ReadFile(bundle + ".sha256")
	if err != nil || !strings.HasSuffix(string(sum), "  kit.tar.gz\n") || len(strings.Fields(string(sum))[0]) != 64 {
		t.Fatalf("checksum file %q, %v", sum, err)
	}

	dst := enginefake.New(nil)
	out, stderr, code = runKit(t, fakeConnect(dst), nil, "load", bundle)
	if code != 0 {
		t.Fatalf("load: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Loaded alpine:3.22  (a docktutor TEST STAND-IN, not the real image)\n", "Loaded golang:1.27\n", "Loaded 2 images from "} {
		if !strings.Contains(out, want) {
			t.Errorf("load output lacks %q:\n%s", want, out)
		}
	}
	if st, _ := dst.ImageStatus(context.Background(), "golang:1.27"); !st.Present || st.Size != 200 {
		t.Errorf("golang:1.27 after load: %+v", st)
	}

	// One byte changed: refused before the daemon sees anything.
	b, _ := os.ReadFile(bundle)
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(bundle, b, 0o644); err != nil {
		t.Fatal(err)
	}
	dst = enginefake.New(nil)
	_, stderr, code = runKit(t, fakeConnect(dst), nil, "load", bundle)
	if code != 1 || !strings.Contains(stderr, "does not match kit.tar.gz.sha256 (a damaged or different copy)") || len(dst.Local) != 0 {
		t.Errorf("damaged bundle: exit %d, %s, loaded %v", code, stderr, dst.Local)
	}
	os.Remove(bundle + ".sha256")
	_, stderr, code = runKit(t, fakeConnect(dst), nil, "load", bundle)
	if code != 1 || !strings.Contains(stderr, "cannot verify the bundle") || !strings.Contains(stderr, "kit save writes both") {
		t.Errorf("no checksum file: exit %d, %s", code, stderr)
	}
}

// TestKitModelView: the live display shows each image's state, the running image's layers
// with their bars and byte counts, and a total.
func TestKitModelView(t *testing.T) {
	jobs := []kitJob{{"alpine:3.22", "h:5/alpine:3.22"}, {"golang:1.27", "h:5/golang:1.27"}, {"python:3.13", "h:5/python:3.13"}}
	var m tea.Model = newKitModel("docktutor kit pull: 3 images from h:5", jobs, func() {})
	send := func(msg any) { m, _ = m.Update(msg) }
	send(kitStartMsg{0})
	send(kitLayerMsg{0, engine.LayerEvent{Layer: "aaaa", Status: "Downloading", Phase: engine.LayerTransferring, Current: 1000, Total: 1000}})
	send(kitLayerMsg{0, engine.LayerEvent{Layer: "aaaa", Status: "Pull complete", Phase: engine.LayerDone}})
	send(kitDoneMsg{0, nil})
	send(kitStartMsg{1})
	send(kitLayerMsg{1, engine.LayerEvent{Layer: "bbbb", Status: "Downloading", Phase: engine.LayerTransferring, Current: 500, Total: 2000}})
	send(kitLayerMsg{1, engine.LayerEvent{Layer: "cccc", Status: "Waiting", Phase: engine.LayerWaiting}})
	got := m.(kitModel).render()
	for _, want := range []string{"docktutor kit pull: 3 images from h:5\n", "  ✓ alpine:3.22  1.0kB\n", "  ▸ golang:1.27 ← h:5/golang:1.27\n",
		"      bbbb          Downloading        ", "500B / 2.0kB", "      cccc          Waiting", "  · python:3.13\n", "1.5kB / 3.0kB  1 of 3 images"} {
		if !strings.Contains(got, want) {
			t.Errorf("view lacks %q:\n%s", want, got)
		}
	}
	send(kitDoneMsg{1, &engine.RegistryError{Registry: "h:5", Msg: "boom"}})
	if got := m.(kitModel).render(); !strings.Contains(got, "  ✗ golang:1.27  registry h:5: boom") || strings.Contains(got, "bbbb") {
		t.Errorf("after the failure:\n%s", got)
	}
}

// TestBytesView: a finished phase stays above the next with its full count; plain output
// prints a line per tenth.
func TestBytesView(t *testing.T) {
	var m tea.Model = bytesModel{bar: progressBar(20), cancel: func() {}}
	for _, msg := range []tea.Msg{bytesPhaseMsg{"checking kit.tar.gz", 1000}, bytesMsg(400), bytesMsg(1000), bytesPhaseMsg{"loading kit.tar.gz", 1000}, bytesMsg(0)} {
		m, _ = m.Update(msg)
	}
	got := m.View().Content
	if !strings.Contains(got, "checking kit.tar.gz\n") || !strings.Contains(got, "1.0kB / 1.0kB\nloading kit.tar.gz\n") || !strings.Contains(got, "0B / 1.0kB") {
		t.Errorf("view:\n%s", got)
	}
	var b bytes.Buffer
	p := &plainBytes{w: &b}
	p.phase("saving 2 images to kit.tar.gz", 1000)
	for range 10 {
		p.count(100)
	}
	p.finish()
	want := "saving 2 images to kit.tar.gz (1.0kB)\n   10%  100B\n   20%  200B\n   30%  300B\n   40%  400B\n   50%  500B\n   60%  600B\n   70%  700B\n   80%  800B\n   90%  900B\n  done  1.0kB\n"
	if b.String() != want {
		t.Errorf("plain output:\n%s\nwant:\n%s", b.String(), want)
	}
}
