package stagegraph

import (
	"flag"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/docktutor/docktutor/internal/dockerfile"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// corpusDir holds the Dockerfiles the dockerfile package is tested with.
var corpusDir = filepath.Join("..", "..", "dockerfile", "testdata", "corpus")

func parseCorpus(t testing.TB, file, target string) *dockerfile.Graph {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(corpusDir, file+".Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	g, err := dockerfile.Parse(src, dockerfile.Options{Target: target, Platform: "linux/amd64"})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// corpusGraphs yields the name and graph of every Dockerfile of the corpus, in name order.
func corpusGraphs(t testing.TB) iter.Seq2[string, *dockerfile.Graph] {
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.Dockerfile"))
	if err != nil || len(files) == 0 {
		t.Fatalf("corpus: %v, %d files", err, len(files))
	}
	return func(yield func(string, *dockerfile.Graph) bool) {
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".Dockerfile")
			if !yield(name, parseCorpus(t, name, "")) {
				return
			}
		}
	}
}

// golden compares got with testdata/<name>.golden, rewriting it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestRenderGolden(t *testing.T) {
	tests := []struct {
		name, file, target string
		width              int
		states             map[int]State
		opts               Options
	}{
		{name: "lesson-go-single-80", file: "lesson-go-single", width: 80},
		{name: "lesson-go-multistage-80", file: "lesson-go-multistage", width: 80},
		{name: "lesson-go-multistage-40", file: "lesson-go-multistage", width: 40},
		{name: "lesson-go-distroless-80", file: "lesson-go-distroless", width: 80},
		{name: "lesson-python-normal-80", file: "lesson-python-normal", width: 80},
		{name: "lesson-python-multistage-80", file: "lesson-python-multistage", width: 80},
		{name: "lesson-python-multistage-120", file: "lesson-python-multistage", width: 120},
		{name: "lesson-python-distroless-80", file: "lesson-python-distroless", width: 80},
		{name: "go-multistage-80", file: "go-multistage", width: 80},
		{name: "go-multistage-120", file: "go-multistage", width: 120},
		{name: "go-multistage-40", file: "go-multistage", width: 40},
		{name: "go-multistage-30", file: "go-multistage", width: 30},
		{name: "go-multistage-building-40", file: "go-multistage", width: 40,
			states: map[int]State{0: Done, 1: Building}},
		{name: "go-scratch-80", file: "go-scratch", width: 80},
		{name: "go-scratch-120", file: "go-scratch", width: 120},
		{name: "single-stage-80", file: "single-stage", width: 80},
		{name: "python-venv-80", file: "python-venv", width: 80},
		{name: "python-venv-120", file: "python-venv", width: 120},
		{name: "distroless-python-80", file: "distroless-python", width: 80},
		{name: "stage-chain-80", file: "stage-chain", width: 80},
		{name: "stage-chain-120", file: "stage-chain", width: 120},
		{name: "stage-chain-target-dev-80", file: "stage-chain", target: "dev", width: 80},
		{name: "unused-stages-80", file: "unused-stages", width: 80},
		{name: "unused-stages-target-test-legacy-80", file: "unused-stages", target: "test", width: 80,
			states: map[int]State{0: Done, 1: Done, 2: Skipped, 3: Skipped, 4: Skipped, 5: Skipped}},
		{name: "mounts-80", file: "mounts", width: 80},
		{name: "external-images-80", file: "external-images", width: 80},
		{name: "sixty-stages-80", file: "sixty-stages", width: 80},
		{name: "sixty-stages-120", file: "sixty-stages", width: 120},
		{name: "sixty-stages-target-svc07-40", file: "sixty-stages", target: "svc07", width: 40,
			states: map[int]State{0: Cached, 1: Done, 20: Building, 21: Waiting}},
		{name: "go-scratch-compact-40", file: "go-scratch", width: 40, opts: Options{Layout: LayoutCompact}},
		{name: "stage-chain-height-20-60", file: "stage-chain", width: 60, opts: Options{Height: 20}},
		// Too short for every instruction: each box gets the same room, THE IMAGE the line left over.
		{name: "go-multistage-height-16-50", file: "go-multistage", width: 50, opts: Options{Height: 16}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := parseCorpus(t, tc.file, tc.target)
			opts := tc.opts
			opts.Width = tc.width
			got := Draw(g, tc.states, PlainStyles(), opts).Text
			checkWidth(t, got, tc.width)
			golden(t, tc.name, got+"\n")
		})
	}
}

// checkWidth fails when a line of s is wider than width.
func checkWidth(t *testing.T, s string, width int) {
	t.Helper()
	for n, l := range strings.Split(s, "\n") {
		if w := ansi.StringWidth(l); w > max(width, MinWidth) {
			t.Errorf("line %d is %d columns, more than %d: %q", n+1, w, width, l)
		}
	}
}

// TestRenderFits draws every corpus file in every layout at every width from 30 to 130, with and
// without states, and checks that nothing overflows and every stage is where StageLines says.
func TestRenderFits(t *testing.T) {
	for name, g := range corpusGraphs(t) {
		states := map[int]State{}
		for i := range g.Stages {
			states[i] = State(i % int(numStates))
		}
		for _, layout := range []Layout{LayoutAuto, LayoutBoxes, LayoutCompact} {
			for width := 20; width <= 130; width += 7 {
				for _, st := range []map[int]State{nil, states} {
					d := Draw(g, st, PlainStyles(), Options{Width: width, Layout: layout})
					checkWidth(t, d.Text, width)
					lines := strings.Split(d.Text, "\n")
					for i, at := range d.StageLines {
						label := g.Stages[i].Label()
						if at >= len(lines) || !strings.Contains(lines[at], label[:min(len(label), 5)]) {
							t.Errorf("%s %s width %d: stage %d (%s) not at line %d", name, layout, width, i, label, at)
						}
					}
				}
			}
		}
	}
}

// TestStylesChangeNoLayout: the coloured drawing is the plain drawing plus escape codes.
func TestStylesChangeNoLayout(t *testing.T) {
	g := parseCorpus(t, "unused-stages", "test")
	states := map[int]State{0: Cached, 1: Building, 2: Failed, 3: Done, 4: Skipped}
	for _, layout := range []Layout{LayoutBoxes, LayoutCompact} {
		plain := Draw(g, states, PlainStyles(), Options{Width: 60, Layout: layout}).Text
		for _, dark := range []bool{true, false} {
			colored := Draw(g, states, DefaultStyles(dark), Options{Width: 60, Layout: layout}).Text
			if colored == plain {
				t.Errorf("%s dark=%v: no colour at all", layout, dark)
			}
			if got := ansi.Strip(colored); got != plain {
				t.Errorf("%s dark=%v: stripped drawing differs:\n%s\n---\n%s", layout, dark, got, plain)
			}
		}
		if strings.Contains(plain, "\x1b") {
			t.Errorf("%s: plain styles wrote escape codes", layout)
		}
	}
}

func TestRenderEscapesDockerfileText(t *testing.T) {
	src := "FROM alpine:3.22\nRUN echo \x1b]0;pwned\x07 \x1b[2J\x1b[31mred \u202eevil\nFROM scratch\nCOPY --from=0 /\x1b[1mx /x\n"
	g, err := dockerfile.Parse([]byte(src), dockerfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, layout := range []Layout{LayoutBoxes, LayoutCompact} {
		out := Draw(g, nil, PlainStyles(), Options{Width: 100, Layout: layout}).Text
		for _, bad := range []string{"\x1b", "\x07", "\u202e"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s drawing holds %q:\n%s", layout, bad, out)
			}
		}
	}
	for name, out := range map[string]string{"dot": DOT(g), "mermaid": Mermaid(g)} {
		if strings.ContainsAny(out, "\x1b\x07\u202e") {
			t.Errorf("%s holds control characters:\n%s", name, out)
		}
	}
}

func TestDrawAutoLayout(t *testing.T) {
	tests := []struct {
		name, file string
		height     int
		want       Layout
		maxLines   int
	}{
		{"few stages, no height: boxes", "go-multistage", 0, LayoutBoxes, 0},
		{"sixty stages, no height: compact", "sixty-stages", 0, LayoutCompact, 0},
		{"tall enough: boxes", "go-multistage", 40, LayoutBoxes, 40},
		{"short: fewer instructions", "go-multistage", 14, LayoutBoxes, 14},
		{"too short for boxes: compact", "stage-chain", 12, LayoutCompact, 12},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := Draw(parseCorpus(t, tc.file, ""), nil, PlainStyles(), Options{Width: 80, Height: tc.height})
			if d.Layout != tc.want {
				t.Errorf("layout %s, want %s", d.Layout, tc.want)
			}
			if n := lineCount(d.Text); tc.maxLines > 0 && n > tc.maxLines {
				t.Errorf("%d lines, more than %d", n, tc.maxLines)
			}
		})
	}
}

func TestExportGolden(t *testing.T) {
	tests := []struct{ file, target string }{
		{"go-multistage", ""},
		{"unused-stages", "test"},
		{"external-images", ""},
		{"mounts", ""},
	}
	for _, tc := range tests {
		name := tc.file
		if tc.target != "" {
			name += "-target-" + tc.target
		}
		t.Run(name, func(t *testing.T) {
			g := parseCorpus(t, tc.file, tc.target)
			golden(t, name+".dot", DOT(g))
			golden(t, name+".mmd", Mermaid(g))
		})
	}
}

// TestDrawShowsWhatFits: a box lists every instruction the height has room for, and a
// "… N more" line only stands in for two or more of them (issue 10, bug 12).
func TestDrawShowsWhatFits(t *testing.T) {
	src := "FROM golang:1.27 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n" +
		"FROM scratch\nCOPY --from=build /app /app\nUSER 65532\nENV A=1\nENTRYPOINT [\"/app\"]\n"
	g, err := dockerfile.Parse([]byte(src), dockerfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := Draw(g, nil, PlainStyles(), Options{Width: 60, Height: 20})
	if d.Layout != LayoutBoxes || lineCount(d.Text) > 20 {
		t.Fatalf("%s layout, %d lines:\n%s", d.Layout, lineCount(d.Text), d.Text)
	}
	for _, in := range []string{"WORKDIR /src", "COPY . .", "RUN go build", "COPY --from=build", "USER 65532", "ENV A=1", "ENTRYPOINT"} {
		if !strings.Contains(d.Text, in) {
			t.Errorf("%q not shown in 20 lines:\n%s", in, d.Text)
		}
	}
	if strings.Contains(d.Text, "more") {
		t.Errorf("a \"more\" line with room to spare:\n%s", d.Text)
	}
}

// TestDrawNeverOneMore: at every height and width, with and without a height, "… N more"
// never counts a single instruction, and a drawing given a height fits it when boxes do.
func TestDrawNeverOneMore(t *testing.T) {
	for name, g := range corpusGraphs(t) {
		for _, width := range []int{40, 80} {
			for height := 0; height <= 80; height++ {
				d := Draw(g, nil, PlainStyles(), Options{Width: width, Height: height})
				if strings.Contains(d.Text, "… 1 more") {
					t.Fatalf("%s %dx%d: \"… 1 more\":\n%s", name, width, height, d.Text)
				}
				if height > 0 && d.Layout == LayoutBoxes && lineCount(d.Text) > height {
					t.Fatalf("%s %dx%d: %d lines", name, width, height, lineCount(d.Text))
				}
			}
		}
	}
}
