package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
