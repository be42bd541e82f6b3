package lab_test

import (
	"context"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/docktutor/docktutor/internal/dockertest"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/lesson"
	"github.com/docktutor/docktutor/lessons"
)

// TestMultistageLessonOnPodman builds the multistage lesson on Podman's Docker-compatible
// service (.ci/podman-up), where buildah builds: every strategy runs and prints what it should,
// the build's steps come with their stages, a rebuild comes from the cache, the sizes keep the
// lesson's order and the images carry docktutor's labels.
func TestMultistageLessonOnPodman(t *testing.T) {
	if testing.Short() {
		t.Skip("builds real images; skipped with -short")
	}
	host := dockertest.UsePodman(t)
	eng := dockertest.Connect(t, engine.New)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	info, err := eng.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !info.Podman || info.Default != engine.BuilderBuildah || info.Endpoint != host {
		t.Fatalf("%s is not the Podman service it should be: %+v", host, info)
	}
	// The SDK (API 1.40 to 1.56) negotiates down to the highest version the service serves,
	// which its ping names (Podman 4.3: 1.41).
	if served := pingAPIVersion(t, host); info.APIVersion != served {
		t.Errorf("negotiated API %s, the Podman service serves %s", info.APIVersion, served)
	}
	course, err := lesson.Load(lessons.FS)
	if err != nil {
		t.Fatal(err)
	}
	l, _ := course.Find("multistage")
	const ns = "test-podman"
	opts := lab.Options{Builder: engine.BuilderAuto, Namespace: ns}
	sizes := map[string]int64{}
	for _, s := range l.Strategies {
		res, err := lab.Run(ctx, eng, s, opts, lab.Hooks{})
		t.Cleanup(func() { removeOn(t, eng, lab.Tag(ns, l.ID, s.ID)) })
		if err != nil {
			t.Fatalf("%s: %v\noutput: %s", s.ID, err, res.RunOutput)
		}
		if !res.Passed || !strings.Contains(res.RunOutput, s.Expect) {
			t.Errorf("%s: output %q lacks %q", s.ID, res.RunOutput, s.Expect)
		}
		if res.Builder != string(engine.BuilderBuildah) {
			t.Errorf("%s: built with %q, want buildah", s.ID, res.Builder)
		}
		// Every instruction of the Dockerfile is a step, in a named stage.
		if res.Steps < 3 || len(res.StepResults) != res.Steps {
			t.Errorf("%s: %d steps, %d step results", s.ID, res.Steps, len(res.StepResults))
		}
		for _, st := range res.StepResults {
			if st.Stage == "" || st.Name == "" || strings.Contains(st.Name, "io.docktutor.") {
				t.Errorf("%s: step %+v", s.ID, st)
			}
		}
		if got := res.Info.Labels; got[engine.LabelLesson] != "multistage" || got[engine.LabelStrategy] != s.ID || got[engine.LabelManaged] != "true" {
			t.Errorf("%s: labels %v", s.ID, got)
		}
		sizes[s.ID] = res.SizeBytes
	}
	// docktutor clean finds them under the names docktutor gave them (Podman lists
	// docker.io/docktutor/…).
	m, err := eng.ListManaged(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range l.Strategies {
		tag := lab.Tag(ns, l.ID, s.ID)
		if !slices.ContainsFunc(m.Images, func(im engine.ManagedImage) bool { return slices.Contains(im.Tags, tag) }) {
			t.Errorf("ListManaged does not name %s: %+v", tag, m.Images)
		}
	}
	for _, pair := range [][2]string{{"python-normal", "python-multistage"}, {"python-multistage", "python-distroless"}, {"go-single", "go-multistage"}} {
		if sizes[pair[0]] <= sizes[pair[1]] {
			t.Errorf("%s (%d bytes) should be larger than %s (%d bytes)", pair[0], sizes[pair[0]], pair[1], sizes[pair[1]])
		}
	}

	// A second build of an unchanged strategy: every step but the FROMs from the cache, as
	// the build table and the stage graph show it ("cached 7/9", not "0/0").
	s, _ := l.Strategy("go-distroless")
	res, err := lab.Run(ctx, eng, s, opts, lab.Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	froms := 0
	for _, st := range res.StepResults {
		if engine.IsFrom(st.Name) {
			froms++
		}
	}
	if res.Steps == 0 || froms != 2 || res.CachedSteps != res.Steps-froms {
		t.Errorf("rebuild of go-distroless: %d of %d steps cached, want all but the %d FROMs: %+v", res.CachedSteps, res.Steps, froms, res.StepResults)
	}
	var stages []string
	for _, st := range res.StepResults {
		if !slices.Contains(stages, st.Stage) {
			stages = append(stages, st.Stage)
		}
	}
	if want := []string{"build", "stage-1"}; !slices.Equal(stages, want) {
		t.Errorf("stages %q, want %q", stages, want)
	}
}

// pingAPIVersion asks the service at a unix:// address which API version it serves.
func pingAPIVersion(t *testing.T, host string) string {
	t.Helper()
	path := strings.TrimPrefix(host, "unix://")
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", path)
		},
	}}
	resp, err := hc.Get("http://podman/_ping")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	v := resp.Header.Get("Api-Version")
	if v == "" {
		t.Fatalf("the ping of %s names no API version: %v", host, resp.Header)
	}
	return v
}

// removeOn removes an image the test built from the daemon it was built on.
func removeOn(t *testing.T, eng *engine.Client, ref string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := eng.Remove(ctx, ref); err != nil {
		t.Logf("clean up %s: %v", ref, err)
	}
}
