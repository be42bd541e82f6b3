package engine

import (
	"strconv"
	"strings"
	"testing"

	"github.com/docktutor/docktutor/internal/dockertest"
)

// TestIntegrationBuildNetwork checks that Network "none" reaches both builders: the RUN step
// sees only the loopback interface, where by default it sees the bridge's eth0 too.
func TestIntegrationBuildNetwork(t *testing.T) {
	c := requireDaemon(t)
	dockertest.NeedImage(t, c.Inspect, testBase)
	fsys := mapFS("Dockerfile", "FROM "+testBase+"\nRUN echo \"nics "+nonce()+": $(ls /sys/class/net | tr '\\n' ' ')\"\n")
	for _, b := range builders {
		for _, network := range []string{"", "none"} {
			t.Run(string(b)+"/"+network, func(t *testing.T) {
				tag := testTag(t, c, "net-"+string(b))
				var events []Event
				req := BuildRequest{Context: fsys, Tag: tag, Builder: b, NoCache: true, Network: network,
					Labels: map[string]string{LabelLesson: "test"}}
				if _, err := c.Build(buildCtx(t), req, collect(&events)); err != nil {
					t.Fatalf("build: %v", err)
				}
				nics := logLine(events, "nics ")
				t.Logf("%s", nics)
				if cut := !strings.Contains(nics, "eth0"); cut != (network == "none") || !strings.Contains(nics, "lo") {
					t.Errorf("Network %q: the RUN step saw %q", network, nics)
				}
			})
		}
	}
}

// TestIntegrationBuildMemory checks that Memory reaches the legacy builder's RUN containers as
// their cgroup's limit.
func TestIntegrationBuildMemory(t *testing.T) {
	c := requireDaemon(t)
	dockertest.NeedImage(t, c.Inspect, testBase)
	const limit = 96 << 20
	fsys := mapFS("Dockerfile", "FROM "+testBase+"\nRUN echo \"mem "+nonce()+
		": $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max)\"\n")
	tag := testTag(t, c, "mem")
	var events []Event
	req := BuildRequest{Context: fsys, Tag: tag, Builder: BuilderLegacy, NoCache: true, Memory: limit,
		Labels: map[string]string{LabelLesson: "test"}}
	if _, err := c.Build(buildCtx(t), req, collect(&events)); err != nil {
		t.Fatalf("build: %v", err)
	}
	mem := logLine(events, "mem ")
	if !strings.HasSuffix(mem, ": "+strconv.Itoa(limit)) {
		t.Errorf("the RUN step's memory limit: %q, want %d", mem, limit)
	}
}

// logLine is the text of the first log event that starts with prefix, "" when none does.
func logLine(events []Event, prefix string) string {
	for _, e := range events {
		if e.Kind == EventLog && strings.HasPrefix(e.Text, prefix) {
			return e.Text
		}
	}
	return ""
}
