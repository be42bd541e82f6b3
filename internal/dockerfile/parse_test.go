package dockerfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// testPlatform keeps the automatic platform ARGs the same on every machine.
const testPlatform = "linux/amd64"

// corpusCases are the Dockerfiles of testdata/corpus and the targets they are read for. Each
// has a golden JSON file testdata/golden/<name>.json.
var corpusCases = []struct {
	name, file, target string
}{
	{"go-multistage", "go-multistage", ""},
	{"go-scratch", "go-scratch", ""},
	{"single-stage", "single-stage", ""},
	{"python-venv", "python-venv", ""},
	{"distroless-python", "distroless-python", ""},
	{"distroless-python-debug", "distroless-python", "debug"},
	{"arg-in-from", "arg-in-from", ""},
	{"cross-compile", "cross-compile", ""},
	{"numeric-from", "numeric-from", ""},
	{"numeric-unregistered", "numeric-unregistered", ""},
	{"external-images", "external-images", ""},
	{"mounts", "mounts", ""},
	{"unused-stages", "unused-stages", ""},
	{"unused-stages-target-test", "unused-stages", "test"},
	{"unused-stages-target-lint", "unused-stages", "LINT"},
	{"stage-chain", "stage-chain", ""},
	{"stage-chain-target-dev", "stage-chain", "dev"},
	{"heredocs", "heredocs", ""},
	{"escape-directive", "escape-directive", ""},
	{"crlf", "crlf", ""},
	{"bom", "bom", ""},
	{"lowercase", "lowercase", ""},
	{"mixed-case-names", "mixed-case-names", ""},
	{"mixed-case-names-target-tester", "mixed-case-names", "Tester"},
	{"duplicate-names", "duplicate-names", ""},
	{"only-from", "only-from", ""},
	{"legacy-steps", "legacy-steps", ""},
	{"legacy-steps-target-mid", "legacy-steps", "mid"},
	{"sixty-stages", "sixty-stages", ""},
	{"sixty-stages-target-svc07", "sixty-stages", "svc07"},
	{"forward-copy-default-target", "../broken/forward-copy", ""},
	// The lesson's own Dockerfiles (lessons/multistage), as of this test.
	{"lesson-go-single", "lesson-go-single", ""},
	{"lesson-go-multistage", "lesson-go-multistage", ""},
	{"lesson-go-distroless", "lesson-go-distroless", ""},
	{"lesson-python-normal", "lesson-python-normal", ""},
	{"lesson-python-multistage", "lesson-python-multistage", ""},
	{"lesson-python-distroless", "lesson-python-distroless", ""},
}

func readCorpus(t testing.TB, file string) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "corpus", file+".Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestParseCorpus(t *testing.T) {
	for _, tc := range corpusCases {
		t.Run(tc.name, func(t *testing.T) {
			src := readCorpus(t, tc.file)
			g, err := Parse(src, Options{Target: tc.target, Platform: testPlatform})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got, err := json.MarshalIndent(g, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", "golden", tc.name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("JSON differs from %s (go test -update to accept):\n got: %s\nwant: %s", golden, got, want)
			}
			checkInvariants(t, g)
			agreeWithBuildKit(t, src, g)
		})
	}
}

// agreeWithBuildKit reads the file again with BuildKit's parser and instruction decoder alone
// and checks that the graph says what they say: the stages, their names and lines, their
// instructions, and the ARGs before the first FROM.
func agreeWithBuildKit(t *testing.T, src []byte, g *Graph) {
	t.Helper()
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	stages, metaArgs, err := instructions.Parse(res.AST, linter.New(&linter.Config{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(stages) != len(g.Stages) {
		t.Fatalf("BuildKit sees %d stages, the graph %d", len(stages), len(g.Stages))
	}
	if len(metaArgs) != g.MetaArgSteps {
		t.Errorf("BuildKit sees %d global ARGs, the graph %d", len(metaArgs), g.MetaArgSteps)
	}
	legacy := len(metaArgs)
	for i, st := range stages {
		s := g.Stages[i]
		if s.Name != st.Name {
			t.Errorf("stage %d: name %q, BuildKit %q", i, s.Name, st.Name)
		}
		if s.Line != st.Location[0].Start.Line {
			t.Errorf("stage %d: line %d, BuildKit %d", i, s.Line, st.Location[0].Start.Line)
		}
		if len(s.Instructions) != len(st.Commands) {
			t.Errorf("stage %d: %d instructions, BuildKit %d", i, len(s.Instructions), len(st.Commands))
		}
		// A base stage is one BuildKit can find by the expanded FROM text among earlier names.
		if s.BaseStage >= 0 {
			if s.BaseStage >= i || stages[s.BaseStage].Name != s.Base {
				t.Errorf("stage %d: base stage %d does not match BuildKit's name %q", i, s.BaseStage, s.Base)
			}
		}
		legacy += 1 + len(st.Commands)
	}
	// Every instruction of the file is a step of the legacy builder.
	if legacy != len(res.AST.Children) {
		t.Errorf("steps: %d, AST instructions: %d", legacy, len(res.AST.Children))
	}
	if g.Target == len(g.Stages)-1 && g.LegacyTotal() != len(res.AST.Children) {
		t.Errorf("LegacyTotal %d, want every instruction: %d", g.LegacyTotal(), len(res.AST.Children))
	}
}

// checkInvariants holds for every graph Parse returns.
func checkInvariants(t testing.TB, g *Graph) {
	t.Helper()
	if len(g.Stages) == 0 {
		t.Fatal("no stages")
	}
	if g.Target < 0 || g.Target >= len(g.Stages) {
		t.Fatalf("target %d out of range", g.Target)
	}
	if !g.Stages[g.Target].Needed {
		t.Errorf("target %d not needed", g.Target)
	}
	for i, s := range g.Stages {
		if s.Index != i {
			t.Errorf("stage %d has index %d", i, s.Index)
		}
		if s.Name != strings.ToLower(s.Name) {
			t.Errorf("stage %d: name %q not lower case", i, s.Name)
		}
		if s.Base == "" {
			t.Errorf("stage %d: empty base", i)
		}
	}
	seen := map[[3]string]bool{}
	for _, e := range g.Edges {
		if e.From < 0 || e.From >= len(g.Stages) || e.To < 0 || e.To >= len(g.Stages) {
			t.Fatalf("edge %+v out of range", e)
		}
		k := [3]string{string(rune(e.From)), string(rune(e.To)), string(e.Kind)}
		if seen[k] {
			t.Errorf("edge %+v repeated", e)
		}
		seen[k] = true
		if g.Stages[e.To].Needed && !g.Stages[e.From].Needed {
			t.Errorf("edge %+v: %d needed, %d not", e, e.To, e.From)
		}
		if g.Stages[e.To].Needed && e.From >= e.To {
			t.Errorf("edge %+v goes backwards in a stage the build needs", e)
		}
	}
	ext := map[string]bool{}
	for _, x := range g.External {
		if ext[x] {
			t.Errorf("external %q repeated", x)
		}
		ext[x] = true
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		file, target string
		want         string
	}{
		{"unknown-instruction", "", "Dockerfile:2: unknown instruction: FORM (did you mean FROM?)"},
		{"circular", "", "Dockerfile:5: circular dependency detected on stage: a"},
		{"circular2", "", "Dockerfile:5: circular dependency detected on stage: build"},
		{"self-copy", "", "Dockerfile:2: circular dependency detected on stage: x"},
		{"bad-index", "", "Dockerfile:5: invalid stage index 5"},
		{"from-variable", "", "Dockerfile:5: variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround"},
		{"no-from", "", "Dockerfile:3: dockerfile contains no stages to build"},
		{"unterminated-heredoc", "", "Dockerfile:2: unterminated heredoc"},
		{"control-bytes", "", `Dockerfile:2: unknown instruction: R\x1b[31mUN\x07`},
		{"empty", "", "Dockerfile: file with no instructions"},
		{"comments-only", "", "Dockerfile:2: file with no instructions"},
		{"blank-base", "", "Dockerfile:2: base name ($BASE) should not be blank"},
		{"invalid-stage-name", "", `Dockerfile:1: invalid name for build stage: "1build", name can't start with a number or contain symbols`},
		{"from-args", "", "Dockerfile:1: FROM requires either one or three arguments"},
		{"instruction-before-from", "", "Dockerfile:1: no build stage in current context"},
		{"forward-copy", "app", `Dockerfile:2: cannot copy from stage "later", it needs to be defined before current stage "app"`},
		{"forward-mount", "app", `Dockerfile:2: cannot mount from stage "later" to "/mnt", stage needs to be defined before current command`},
		{"bad-mount", "", `Dockerfile:2: unsupported mount type "bogus"`},
		{"copy-no-dest", "", "Dockerfile:2: COPY requires at least two arguments, but only one was provided. Destination could not be determined"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", "broken", tc.file+".Dockerfile"))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse(src, Options{Target: tc.target, Platform: testPlatform})
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T, want *Error", err)
			}
			if err.Error() != tc.want {
				t.Errorf("error\n got: %s\nwant: %s", err, tc.want)
			}
			checkPrintable(t, err.Error())
		})
	}
}

func checkPrintable(t testing.TB, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("invalid UTF-8 in %q", s)
	}
	for _, r := range s {
		if needsEscape(r) {
			t.Errorf("unprintable %U in %q", r, s)
		}
	}
}

func TestParseTarget(t *testing.T) {
	src := readCorpus(t, "unused-stages")
	tests := []struct {
		target     string
		wantTarget int
		wantNeeded []int
	}{
		{"", 5, []int{0, 3, 5}},
		{"runtime", 5, []int{0, 3, 5}},
		{"RunTime", 5, []int{0, 3, 5}},
		{"test", 1, []int{0, 1}},
		{"lint", 2, []int{0, 2}},
		{"docs", 4, []int{4}},
		{"base", 0, []int{0}},
	}
	for _, tc := range tests {
		t.Run("target="+tc.target, func(t *testing.T) {
			g, err := Parse(src, Options{Target: tc.target})
			if err != nil {
				t.Fatal(err)
			}
			if g.Target != tc.wantTarget {
				t.Errorf("target %d, want %d", g.Target, tc.wantTarget)
			}
			var needed []int
			for _, s := range g.Stages {
				if s.Needed {
					needed = append(needed, s.Index)
				}
			}
			if !slices.Equal(needed, tc.wantNeeded) {
				t.Errorf("needed %v, want %v", needed, tc.wantNeeded)
			}
		})
	}
}

func TestParseUnknownTarget(t *testing.T) {
	tests := []struct {
		name, file, target, want string
	}{
		{"named stages", "unused-stages", "prod", `target stage "prod" could not be found; the stages are: base, test, lint, build, docs, runtime`},
		{"no named stage", "single-stage", "app", `target stage "app" could not be found: no stage of this Dockerfile has a name (name one with FROM <image> AS <name>)`},
		{"control bytes", "go-multistage", "x\x1b[2J", `target stage "x\x1b[2J" could not be found; the stages are: build`},
		{"index is not a name", "go-multistage", "0", `target stage "0" could not be found; the stages are: build`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(readCorpus(t, tc.file), Options{Target: tc.target})
			var te *TargetError
			if !errors.As(err, &te) {
				t.Fatalf("error %v (%T), want *TargetError", err, err)
			}
			if err.Error() != tc.want {
				t.Errorf("error\n got: %s\nwant: %s", err, tc.want)
			}
			checkPrintable(t, err.Error())
		})
	}
}

func TestParseBuildArgs(t *testing.T) {
	src := readCorpus(t, "arg-in-from")
	tests := []struct {
		name      string
		args      map[string]string
		platform  string
		wantBases []string
	}{
		{"defaults", nil, "linux/amd64", []string{"golang:1.25-alpine3.22", "alpine:3.22"}},
		{"override one", map[string]string{"GO_VERSION": "1.24"}, "linux/amd64", []string{"golang:1.24-alpine3.22", "alpine:3.22"}},
		{"override used by another ARG", map[string]string{"ALPINE_VERSION": "3.21"}, "linux/amd64", []string{"golang:1.25-alpine3.21", "alpine:3.21"}},
		{"override the whole runtime", map[string]string{"RUNTIME": "gcr.io/distroless/static-debian12"}, "", []string{"golang:1.25-alpine3.22", "gcr.io/distroless/static-debian12"}},
		{"undeclared args are ignored", map[string]string{"NOPE": "x"}, "", []string{"golang:1.25-alpine3.22", "alpine:3.22"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := Parse(src, Options{BuildArgs: tc.args, Platform: tc.platform})
			if err != nil {
				t.Fatal(err)
			}
			var bases []string
			for _, s := range g.Stages {
				bases = append(bases, s.Base)
			}
			if !slices.Equal(bases, tc.wantBases) {
				t.Errorf("bases %q, want %q", bases, tc.wantBases)
			}
			if g.Stages[0].Platform != "linux/amd64" && tc.platform != "" {
				t.Errorf("platform %q", g.Stages[0].Platform)
			}
		})
	}
}

func TestPlatformArgs(t *testing.T) {
	src := []byte("FROM --platform=$BUILDPLATFORM golang:1.25-${TARGETOS}-${TARGETARCH}${TARGETVARIANT} AS build\n")
	tests := []struct {
		platform, wantBase, wantPlatform string
	}{
		{"linux/amd64", "golang:1.25-linux-amd64", "linux/amd64"},
		{"linux/arm/v7", "golang:1.25-linux-armv7", "linux/arm/v7"},
	}
	for _, tc := range tests {
		t.Run(tc.platform, func(t *testing.T) {
			g, err := Parse(src, Options{Platform: tc.platform})
			if err != nil {
				t.Fatal(err)
			}
			if s := g.Stages[0]; s.Base != tc.wantBase || s.Platform != tc.wantPlatform {
				t.Errorf("base %q platform %q, want %q %q", s.Base, s.Platform, tc.wantBase, tc.wantPlatform)
			}
		})
	}
}

// TestLegacySteps pins how the legacy builder numbers steps. Measured on Docker 20.10.24
// (DOCKER_BUILDKIT=0) with testdata/corpus/legacy-steps.Dockerfile: "Step 1/12 : ARG
// BASE=scratch", "Step 3/12 : FROM ${BASE} AS build", "Step 6/12 : FROM scratch AS unused",
// "Step 8/12 : FROM build AS mid", "Step 10/12 : FROM scratch"; with --target mid the same
// numbers up to "Step 9/9", the unneeded stage "unused" included.
func TestLegacySteps(t *testing.T) {
	src := readCorpus(t, "legacy-steps")
	tests := []struct {
		target    string
		wantTotal int
	}{
		{"", 12},
		{"mid", 9},
		{"build", 5},
	}
	wantStage := []int{-1, -1, 0, 0, 0, 1, 1, 2, 2, 3, 3, 3, -1}
	for _, tc := range tests {
		t.Run("target="+tc.target, func(t *testing.T) {
			g, err := Parse(src, Options{Target: tc.target})
			if err != nil {
				t.Fatal(err)
			}
			if got := g.LegacyTotal(); got != tc.wantTotal {
				t.Errorf("LegacyTotal %d, want %d", got, tc.wantTotal)
			}
			for step, want := range wantStage {
				if got := g.LegacyStage(step + 1); got != want {
					t.Errorf("LegacyStage(%d) = %d, want %d", step+1, got, want)
				}
			}
		})
	}
}

func TestProgressNames(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"one stage has no prefix", "FROM alpine:3.22\nRUN true\n", []string{""}},
		{"one named stage has no prefix either", "FROM alpine:3.22 AS app\nRUN true\n", []string{""}},
		{"a mount makes a second state", "FROM alpine:3.22\nRUN --mount=type=cache,target=/c true\n", []string{"stage-0"}},
		{"so does an external --from", "FROM scratch AS app\nCOPY --from=busybox:1.36 /bin/sh /sh\n", []string{"app"}},
		{"unnamed stages are stage-N", "FROM alpine:3.22 AS build\nFROM scratch\nCOPY --from=build / /\n", []string{"build", "stage-1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := Parse([]byte(tc.src), Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i, s := range g.Stages {
				got = append(got, s.ProgressName)
				if j := g.StageByProgressName(s.ProgressName); j != i {
					t.Errorf("StageByProgressName(%q) = %d, want %d", s.ProgressName, j, i)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("progress names %q, want %q", got, tc.want)
			}
		})
	}
}

func TestKeyInstructions(t *testing.T) {
	g, err := Parse(readCorpus(t, "go-multistage"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		stage, max int
		want       []string
	}{
		{0, 2, []string{"COPY . .", `RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/hello .`}},
		{0, 0, nil},
		{1, 1, []string{"COPY --from=build /out/hello /hello"}},
		{1, 2, []string{"COPY --from=build /out/hello /hello", `ENTRYPOINT ["/hello"]`}},
		{1, 3, []string{"COPY --from=build /out/hello /hello", "USER nonroot:nonroot", `ENTRYPOINT ["/hello"]`}},
		{1, 9, []string{"COPY --from=build /out/hello /hello", "USER nonroot:nonroot", `ENTRYPOINT ["/hello"]`}},
		{0, 4, []string{"COPY go.mod ./", "RUN go mod download", "COPY . .", `RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/hello .`}},
		{0, 5, []string{"WORKDIR /src", "COPY go.mod ./", "RUN go mod download", "COPY . .", `RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/hello .`}},
	}
	for _, tc := range tests {
		var got []string
		for _, in := range g.Stages[tc.stage].KeyInstructions(tc.max) {
			got = append(got, in.Text)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("stage %d max %d: %q, want %q", tc.stage, tc.max, got, tc.want)
		}
	}
}

func TestInstructionText(t *testing.T) {
	src := []byte("from alpine:3.22\nrun   apk add \\\n    curl \\\n    git\n")
	g, err := Parse(src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	in := g.Stages[0].Instructions[0]
	if in.Text != "RUN apk add curl git" || in.Line != 2 || in.Keyword != "RUN" {
		t.Errorf("instruction %+v", in)
	}
}

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text: golang:1.25", "plain text: golang:1.25"},
		{"é and 漢字 stay", "é and 漢字 stay"},
		{"esc \x1b[31mred", `esc \x1b[31mred`},
		{"tab\tnl\ncr\r", `tab\tnl\ncr\r`},
		{"bell\a del\x7f c1\u0085", `bell\x07 del\x7f c1\x85`},
		{"bidi \u202eevil", `bidi \u202eevil`},
		{"bad \xff utf8", `bad \xff utf8`},
	}
	for _, tc := range tests {
		if got := Printable(tc.in); got != tc.want {
			t.Errorf("Printable(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMarshalJSONEmptyLists(t *testing.T) {
	g, err := Parse([]byte("FROM scratch\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"stages":[{"index":0,"name":"","base":"scratch","needed":true,"line":1}],"edges":[],"target":0,"external":[]}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestParseWritesNothing: BuildKit's shell lexer prints invalid UTF-8 complaints to standard
// error; Parse must not let it, since a TUI owns the terminal.
func TestParseWritesNothing(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := os.Stderr
	os.Stderr = w
	defer func() { os.Stderr = stderr }()
	inputs := []string{
		"ARG V=\xff\xfe\nFROM alpine:$V\n",
		"FROM alp\xffine AS a\nFROM scratch\nCOPY --from=a\xff / /\n",
		"FROM --platform=linux/\xc3 alpine\n",
	}
	for _, src := range inputs {
		_, _ = Parse([]byte(src), Options{})
	}
	os.Stderr = stderr
	w.Close()
	got, _ := io.ReadAll(r)
	if len(got) > 0 {
		t.Errorf("Parse wrote to standard error: %q", got)
	}
}

func TestInvalidUTF8MatchesBuildKit(t *testing.T) {
	g, err := Parse([]byte("ARG V=\xff\xfe\nFROM alpine:$V\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "alpine:\uFFFD\uFFFD"; g.Stages[0].Base != want {
		t.Errorf("base %q, want %q (one U+FFFD per bad byte, as text/scanner gives)", g.Stages[0].Base, want)
	}
}

// TestParseCheckComments: "# check=" comments below the first line configure BuildKit's linter
// per instruction; they once made Parse panic (found by FuzzParse).
func TestParseCheckComments(t *testing.T) {
	for _, src := range []string{
		"# check=error=true\nFROM alpine:3.22\n# check=skip=StageNameCasing\nRUN true\n",
		"FROM alpine:3.22\n# check=experimental=all\nRUN true\n",
		"FROM alpine:3.22\n# check=skip=all;error=true\nRUN true\n",
	} {
		if _, err := Parse([]byte(src), Options{}); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}

// TestParseErrorNamesFile: an error names the file Options.Filename gives, "Dockerfile" when
// it gives none (issue 10, bug 7).
func TestParseErrorNamesFile(t *testing.T) {
	src := []byte("FROM alpine:3.22\nCOPPY a b\n")
	tests := []struct{ filename, want string }{
		{"", "Dockerfile:2: unknown instruction: COPPY (did you mean COPY?)"},
		{"build/odd.Dockerfile", "build/odd.Dockerfile:2: unknown instruction: COPPY (did you mean COPY?)"},
		{"<stdin>", "<stdin>:2: unknown instruction: COPPY (did you mean COPY?)"},
		{"odd\x1b[2J.Dockerfile", `odd\x1b[2J.Dockerfile:2: unknown instruction: COPPY (did you mean COPY?)`},
	}
	for _, tc := range tests {
		_, err := Parse(src, Options{Filename: tc.filename})
		if err == nil || err.Error() != tc.want {
			t.Errorf("Filename %q: error %v, want %s", tc.filename, err, tc.want)
		}
	}
	_, err := Parse(nil, Options{Filename: "empty.Dockerfile"})
	if want := "empty.Dockerfile: file with no instructions"; err == nil || err.Error() != want {
		t.Errorf("empty file: error %v, want %s", err, want)
	}
}

// TestParseLongLine: a line longer than BuildKit reads is blamed on its own line number; the
// parser counts only the lines it read, one fewer (issue 10, bug 7).
func TestParseLongLine(t *testing.T) {
	long := strings.Repeat("x", 70000)
	const msg = "dockerfile line greater than max allowed size of 65535"
	tests := []struct {
		name, src string
		line      int
	}{
		{"third line", "FROM alpine:3.22\nRUN echo hi\nRUN echo " + long + "\nRUN true\n", 3},
		{"first line", "RUN " + long + "\nFROM alpine:3.22\n", 1},
		{"last line without newline", "FROM alpine:3.22\nRUN " + long, 2},
		{"continuation line", "FROM alpine:3.22\nRUN echo \\\n  " + long + "\n", 3},
		{"after a comment and a blank line", "FROM alpine:3.22\n# note\n\nRUN " + long + "\n", 4},
		{"CRLF", "FROM alpine:3.22\r\nRUN a\r\nRUN " + long + "\r\n", 3},
		{"in a heredoc", "FROM alpine:3.22\nRUN <<EOF\n" + long + "\nEOF\n", 3},
		{"65536 bytes at the end", "FROM alpine:3.22\n" + strings.Repeat("#", 65536), 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.src), Options{})
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v, want *Error", err)
			}
			if pe.Line != tc.line || pe.Msg != msg {
				t.Errorf("error %q, want line %d: %s", err, tc.line, msg)
			}
		})
	}
	// The longest line BuildKit reads is not an error, with or without its newline.
	for _, end := range []string{"\n", ""} {
		ok := "FROM alpine:3.22\nRUN " + strings.Repeat("x", 65535-4) + end
		if _, err := Parse([]byte(ok), Options{}); err != nil {
			t.Errorf("a 65535-byte line ending %q: %v", end, err)
		}
	}
	// An error BuildKit finds before the long line comes first, as in BuildKit.
	src := "FROM alpine:3.22\nENV PATH\nRUN " + long + "\n"
	if _, err := Parse([]byte(src), Options{}); err == nil || err.Error() != "Dockerfile:2: ENV must have two arguments" {
		t.Errorf("an error before a long line: %v", err)
	}
}
