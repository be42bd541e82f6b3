package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docktutor/docktutor/internal/enginefake"
	"github.com/docktutor/docktutor/internal/exercise"
	"github.com/docktutor/docktutor/internal/inside"
	"github.com/docktutor/docktutor/internal/lab"
)

// exerciseFake is a fake daemon on which ship-thin-go's image weighs size and carries the
// Go toolchain when toolchain is set, and passes its self-test.
func exerciseFake(size int64, toolchain bool) *enginefake.Engine {
	tag := exercise.Tag("", "ship-thin-go")
	fe := enginefake.New(map[string]int64{tag: size})
	fe.DefaultOutput = "GET / -> 200 OK\n"
	entries := []inside.Entry{{Path: "/webapp", Kind: inside.KindFile, Size: 100, Mode: 0o755}}
	if toolchain {
		entries = append(entries, inside.Entry{Path: "/usr/local/go/bin/go", Kind: inside.KindFile, Size: 100, Mode: 0o755})
	}
	fe.Inside = map[string]inside.Report{tag: inside.FromEntries(entries)}
	return fe
}

func TestExerciseListJSON(t *testing.T) {
	out, _, code := run(t, nil, "exercise", "list", "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) < 8 {
		t.Fatalf("%d exercises", len(got))
	}
	for _, e := range got {
		if len(e) != 4 || e["id"] == "" || e["lesson"] == "" || e["title"] == "" || e["solved"] != false {
			t.Errorf("entry %v: want id, lesson, title and solved=false", e)
		}
	}
}

func TestExerciseCheckFailingJSONAndProgress(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	fe := exerciseFake(910_400_000, true)
	out, _, code := run(t, fe, "exercise", "check", "ship-thin-go", "--json")
	if code != 1 {
		t.Fatalf("exit %d, want 1 for unmet goals\n%s", code, out)
	}
	var got struct {
		Exercise string `json:"exercise"`
		Passed   bool   `json:"passed"`
		Goals    []struct {
			ID, Title, Measured, Want string
			Passed                    bool
		} `json:"goals"`
		Error *string `json:"error"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got.Exercise != "ship-thin-go" || got.Passed || len(got.Goals) != 3 || got.Error == nil {
		t.Fatalf("report %+v", got)
	}
	for _, g := range got.Goals {
		wantPass := g.ID == "runs"
		if g.Passed != wantPass || g.Measured == "" || g.Want == "" {
			t.Errorf("goal %+v, want passed=%v with measured and want", g, wantPass)
		}
	}
	// The workspace file was made from the starter, and the check recorded.
	if b, err := os.ReadFile(filepath.Join(os.Getenv("XDG_DATA_HOME"), "docktutor", "exercises", "ship-thin-go", "Dockerfile")); err != nil || !strings.Contains(string(b), "FROM golang:1.27") {
		t.Errorf("workspace: %q, %v", b, err)
	}
	out, _, _ = run(t, nil, "exercise", "list")
	if !strings.Contains(out, "1/3 goals") {
		t.Errorf("list does not show the check:\n%s", out)
	}
}

func TestExerciseCheckPassingText(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	file := filepath.Join(t.TempDir(), "Dockerfile")
	if err := os.WriteFile(file, []byte("FROM golang:1.27 AS build\nFROM scratch\nCOPY --from=build /x /webapp\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := run(t, exerciseFake(6_500_000, false), "exercise", "check", "ship-thin-go", "--file", file)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{"✓ The image is at most 25 MB: 6.5 MB (≤ 25 MB)", "ship-thin-go: solved, 3/3 goals"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colours on a non-terminal")
	}
	out, _, _ = run(t, nil, "progress")
	if !strings.Contains(out, "1/2 solved") {
		t.Errorf("progress does not count the solved exercise:\n%s", out)
	}
}

func TestExerciseCheckUsage(t *testing.T) {
	for _, args := range [][]string{
		{"exercise", "check"},
		{"exercise", "check", "nope"},
		{"exercise", "check", "ship-thin-go", "--solution", "--starter"},
		{"exercise", "check", "--all", "ship-thin-go"},
		{"exercise", "check", "ship-thin-go", "--file", "/does/not/exist"},
		{"exercise", "reset"},
	} {
		if _, errOut, code := run(t, exerciseFake(1, false), args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errOut)
		}
	}
}

func TestExerciseCheckParseError(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	file := filepath.Join(t.TempDir(), "Dockerfile")
	if err := os.WriteFile(file, []byte("FROM scratch\nCOPPY a b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fe := exerciseFake(1, false)
	out, _, code := run(t, fe, "exercise", "check", "ship-thin-go", "--file", file)
	if code != 1 || !strings.Contains(out, "Dockerfile:2: unknown instruction: COPPY") || len(fe.Builds()) != 0 {
		t.Errorf("exit %d, builds %v:\n%s", code, fe.Builds(), out)
	}
}

func TestExerciseReset(t *testing.T) {
	data := t.TempDir()
	t.Setenv("XDG_DATA_HOME", data)
	p := filepath.Join(data, "docktutor", "exercises", "nonroot", "Dockerfile")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("FROM mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := run(t, nil, "exercise", "reset", "nonroot")
	if b, _ := os.ReadFile(p); code != 0 || strings.Contains(string(b), "FROM mine") || !strings.Contains(out, p) {
		t.Errorf("exit %d, file %q, output %q", code, b, out)
	}
}

// TestExerciseCheckAllStarters: --all --starter passes when every starter misses a goal, and
// records nothing (the starters are not the learner's work).
func TestExerciseCheckAllStarters(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	fe := exerciseFake(900_000_000, true)
	fe.DefaultOutput = "" // nothing prints what the goals expect
	// The predicted sizes, measured: the toolchain image is the largest, as the starter does not say.
	for id, n := range map[string]int64{"go-single": 1000e6, "python-normal": 800e6, "python-multistage": 200e6,
		"python-distroless": 50e6, "go-multistage": 14e6, "go-distroless": 6e6} {
		fe.Sizes[lab.Tag("", "multistage", id)] = n
	}
	out, errOut, code := run(t, fe, "exercise", "check", "--all", "--starter")
	if code != 0 || !strings.Contains(out, "8 exercises checked") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	out, _, _ = run(t, nil, "exercise", "list", "--json")
	if strings.Contains(out, `"solved": true`) {
		t.Errorf("a starter check was recorded:\n%s", out)
	}
}
