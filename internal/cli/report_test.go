package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/docktutor/docktutor/internal/progress"
)

func TestReportCommand(t *testing.T) {
	isolateFiles(t)
	s, _, err := progress.Open(os.Getenv(progress.EnvStateDir))
	if err != nil {
		t.Fatal(err)
	}
	s.MarkBuilt("normal", "python")
	s.RecordExercise("multistage", "ship-thin-go", 3, 3)
	s.RecordExercise("cache", "cache-order", 1, 2)
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}

	out, errOut, code := run(t, nil, "report")
	if code != 0 || !strings.HasPrefix(out, "# docktutor report\n") || !strings.Contains(out, "| 1 | `normal` — ") ||
		!strings.Contains(out, "| started | 1/2 |") {
		t.Errorf("report (exit %d, stderr %q):\n%s", code, errOut, out)
	}

	file := filepath.Join(t.TempDir(), "r.json")
	out, errOut, code = run(t, nil, "report", "--format", "json", "-o", file)
	if code != 0 || out != "" || !strings.Contains(errOut, file) {
		t.Fatalf("report -o: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Lessons []struct {
			ID, Status string
			Strategies []struct {
				ID    string
				Built bool
			}
		}
	}
	if err := json.Unmarshal(data, &r); err != nil || len(r.Lessons) == 0 || r.Lessons[0].ID != "normal" ||
		r.Lessons[0].Status != "partial" || !r.Lessons[0].Strategies[0].Built {
		t.Errorf("JSON report %v: %s", err, data)
	}

	var ex struct {
		Exercises []struct {
			ID     string
			Done   bool
			Detail string
		}
	}
	if err := json.Unmarshal(data, &ex); err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, e := range ex.Exercises {
		seen[e.ID] = fmt.Sprint(e.Done, " ", e.Detail)
	}
	if seen["ship-thin-go"] != "true " || seen["cache-order"] != "false 1 of 2 goals" || seen["nonroot"] != "false " {
		t.Errorf("the report's exercises: %v", seen)
	}

	if _, errOut, code := run(t, nil, "report", "--format", "html"); code != 2 || !strings.Contains(errOut, `unknown report format "html"`) {
		t.Errorf("--format html: exit %d, %q", code, errOut)
	}
}

// On a terminal the report is drawn, not printed as Markdown: the source's table rows and code
// marks are gone, lines fit the width, the colour style rules its tables, and the colourless
// style (NO_COLOR) has no escape codes.
func TestRenderReportForTheTerminal(t *testing.T) {
	md := "# docktutor report\n\n| Lesson | Status |\n|---|---|\n| `normal` — Normal builds | done |\n\nA paragraph long enough to be wrapped at the narrow width this test asks for, and then some more words.\n"
	for _, style := range []string{"notty", "dark"} {
		out, err := renderReport(md, style, 40)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out, "|---|") || strings.Contains(out, "| done |") || strings.Contains(out, "`normal`") || (style == "dark") != strings.Contains(out, "─") {
			t.Errorf("%s: the Markdown shows through:\n%s", style, out)
		}
		for _, line := range strings.Split(out, "\n") {
			if w := ansi.StringWidth(line); w > 40 {
				t.Errorf("%s: line of %d columns at width 40: %q", style, w, line)
			}
		}
		if got := strings.Contains(out, "\x1b["); got != (style == "dark") {
			t.Errorf("%s: escape codes present = %v", style, got)
		}
	}
}
