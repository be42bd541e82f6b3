package cli

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/enginefake"
)

// checkFixtures is where docktutor check's fixture projects live.
const checkFixtures = "../audit/testdata/projects"

// checkOutput is `docktutor check --json` as a script reads it.
type checkOutput struct {
	Dockerfile string `json:"dockerfile"`
	Context    string `json:"context"`
	Image      string `json:"image"`
	ImageID    string `json:"image_id"`
	SizeBytes  int64  `json:"size_bytes"`
	Layers     int    `json:"layers"`
	Passed     bool   `json:"passed"`
	Warnings   int    `json:"warnings"`
	Error      string `json:"error"`
	Findings   []struct {
		ID       string `json:"id"`
		Level    string `json:"level"`
		Title    string `json:"title"`
		Measured string `json:"measured"`
		Want     string `json:"want"`
		Line     int    `json:"line"`
		Where    string `json:"where"`
		Lesson   string `json:"lesson"`
		Fix      string `json:"fix"`
	} `json:"findings"`
}

func decodeCheck(t *testing.T, out string) checkOutput {
	t.Helper()
	var c checkOutput
	if err := json.Unmarshal([]byte(out), &c); err != nil || c.Findings == nil {
		t.Fatalf("check --json is not the documented JSON (%v):\n%s", err, out)
	}
	for _, f := range c.Findings {
		if f.ID == "" || f.Lesson == "" || f.Measured == "" || f.Fix == "" || (f.Level != "warning" && f.Level != "note") {
			t.Errorf("malformed finding %+v", f)
		}
	}
	return c
}

// warnings lists the goals that warn, with their lines: "install-after-copy@5".
func (c checkOutput) warnings() []string {
	var out []string
	for _, f := range c.Findings {
		if f.Level == "warning" {
			out = append(out, f.ID+"@"+strconv.Itoa(f.Line))
		}
	}
	slices.Sort(out)
	return out
}

// project writes a project folder of name/content pairs under a temporary folder called name.
func project(t *testing.T, name string, files ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	for i := 0; i+1 < len(files); i += 2 {
		p := filepath.Join(dir, files[i])
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(files[i+1]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestCheckUsageErrors: everything wrong before a build exits 2 with a message naming the
// file (and the line, for a Dockerfile that does not parse), and nothing is built.
func TestCheckUsageErrors(t *testing.T) {
	dir := project(t, "proj", "Dockerfile", "FROM python:3.13-slim\nCOPPY hello.py .\n", "good.Dockerfile", "FROM scratch AS only\n")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no context", []string{"--context", filepath.Join(dir, "nope")}, "no build context at " + filepath.Join(dir, "nope")},
		{"context is a file", []string{"--context", filepath.Join(dir, "Dockerfile")}, "is not a folder"},
		{"no Dockerfile", []string{"--context", dir, "-f", filepath.Join(dir, "x.Dockerfile")}, "no Dockerfile at " + filepath.Join(dir, "x.Dockerfile")},
		{"broken Dockerfile", []string{"--context", dir}, filepath.Join(dir, "Dockerfile") + ":2: unknown instruction: COPPY"},
		{"unknown target", []string{"--context", dir, "-f", filepath.Join(dir, "good.Dockerfile"), "--target", "nope"}, `target stage "nope" could not be found; the stages are: only`},
		{"bad size", []string{"--context", dir, "--max-size", "big"}, `--max-size: "big" is not a size`},
		{"bad builder", []string{"--context", dir, "--builder", "kaniko"}, "unknown builder"},
		{"an argument", []string{dir}, "check takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fe := enginefake.New(nil)
			out, stderr, code := run(t, fe, append([]string{"check"}, tt.args...)...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q\n%s", code, stderr, tt.want, out)
			}
			if len(fe.Builds()) > 0 {
				t.Errorf("built %v before reporting a usage error", fe.Builds())
			}
		})
	}
}

// TestCheckDaemonDown: without a daemon, check says so, exits 3, and still reports what the
// Dockerfile alone shows.
func TestCheckDaemonDown(t *testing.T) {
	dir := filepath.Join(checkFixtures, "python-cache")
	out, stderr, code := run(t, nil, "check", "--context", dir, "--json")
	c := decodeCheck(t, out)
	if code != exitCheckUnmeasured || !strings.Contains(stderr, "Docker is not running") || !strings.Contains(c.Error, "Docker is not running") {
		t.Errorf("exit %d, stderr %q, error %q", code, stderr, c.Error)
	}
	if got := c.warnings(); !slices.Equal(got, []string{"install-after-copy@5"}) || c.Passed {
		t.Errorf("warnings %v, passed %v", got, c.Passed)
	}
	out, _, _ = run(t, nil, "check", "--context", dir)
	if !strings.Contains(out, "not built; what the Dockerfile alone shows") || !strings.Contains(out, "docktutor lesson cache") {
		t.Errorf("human output:\n%s", out)
	}
}

// recordingEngine is the fake, keeping the build requests it was given.
type recordingEngine struct {
	*enginefake.Engine
	reqs []engine.BuildRequest
}

func (r *recordingEngine) Build(ctx context.Context, req engine.BuildRequest, emit func(engine.Event)) (engine.BuildResult, error) {
	r.reqs = append(r.reqs, req)
	return r.Engine.Build(ctx, req, emit)
}

func runRecording(t *testing.T, re *recordingEngine, args ...string) (string, string, int) {
	return runWith(t, func(context.Context) (engine.Engine, engine.DaemonInfo, error) { return re, re.DaemonInfo, nil }, args...)
}

// TestCheckFindings runs a check on the fake: the image is named and labelled in docktutor's
// namespace, the image goals come from the exercise engine (the fake's contents: no shell),
// the user from the image, the secrets from its layers; the exit status follows the warnings.
func TestCheckFindings(t *testing.T) {
	t.Setenv(envNamespace, "")
	dir := project(t, "My Project", "Dockerfile", "FROM alpine:3.22\nWORKDIR /app\nCOPY . .\nRUN rm .env\nCMD [\"/app/run\"]\n")
	const tag = "docktutor/check:my-project"
	fe := enginefake.New(map[string]int64{tag: 3_000_000})
	base := engine.LayerContents{DiffID: "sha256:base", CreatedBy: "base", Files: []string{"/bin/sh", "/root/.env"}}
	fe.LayerLists = map[string][]engine.LayerContents{
		"alpine:3.22": {base},
		tag: {
			base, // the base image's own: not the learner's to fix
			{DiffID: "sha256:2", CreatedBy: "/bin/sh -c #(nop) WORKDIR /app"},
			{DiffID: "sha256:3", CreatedBy: "/bin/sh -c #(nop) COPY dir:1 in . ", Files: []string{"/app/.env", "/app/run"}},
			{DiffID: "sha256:4", CreatedBy: "/bin/sh -c rm .env", Deleted: []string{"/app/.env"}},
		},
	}
	re := &recordingEngine{Engine: fe}
	out, stderr, code := runRecording(t, re, "check", "--context", dir, "--json", "-q")
	c := decodeCheck(t, out)
	if code != 1 || c.Passed || c.Image != tag {
		t.Fatalf("exit %d, image %s, passed %v\n%s%s", code, c.Image, c.Passed, out, stderr)
	}
	if got, want := c.warnings(), []string{"root@1", "secret@3"}; !slices.Equal(got, want) {
		t.Errorf("warnings %v, want %v\n%s", got, want, out)
	}
	for _, f := range c.Findings {
		if f.ID == "secret" && (!strings.Contains(f.Measured, "/app/.env in layer 3 of 4, deleted by layer 4 (line 4: RUN rm .env)") || f.Where != "layer 3 (line 3: COPY . .)") {
			t.Errorf("secret finding %+v", f)
		}
	}
	if len(re.reqs) != 1 {
		t.Fatalf("%d builds", len(re.reqs))
	}
	req := re.reqs[0]
	if req.Tag != tag || req.Labels[engine.LabelLesson] != "check" || req.Labels[engine.LabelStrategy] != "my-project" || req.Labels[engine.LabelOwner] == "" {
		t.Errorf("build request %+v", req)
	}

	// An unprivileged user and no secret: no goal warns.
	fe.Users = map[string]string{tag: "65532:65532"}
	delete(fe.LayerLists, tag)
	out, _, code = runRecording(t, re, "check", "--context", dir, "-q")
	if code != 0 || !strings.Contains(out, "✓ no goal warns") || !strings.Contains(out, "· size  the size of the image") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// TestCheckDockerfileOutsideContext: -f names a Dockerfile outside --context; it is sent in
// the context under a name of its own, the project's files beside it.
func TestCheckDockerfileOutsideContext(t *testing.T) {
	dir := project(t, "app", "hello.py", "print()\n", "Dockerfile", "FROM wrong\n")
	other := filepath.Join(t.TempDir(), "build.Dockerfile")
	if err := os.WriteFile(other, []byte("FROM python:3.13-slim\nCOPY hello.py .\nUSER 1000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other+".dockerignore", []byte("secrets/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	re := &recordingEngine{Engine: enginefake.New(nil)}
	re.Users = map[string]string{"docktutor/check:app": "1000"}
	out, stderr, code := runRecording(t, re, "check", "--context", dir, "-f", other, "-q")
	if code != 0 || len(re.reqs) != 1 {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
	req := re.reqs[0]
	got, err := fs.ReadFile(req.Context, req.Dockerfile)
	if err != nil || !strings.HasPrefix(string(got), "FROM python:3.13-slim") {
		t.Errorf("Dockerfile %s in the context: %q, %v", req.Dockerfile, got, err)
	}
	if _, err := fs.Stat(req.Context, "hello.py"); err != nil {
		t.Errorf("hello.py: %v", err)
	}
	// The engine reads <Dockerfile>.dockerignore first: the one beside the outside file.
	if got, err := fs.ReadFile(req.Context, req.Dockerfile+".dockerignore"); string(got) != "secrets/\n" {
		t.Errorf("ignore file beside the Dockerfile: %q, %v", got, err)
	}
	// Inside the context, it is sent where it is.
	re.reqs = nil
	_, _, _ = runRecording(t, re, "check", "--context", filepath.Dir(other), "-f", other, "-q")
	if len(re.reqs) != 1 || re.reqs[0].Dockerfile != "build.Dockerfile" {
		t.Errorf("requests %+v", re.reqs)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"250MB": 250_000_000, "1.5GB": 1_500_000_000, "800kB": 800_000, "1000": 1000, "25 mb": 25_000_000} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MB", "-1MB", "12XB"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q): no error", in)
		}
	}
}

func TestProjectSlug(t *testing.T) {
	for in, want := range map[string]string{"/x/My Project": "my-project", "/x/api_v2.1": "api_v2.1", "/x/über": "ber", "/": "project", "/x/check": "project"} {
		if got := projectSlug(in); got != want {
			t.Errorf("projectSlug(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCheckJSONInReadme keeps the README's example of `docktutor check --json` true to the
// output: the same fields, at the top and in a finding.
func TestCheckJSONInReadme(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "`--json` prints one object")
	_, rest, ok2 := strings.Cut(rest, "```json\n")
	block, _, ok3 := strings.Cut(rest, "```")
	if !ok || !ok2 || !ok3 {
		t.Fatal("README has no JSON example for docktutor check")
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(block), &doc); err != nil {
		t.Fatalf("README's example: %v", err)
	}
	var docFindings []map[string]json.RawMessage
	if err := json.Unmarshal(doc["findings"], &docFindings); err != nil || len(docFindings) == 0 {
		t.Fatalf("README's findings: %v", err)
	}

	dir := project(t, "proj", "Dockerfile", "FROM python:3.13-slim AS runtime\nCOPY . .\nRUN pip install -r r.txt\n")
	out, _, _ := run(t, enginefake.New(nil), "check", "--context", dir, "--target", "runtime", "--json", "-q")
	var got map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	var gotFindings []map[string]json.RawMessage
	_ = json.Unmarshal(got["findings"], &gotFindings)
	keys := func(m map[string]json.RawMessage) []string {
		var k []string
		for key := range m {
			k = append(k, key)
		}
		slices.Sort(k)
		return k
	}
	want := keys(doc)
	have := keys(got)
	have = append(have, "error") // only when there is one
	slices.Sort(have)
	if !slices.Equal(want, have) {
		t.Errorf("README fields %v, output %v", want, have)
	}
	var install map[string]json.RawMessage
	for _, f := range gotFindings {
		if string(f["id"]) == `"install-after-copy"` {
			install = f
		}
	}
	if !slices.Equal(keys(docFindings[0]), keys(install)) {
		t.Errorf("README finding fields %v, output %v", keys(docFindings[0]), keys(install))
	}
}

func TestWrapText(t *testing.T) {
	got := wrapText("    fix       keep it out of the build context with .dockerignore, and pass secrets at run time", 40, "              ")
	want := "    fix       keep it out of the build\n              context with\n              .dockerignore, and pass\n              secrets at run time"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for _, line := range strings.Split(got, "\n") {
		if len(line) > 40 {
			t.Errorf("line %q over 40 columns", line)
		}
	}
	if got := wrapText("a verylongwordthatdoesnotfit b", 10, "  "); got != "a\n  verylongwordthatdoesnotfit\n  b" {
		t.Errorf("long word: %q", got)
	}
}

// TestCheckBuildFails: a build that fails exits 1 and says why, with what the Dockerfile
// alone shows.
func TestCheckBuildFails(t *testing.T) {
	t.Setenv(envNamespace, "")
	dir := filepath.Join(checkFixtures, "python-cache")
	fe := enginefake.New(nil)
	fe.Fail = map[string]string{"docktutor/check:python-cache": "RUN pip install: exit code 1"}
	out, stderr, code := run(t, fe, "check", "--context", dir, "--json", "-q")
	c := decodeCheck(t, out)
	if code != 1 || !strings.Contains(c.Error, "the build failed: RUN pip install: exit code 1") || !strings.Contains(stderr, "the build failed") {
		t.Errorf("exit %d, error %q, stderr %q", code, c.Error, stderr)
	}
	if got := c.warnings(); !slices.Equal(got, []string{"install-after-copy@5"}) {
		t.Errorf("warnings %v", got)
	}
}
