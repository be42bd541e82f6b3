package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/spf13/cobra"

	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/ui/stagegraph"
)

// graphCorpus holds the Dockerfiles the dockerfile package checks against BuildKit.
var graphCorpus = filepath.Join("..", "dockerfile", "testdata", "corpus")

// runGraph runs `docktutor graph args...` with stdin and returns stdout, stderr and the exit
// code, the way main reports them.
func runGraph(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	g := &globalOptions{streams: Streams{In: strings.NewReader(stdin), Out: &out, Err: &errb}}
	cmd := newGraphCmd(g)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &ExitError{Code: 2, Err: err} })
	cmd.SetIn(g.streams.In)
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SetArgs(args)
	err := cmd.Execute()
	if err != nil {
		errb.WriteString("docktutor: " + err.Error() + "\n")
	}
	return out.String(), errb.String(), ExitCode(err)
}

func corpusFile(name string) string { return filepath.Join(graphCorpus, name+".Dockerfile") }

func TestGraphCommand(t *testing.T) {
	goApp, err := os.ReadFile(corpusFile("go-multistage"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		stdin      string
		args       []string
		wantCode   int
		wantOut    []string // substrings of stdout
		wantErr    string   // substring of stderr
		wantNoErr  bool
		wantPrefix string
	}{
		{
			name: "text by default, 80 columns off a terminal",
			args: []string{"-f", corpusFile("go-multistage")},
			wantOut: []string{"╭─ build ─", "THE IMAGE", "│ from build: copies /out/hello",
				"Only THE IMAGE ships."},
			wantNoErr: true,
		},
		{
			name: "standard input", stdin: string(goApp),
			args:      []string{"-f", "-", "--format", "json"},
			wantOut:   []string{`"name": "build"`, `"kind": "copy"`, `"target": 1`},
			wantNoErr: true,
		},
		{
			name:       "dot",
			args:       []string{"-f", corpusFile("go-multistage"), "--format", "dot"},
			wantPrefix: "digraph dockerfile {",
			wantOut:    []string{`s0 -> s1 [label="COPY /out/hello"]`},
			wantNoErr:  true,
		},
		{
			name:       "mermaid",
			args:       []string{"-f", corpusFile("go-multistage"), "--format", "mermaid"},
			wantPrefix: "flowchart TD",
			wantNoErr:  true,
		},
		{
			name:      "target by name in any case",
			args:      []string{"-f", corpusFile("unused-stages"), "--target", "TEST", "--format", "json"},
			wantOut:   []string{`"target": 1`},
			wantNoErr: true,
		},
		{
			name:      "build args reach FROM",
			args:      []string{"-f", corpusFile("arg-in-from"), "--build-arg", "ALPINE_VERSION=3.21", "--format", "json"},
			wantOut:   []string{`"base": "alpine:3.21"`},
			wantNoErr: true,
		},
		{
			name:     "parse error: exit 1 with the line",
			stdin:    "FROM alpine:3.22\nFORM scratch\n",
			args:     []string{"-f", "-"},
			wantCode: 1,
			wantErr:  "docktutor: <stdin>:2: unknown instruction: FORM (did you mean FROM?)\n",
		},
		{
			name:     "control bytes in an error are escaped",
			stdin:    "FROM alpine:3.22\n\x1b[2JRUN true\n",
			args:     []string{"-f", "-"},
			wantCode: 1,
			wantErr:  `<stdin>:2: unknown instruction: \x1b[2JRUN`,
		},
		{
			name:     "unknown target: exit 2 with the stages",
			args:     []string{"-f", corpusFile("unused-stages"), "--target", "prod"},
			wantCode: 2,
			wantErr:  `target stage "prod" could not be found; the stages are: base, test, lint, build, docs, runtime`,
		},
		{
			name:     "unknown format",
			args:     []string{"-f", corpusFile("go-multistage"), "--format", "svg"},
			wantCode: 2,
			wantErr:  `unknown format "svg"; use text, json, dot, mermaid`,
		},
		{
			name:     "no such file",
			args:     []string{"-f", filepath.Join(t.TempDir(), "Dockerfile")},
			wantCode: 1,
			wantErr:  "no Dockerfile at ",
		},
		{
			name:     "bad flag",
			args:     []string{"--nope"},
			wantCode: 2,
			wantErr:  "unknown flag: --nope",
		},
		{
			name:     "a path without -f",
			args:     []string{"Dockerfile.dev"},
			wantCode: 2,
			wantErr:  "graph takes no arguments; to draw Dockerfile.dev: docktutor graph -f Dockerfile.dev",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, code := runGraph(t, tc.stdin, tc.args...)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.wantCode, stderr)
			}
			for _, w := range tc.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			if tc.wantPrefix != "" && !strings.HasPrefix(out, tc.wantPrefix) {
				t.Errorf("stdout does not start with %q:\n%s", tc.wantPrefix, out)
			}
			if tc.wantErr != "" && !strings.Contains(stderr, tc.wantErr) {
				t.Errorf("stderr %q lacks %q", stderr, tc.wantErr)
			}
			if tc.wantNoErr && stderr != "" {
				t.Errorf("stderr: %s", stderr)
			}
			if strings.Contains(out+stderr, "\x1b") {
				t.Errorf("escape codes in output that is not a terminal")
			}
		})
	}
}

// TestGraphDefaultFile reads ./Dockerfile when -f is not given.
func TestGraphDefaultFile(t *testing.T) {
	src, err := os.ReadFile(corpusFile("go-multistage"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	out, stderr, code := runGraph(t, "", "--format", "json")
	if code != 0 || !strings.Contains(out, `"golang:1.25-alpine"`) {
		t.Fatalf("exit %d, stdout %s, stderr %s", code, out, stderr)
	}
}

// TestGraphText prints exactly the stage graph drawing, at --width when given.
func TestGraphText(t *testing.T) {
	src, err := os.ReadFile(corpusFile("stage-chain"))
	if err != nil {
		t.Fatal(err)
	}
	g, err := dockerfile.Parse(src, dockerfile.Options{Target: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	for _, width := range []int{0, 40, 120} {
		args := []string{"-f", corpusFile("stage-chain"), "--target", "dev"}
		want := width
		if width > 0 {
			args = append(args, "--width", strconv.Itoa(width))
		} else {
			want = 80
		}
		out, stderr, code := runGraph(t, "", args...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if exp := stagegraph.Render(g, nil, stagegraph.PlainStyles(), want) + "\n"; out != exp {
			t.Errorf("width %d: got\n%s\nwant\n%s", width, out, exp)
		}
	}
}

// TestGraphJSONContract checks, for every Dockerfile of the corpus, that `graph --format json`
// has exactly the documented shape and says what the dockerfile package — itself checked
// against BuildKit's parser — says.
func TestGraphJSONContract(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(graphCorpus, "*.Dockerfile"))
	if err != nil || len(files) == 0 {
		t.Fatalf("corpus: %v %d", err, len(files))
	}
	type stage struct {
		Index  *int    `json:"index"`
		Name   *string `json:"name"`
		Base   *string `json:"base"`
		Needed *bool   `json:"needed"`
		Line   *int    `json:"line"`
	}
	type edge struct {
		From  *int     `json:"from"`
		To    *int     `json:"to"`
		Kind  *string  `json:"kind"`
		Paths []string `json:"paths"`
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			out, stderr, code := runGraph(t, "", "-f", f, "--format", "json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			// Exactly these keys at the top.
			var top map[string]json.RawMessage
			if err := json.Unmarshal([]byte(out), &top); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"stages", "edges", "target", "external"} {
				if _, ok := top[k]; !ok {
					t.Errorf("no %q in %s", k, out)
				}
			}
			if len(top) != 4 {
				t.Errorf("top-level keys: %d, want 4", len(top))
			}
			var got struct {
				Stages   []stage  `json:"stages"`
				Edges    []edge   `json:"edges"`
				Target   *int     `json:"target"`
				External []string `json:"external"`
			}
			dec := json.NewDecoder(strings.NewReader(out))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&got); err != nil {
				t.Fatal(err)
			}
			if got.External == nil || got.Edges == nil || got.Target == nil {
				t.Fatalf("null or missing list: %s", out)
			}

			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			g, err := dockerfile.Parse(src, dockerfile.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if *got.Target != g.Target || len(got.Stages) != len(g.Stages) || len(got.Edges) != len(g.Edges) {
				t.Fatalf("JSON %s disagrees with the graph %+v", out, g)
			}
			for i, s := range got.Stages {
				w := g.Stages[i]
				if s.Index == nil || s.Name == nil || s.Base == nil || s.Needed == nil || s.Line == nil {
					t.Fatalf("stage %d lacks a field: %s", i, out)
				}
				if *s.Index != i || *s.Name != w.Name || *s.Base != w.Base || *s.Needed != w.Needed || *s.Line != w.Line {
					t.Errorf("stage %d: %+v, want %+v", i, s, w)
				}
			}
			seen := map[[3]any]bool{}
			for i, e := range got.Edges {
				w := g.Edges[i]
				if e.From == nil || e.To == nil || e.Kind == nil {
					t.Fatalf("edge %d lacks a field", i)
				}
				if *e.From != w.From || *e.To != w.To || *e.Kind != string(w.Kind) {
					t.Errorf("edge %d: %d→%d %s, want %+v", i, *e.From, *e.To, *e.Kind, w)
				}
				k := [3]any{*e.From, *e.To, *e.Kind}
				if seen[k] {
					t.Errorf("edge %v repeated", k)
				}
				seen[k] = true
			}
			if strings.Join(got.External, "\n") != strings.Join(g.External, "\n") {
				t.Errorf("external %q, want %q", got.External, g.External)
			}
		})
	}
}

// TestGraphErrorNamesFile: a Dockerfile error names the file as -f gave it, and a directory
// is said to be one, once (issue 10, bug 7).
func TestGraphErrorNamesFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Mkdir("build", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("build", "odd.Dockerfile"), []byte("FROM alpine:3.22\nCOPPY a b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	long := "FROM alpine:3.22\nRUN echo hi\nRUN echo " + strings.Repeat("x", 70000) + "\n"
	if err := os.WriteFile("long.Dockerfile", []byte(long), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, stdin string
		args        []string
		want        string // all of stderr
	}{
		{"relative path", "", []string{"-f", "build/odd.Dockerfile"},
			"docktutor: build/odd.Dockerfile:2: unknown instruction: COPPY (did you mean COPY?)\n"},
		{"standard input", "FROM alpine:3.22\nCOPPY a b\n", []string{"-f", "-"},
			"docktutor: <stdin>:2: unknown instruction: COPPY (did you mean COPY?)\n"},
		{"over-long line", "", []string{"-f", "long.Dockerfile"},
			"docktutor: long.Dockerfile:3: dockerfile line greater than max allowed size of 65535\n"},
		{"a directory", "", []string{"-f", "build"},
			"docktutor: build is a directory; name the Dockerfile in it: docktutor graph -f " +
				filepath.Join("build", "Dockerfile") + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := runGraph(t, tc.stdin, tc.args...)
			if code != 1 || stderr != tc.want {
				t.Errorf("exit %d, stderr %q; want exit 1, %q", code, stderr, tc.want)
			}
		})
	}
}

// graphHelperEnv, when set, makes TestGraphHelperProcess run `docktutor graph -f $value` on the
// process's own standard streams.
const graphHelperEnv = "DOCKTUTOR_GRAPH_HELPER"

// TestGraphHelperProcess is not a test of its own: TestGraphSilentTerminal runs the test binary
// with it as `docktutor graph` on a terminal.
func TestGraphHelperProcess(t *testing.T) {
	file := os.Getenv(graphHelperEnv)
	switch file {
	case "":
		return
	case "query":
		// Ask the terminal, with time to spare for a slow test machine, and say the answer.
		tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		dark, answered := queryBackground(tty, 10*time.Second)
		tty.Close()
		fmt.Printf("\ndark=%v answered=%v\n", dark, answered)
		os.Exit(0)
	}
	g := &globalOptions{streams: Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}}
	cmd := newGraphCmd(g)
	cmd.SetArgs([]string{"-f", file})
	err := cmd.Execute()
	os.Exit(ExitCode(err))
}

// scriptCommand runs the test binary's TestGraphHelperProcess under script(1), on a terminal
// of its own, with helper as graphHelperEnv and TERM=term; tests skip where script is not
// util-linux's.
func scriptCommand(t *testing.T, helper, term string) *exec.Cmd {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("script(1) from util-linux gives the command a terminal")
	}
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("no script(1) to run graph on a terminal")
	}
	self := "'" + strings.ReplaceAll(os.Args[0], "'", `'\''`) + "'"
	cmd := exec.Command(script, "-q", "-e", "-c", self+" -test.run=^TestGraphHelperProcess$", "/dev/null")
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NO_COLOR=") && !strings.HasPrefix(kv, "TERM=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, graphHelperEnv+"="+helper, "TERM="+term)
	return cmd
}

// TestGraphSilentTerminal runs graph on a terminal that never answers the background-colour
// query (script(1) gives it a pty nobody answers on): it must not wait for the answer more
// than a moment (it took 4 s), and must not ask at all when TERM=dumb (issue 10, bug 8). The
// time is compared with a run that does not ask (NO_COLOR), so that a slow machine or -race,
// which slow the start of the process, do not count.
func TestGraphSilentTerminal(t *testing.T) {
	file, err := filepath.Abs(corpusFile("go-multistage"))
	if err != nil {
		t.Fatal(err)
	}
	run := func(t *testing.T, term string, env ...string) (string, time.Duration) {
		t.Helper()
		cmd := scriptCommand(t, file, term)
		cmd.Env = append(cmd.Env, env...)
		// A pipe nobody writes to: the terminal's keyboard stays silent, and script does not
		// end the session on end of input.
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		defer stdin.Close()
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		err = cmd.Run()
		took := time.Since(start)
		if err != nil {
			t.Fatalf("%v after %s: %q", err, took, out.String())
		}
		if !strings.Contains(out.String(), "THE IMAGE") {
			t.Errorf("no drawing: %q", out.String())
		}
		return out.String(), took
	}
	out, base := run(t, "xterm-256color", "NO_COLOR=1")
	if strings.Contains(out, "\x1b]11;?") {
		t.Fatalf("NO_COLOR: asked for the background colour")
	}
	for _, term := range []string{"xterm-256color", "dumb"} {
		t.Run(term, func(t *testing.T) {
			out, took := run(t, term)
			if took > base+time.Second {
				t.Errorf("graph took %s on a terminal that does not answer, %s without asking; want well under 1s more",
					took.Round(time.Millisecond), base.Round(time.Millisecond))
			}
			if asked, want := strings.Contains(out, "\x1b]11;?"), term != "dumb"; asked != want {
				t.Errorf("TERM=%s: asked for the background colour: %v, want %v", term, asked, want)
			}
		})
	}
}

// TestGraphBackgroundAnswer: a terminal that answers is heard, at once, on a terminal of its
// own: the query is answered as soon as it is seen, with a light background.
func TestGraphBackgroundAnswer(t *testing.T) {
	cmd := scriptCommand(t, "query", "xterm-256color")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait() //nolint:errcheck // the output says how it went
	var seen bytes.Buffer
	r := bufio.NewReader(io.TeeReader(stdout, &seen))
	for !bytes.Contains(seen.Bytes(), []byte("\x1b[c")) { // the query's last part
		if _, err := r.ReadByte(); err != nil {
			t.Fatalf("no query: %q", seen.String())
		}
	}
	if _, err := io.WriteString(stdin, "\x1b]11;rgb:ffff/ffff/eeee\x1b\\\x1b[?62;22c"); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(r)
	if !bytes.Contains(rest, []byte("dark=false answered=true")) {
		t.Errorf("after the answer: %q", rest)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %s: the answer was not heard, the timeout ended the wait", took)
	}
}

func TestReadBackground(t *testing.T) {
	tests := []struct {
		name, answer   string
		dark, answered bool
	}{
		{"light, ST", "\x1b]11;rgb:ffff/ffff/ffff\x1b\\\x1b[?62;22c", false, true},
		{"light, BEL", "\x1b]11;rgb:eeee/eeee/e0e0\x07\x1b[?1;2c", false, true},
		{"dark", "\x1b]11;rgb:1c1c/1c1c/1c1c\x07\x1b[?62c", true, true},
		{"device attributes only", "\x1b[?62;22c", true, false},
		{"nothing", "", true, false},
		{"garbage then light", "abc\x1b[1;1R\x1b]11;rgb:ffff/ffff/ffff\x07\x1b[?62c", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dark, answered := readBackground(strings.NewReader(tc.answer))
			if dark != tc.dark || answered != tc.answered {
				t.Errorf("dark %v answered %v, want %v %v", dark, answered, tc.dark, tc.answered)
			}
		})
	}
	// One byte at a time, as a slow terminal may send it.
	dark, answered := readBackground(iotest.OneByteReader(strings.NewReader(tests[0].answer)))
	if dark || !answered {
		t.Errorf("one byte at a time: dark %v answered %v", dark, answered)
	}
	if isDark(color.White) || !isDark(color.Black) {
		t.Error("isDark has black and white the wrong way round")
	}
}
