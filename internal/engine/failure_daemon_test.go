package engine

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/docktutor/docktutor/internal/dockertest"
)

// The daemon this test kills is a private one (internal/dockertest): never the shared daemon,
// which other tests and people use.

// TestFailureDaemonDiesMidBuild kills the daemon while a RUN step sleeps: Build must return a
// *DaemonError within about a second, naming the endpoint and context; after a restart a retry
// must work on the same Client and leave nothing of the dead build behind (the legacy builder's
// container of the killed step survives the daemon's restart, exited: the retry removes it).
func TestFailureDaemonDiesMidBuild(t *testing.T) {
	d := dockertest.Start(t)
	dockertest.NeedImage(t, requireDaemon(t).Inspect, testBase)
	d.Load(t, testBase)
	t.Setenv("DOCKER_HOST", d.Host)

	for _, b := range builders {
		t.Run(string(b), func(t *testing.T) {
			ctx := buildCtx(t)
			c, err := New(ctx)
			if err != nil {
				t.Fatalf("private daemon: %v\n%s", err, d.LogTail())
			}
			defer c.Close()
			marker := "docktutor-death-" + nonce()
			req := BuildRequest{
				Context: mapFS(
					"Dockerfile", "FROM "+testBase+"\nCOPY sleep /sleep\nRUN echo "+marker+" && sleep $(cat /sleep)\n",
					"sleep", "30"),
				Tag:     "docktutor-test/death:" + string(b),
				Builder: b,
				NoCache: true,
			}
			var killed time.Time
			var events []Event
			emit := func(e Event) {
				events = append(events, e)
				if e.Kind == EventLog && strings.Contains(e.Text, marker) && killed.IsZero() {
					d.Kill(t)
					killed = time.Now()
				}
			}
			_, err = c.Build(ctx, req, emit)
			if killed.IsZero() {
				t.Fatalf("the RUN never printed its marker; err = %v\nevents %v", err, events)
			}
			took := time.Since(killed)
			t.Logf("Build returned %s after the kill: %v", took, err)
			if took > 2*time.Second {
				t.Errorf("Build returned %s after the daemon died, want about a second", took)
			}
			var de *DaemonError
			if !errors.As(err, &de) {
				t.Fatalf("error %v (%T), want a *DaemonError", err, err)
			}
			for _, w := range []string{"stopped answering during the build", d.Host, `context "default", from DOCKER_HOST`, "build again"} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if errs := eventsOf(events, EventError); len(errs) == 0 || !strings.Contains(errs[len(errs)-1].Text, "stopped answering") {
				t.Errorf("no EventError saying the daemon went away: %v", errs)
			}
			if _, err := c.Info(ctx); err == nil {
				t.Error("Info answers with the daemon dead")
			}

			if err := d.Restart(); err != nil {
				t.Fatalf("restart: %v\n%s", err, d.LogTail())
			}
			req.Context = mapFS("Dockerfile", "FROM "+testBase+"\nCOPY sleep /sleep\nRUN echo "+marker+" && sleep $(cat /sleep)\n", "sleep", "0")
			res, err := c.Build(ctx, req, nil)
			if err != nil {
				t.Fatalf("retry after the restart: %v", err)
			}

			// Only the retry's image is docktutor's, and no container is left at all.
			m, err := c.ListManaged(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Containers) != 0 || len(m.Images) != 1 || m.Images[0].ID != res.ImageID || !slices.Equal(m.Images[0].Tags, []string{req.Tag}) {
				t.Errorf("after the retry: %+v, want only %s (%s)", m, req.Tag, res.ImageID)
			}
			if ps := d.Docker(t, "ps", "-a", "--format", "{{.ID}} {{.Status}} {{.Command}}"); ps != "" {
				t.Errorf("containers left behind:\n%s", ps)
			}
			if err := c.Remove(ctx, req.Tag); err != nil {
				t.Error(err)
			}
		})
	}
}
