package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/enginefake"
	"github.com/docktutor/docktutor/internal/lab"
	"github.com/docktutor/docktutor/internal/progress"
)

// run executes the command line with a fake engine and returns stdout, stderr and the exit code.
func run(t *testing.T, fe *enginefake.Engine, args ...string) (string, string, int) {
	t.Helper()
	isolateFiles(t)
	connect := func(context.Context) (engine.Engine, engine.DaemonInfo, error) {
		if fe == nil {
			return nil, engine.DaemonInfo{}, &engine.DaemonError{Endpoint: "unix:///nowhere", Hint: "Docker is not running"}
		}
		return fe, fe.DaemonInfo, nil
	}
	return runWith(t, connect, args...)
}

// isolateFiles keeps the learner's own progress and results out of the test, unless the test
// gave it folders of its own already.
func isolateFiles(t *testing.T) {
	t.Helper()
	if os.Getenv(progress.EnvStateDir) == "" {
		t.Setenv(progress.EnvStateDir, t.TempDir())
		t.Setenv(progress.EnvCacheDir, t.TempDir())
	}
}

// runWith executes the command line with the engine connect opens (connectEngine for the real
// daemon) and returns stdout, stderr and the exit code.
func runWith(t *testing.T, connect func(context.Context) (engine.Engine, engine.DaemonInfo, error), args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	root := newRootCmd(&globalOptions{streams: Streams{In: strings.NewReader(""), Out: &out, Err: &errb}, connect: connect})
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	if err != nil {
		errb.WriteString("docktutor: " + err.Error() + "\n")
	}
	return out.String(), errb.String(), ExitCode(err)
}

func TestListInOrder(t *testing.T) {
	out, _, code := run(t, nil, "list", "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var got struct {
		Lessons []struct{ ID, Title string } `json:"lessons"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("list --json is not JSON: %v\n%s", err, out)
	}
	if len(got.Lessons) == 0 || got.Lessons[0].ID == "" {
		t.Fatalf("no lessons: %s", out)
	}
	text, _, _ := run(t, nil, "list")
	for _, l := range got.Lessons {
		if !strings.Contains(text, l.ID) || !strings.Contains(text, l.Title) {
			t.Errorf("list lacks %s %q:\n%s", l.ID, l.Title, text)
		}
	}
}

func TestUnknownLesson(t *testing.T) {
	for _, args := range [][]string{{"lesson", "nope"}, {"build", "nope"}} {
		_, stderr, code := run(t, nil, args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if !strings.Contains(stderr, `unknown lesson "nope"; available: normal, multistage, distroless, cache, target, workflow, pitfalls, scratch, context, qa`) {
			t.Errorf("%v: stderr %q", args, stderr)
		}
	}
}

func TestBuildJSON(t *testing.T) {
	fe := enginefake.New(map[string]int64{"docktutor/multistage:go-multistage": 12345678})
	fe.DefaultOutput = "GET / -> 200 OK\nHello"
	out, stderr, code := run(t, fe, "build", "multistage", "--strategy", "go-multistage", "--json", "--builder", "legacy")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Lesson  string `json:"lesson"`
		Results []struct {
			Strategy     string  `json:"strategy"`
			Image        string  `json:"image"`
			Builder      string  `json:"builder"`
			SizeBytes    int64   `json:"size_bytes"`
			Layers       int     `json:"layers"`
			BuildSeconds float64 `json:"build_seconds"`
			CachedSteps  int     `json:"cached_steps"`
			RunOutput    string  `json:"run_output"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if rep.Lesson != "multistage" || len(rep.Results) != 1 {
		t.Fatalf("report: %+v", rep)
	}
	r := rep.Results[0]
	if r.Strategy != "go-multistage" || r.Image != "docktutor/multistage:go-multistage" || r.Builder != "legacy" ||
		r.SizeBytes != 12345678 || r.Layers != 1 || r.BuildSeconds != 1.5 || !strings.Contains(r.RunOutput, "200 OK") {
		t.Errorf("result: %+v", r)
	}
}

func TestBuildFailureExitsNonZero(t *testing.T) {
	fe := enginefake.New(nil)
	fe.DefaultOutput = "something else"
	out, stderr, code := run(t, fe, "build", "multistage", "-s", "go-single", "-q")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(stderr, "does not contain") || !strings.Contains(out, "FAILED") {
		t.Errorf("failure not explained:\nstdout %s\nstderr %s", out, stderr)
	}
	_, stderr, code = run(t, nil, "build", "multistage")
	if code != 1 || !strings.Contains(stderr, "Docker is not running") {
		t.Errorf("no daemon: exit %d, stderr %q", code, stderr)
	}
	_, stderr, code = run(t, fe, "build", "multistage", "-s", "nope")
	if code != 2 || !strings.Contains(stderr, "go-multistage") {
		t.Errorf("unknown strategy: exit %d, stderr %q", code, stderr)
	}
	_, _, code = run(t, fe, "build", "multistage", "--builder", "podman")
	if code != 2 {
		t.Errorf("bad builder: exit %d, want 2", code)
	}
}

func TestLessonNeedsTerminal(t *testing.T) {
	_, stderr, code := run(t, nil, "lesson", "multistage")
	if code != 2 || !strings.Contains(stderr, "needs a terminal") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestLessonsFlag(t *testing.T) {
	_, stderr, code := run(t, nil, "--lessons", t.TempDir(), "list")
	if code != 2 || !strings.Contains(stderr, "course.yaml") {
		t.Errorf("empty lessons folder: exit %d, stderr %q", code, stderr)
	}
	_, _, code = run(t, nil, "--lessons", "../../lessons", "list")
	if code != 0 {
		t.Errorf("the repository's lessons folder: exit %d", code)
	}
}

// TestFirstLine: the results table shows the first line of untrusted container output, without
// its colours and with anything else a terminal could act on escaped.
func TestFirstLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hello\nGET / -> 200 OK\n", "Hello"},
		{"\x1b[32mgreen\x1b[0m and \x1b]0;title\x07plain", "green and plain"},
		{"right-to-left \u202eevil", `right-to-left \u202eevil`},
		{strings.Repeat("é", 70), strings.Repeat("é", 57) + "..."},
	}
	for _, tt := range tests {
		if got := firstLine(tt.in); got != tt.want {
			t.Errorf("firstLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestPrintResultsMarksStandIns: a size measured on a test stand-in for the base image says so.
func TestPrintResultsMarksStandIns(t *testing.T) {
	var b strings.Builder
	printResults(&b, []lab.Result{
		{Strategy: "python", BaseImage: "python:3.13", StandIn: true, SizeBytes: 1, Passed: true},
		{Strategy: "go", BaseImage: "golang:1.27", SizeBytes: 1, Passed: true},
	})
	out := b.String()
	if !strings.Contains(out, "python:3.13 (test stand-in)") || strings.Contains(out, "golang:1.27 (test stand-in)") {
		t.Errorf("stand-ins not marked, or the real image marked:\n%s", out)
	}
}

// TestErrorText: what main prints of an error keeps its lines and words and loses every
// escape sequence and control character.
func TestErrorText(t *testing.T) {
	err := errors.New("build x: RUN echo\x1b]0;title\x07 failed\nlast output: \x1b[31mred\x1b[0m\x07")
	if got, want := ErrorText(err), "build x: RUN echo failed\nlast output: red"; got != want {
		t.Errorf("ErrorText = %q, want %q", got, want)
	}
}

// TestBuildErrorSaysEachThingOnce: a failed build reads "build <strategy>: <what failed>" in the
// summary and in the table, with nothing said twice (bug 9: it read "go-single: build
// go-single: build docktutor/multistage:go-single: RUN …").
func TestBuildErrorSaysEachThingOnce(t *testing.T) {
	const reason = "RUN go build -o /app .: The command '/bin/sh -c go build -o /app .' returned a non-zero code: 1"
	fe := enginefake.New(nil)
	fe.Fail = map[string]string{"docktutor/multistage:go-single": reason}
	out, stderr, code := run(t, fe, "build", "multistage", "-s", "go-single", "-q")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if want := "docktutor: 1 of 1 strategies failed:\n  build go-single: " + reason + "\n"; !strings.HasSuffix(stderr, want) {
		t.Errorf("stderr\n%s\nwant it to end with\n%s", stderr, want)
	}
	if !strings.Contains(out, "FAILED: build go-single: RUN go build") {
		t.Errorf("the table does not say what failed:\n%s", out)
	}
}
