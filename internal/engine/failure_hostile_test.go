package engine

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/docktutor/docktutor/internal/dockertest"
)

// TestFailureHostileOutput runs dockertest.HostileRun through the real engine with both
// builders. The decoder's promise (cleanLine): no escape sequence and no line break survives in an event, so
// nothing in Text or Name can move the cursor, clear the screen, set a title or write the
// clipboard, and the printed words survive. Colour is dropped too (the UI styles lines itself).
// Single control characters (BEL, BS, DEL, C1) are not the decoder's business: they are listed
// in the log, and the UI's sanitizeLine drops them (internal/ui TestHostileBuildOutput).
func TestFailureHostileOutput(t *testing.T) {
	c := requireDaemon(t)
	requireImage(t, c, testBase)
	for _, b := range builders {
		t.Run(string(b), func(t *testing.T) {
			tag := testTag(t, c, "hostile-"+string(b))
			var events []Event
			req := BuildRequest{Context: mapFS("Dockerfile", "FROM "+testBase+"\n"+dockertest.HostileRun+"\n"), Tag: tag, Builder: b, NoCache: true}
			if _, err := c.Build(buildCtx(t), req, collect(&events)); err != nil {
				t.Fatal(err)
			}
			var logs []string
			left := map[string]bool{}
			for _, e := range events {
				for _, s := range []string{e.Text, e.Name} {
					if strings.ContainsAny(s, "\x1b\r\n") {
						t.Errorf("%s event carries an escape or a line break: %q", e.Kind, s)
					}
					for _, r := range s {
						if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == utf8.RuneError {
							left[fmt.Sprintf("%U", r)] = true
						}
					}
				}
				if e.Kind == EventLog {
					logs = append(logs, e.Text)
				}
			}
			all := strings.Join(logs, "\n")
			for _, want := range []string{"HOSTILE-START", "moved", "after-osc", "after-dcs", "red plain bold-green", "reset-done", "HOSTILE-END"} {
				if !strings.Contains(all, want) {
					t.Errorf("the build's output lost %q:\n%q", want, logs)
				}
			}
			for _, payload := range []string{"pwned-title", "ZWNobyBvd25lZA", "st-title"} {
				if strings.Contains(all, payload) {
					t.Errorf("the payload of an OSC sequence (%q) came through as text:\n%q", payload, logs)
				}
			}
			t.Logf("single controls left for the UI's sanitizer: %v", keys(left))
		})
	}
}

func keys(m map[string]bool) []string { return slices.Sorted(maps.Keys(m)) }
