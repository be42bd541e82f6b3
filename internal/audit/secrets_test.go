package audit

import (
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/docktutor/docktutor/internal/dockerfile"
	"github.com/docktutor/docktutor/internal/engine"
)

func TestLooksSecret(t *testing.T) {
	tests := map[string]bool{
		"/app/.env":             true,
		"/app/.env.production":  true,
		"/app/.env.example":     false,
		"/root/.ssh/id_rsa":     true,
		"/root/.ssh/id_ed25519": true,
		"/root/.ssh/id_rsa.pub": false,
		"/app/certs/server.pem": true,
		"/srv/tls/private.key":  true,
		"/etc/ssl/certs/ca.pem": false,
		"/usr/local/lib/python3.13/site-packages/certifi/cacert.pem": false,
		"/app/node_modules/x/test/k.key":                             false,
		"/usr/local/go/src/crypto/tls/testdata/example-key.pem":      false,
		"/app/cacert.pem":     false,
		"/app/environment.py": false,
		"/app/keys.txt":       false,
	}
	for p, want := range tests {
		if got := looksSecret(p); got != want {
			t.Errorf("looksSecret(%q) = %v, want %v", p, got, want)
		}
	}
}

// secretsFixture is the python-secrets fixture's Dockerfile with the layers each builder
// records for it: three of the base, then WORKDIR, COPY, RUN.
func secretsFixture(t *testing.T, legacy bool) (*dockerfile.Graph, []engine.LayerContents) {
	t.Helper()
	src, err := os.ReadFile("testdata/projects/python-secrets/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	g, err := dockerfile.Parse(src, dockerfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	by := []string{"WORKDIR /app", "COPY . . # buildkit", "RUN /bin/sh -c rm -f .env # buildkit"}
	if legacy {
		by = []string{"/bin/sh -c #(nop) WORKDIR /app", "/bin/sh -c #(nop) COPY dir:5547e1 in . ", "/bin/sh -c rm -f .env"}
	}
	return g, []engine.LayerContents{
		{CreatedBy: "base", Files: []string{"/etc/ssl/private/ssl-cert-snakeoil.key", "/bin/sh"}},
		{CreatedBy: "base", Files: []string{"/usr/local/bin/python3"}},
		{CreatedBy: "base", Files: []string{"/root/.env"}}, // the base's: not the learner's to fix
		{CreatedBy: by[0]},
		{CreatedBy: by[1], Files: []string{"/app/.env", "/app/Dockerfile", "/app/id_rsa", "/app/config/deploy.key", "/app/hello.py"}},
		{CreatedBy: by[2], Deleted: []string{"/app/.env"}},
	}
}

func TestSecretFindings(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		g, layers := secretsFixture(t, legacy)
		fs := secretFindings(g, layers, 3)
		var got []string
		for _, f := range fs {
			got = append(got, brief(f)+" "+f.Measured)
			if f.Where != "layer 5 (line 4: COPY . .)" || f.Lesson != "context" {
				t.Errorf("legacy=%v: %+v", legacy, f)
			}
		}
		want := []string{
			"secret/warning@4 /app/.env in layer 5 of 6, deleted by layer 6 (line 5: RUN rm -f .env) but still in layer 5",
			"secret/warning@4 /app/id_rsa in layer 5 of 6",
			"secret/warning@4 /app/config/deploy.key in layer 5 of 6",
		}
		if !slices.Equal(got, want) {
			t.Errorf("legacy=%v:\n got %q\nwant %q", legacy, got, want)
		}
		if !strings.HasPrefix(fs[0].Fix, "deleting it in a later layer does not remove it") {
			t.Errorf("fix of a deleted secret: %q", fs[0].Fix)
		}
	}
}

func TestSecretFindingsCapped(t *testing.T) {
	g, layers := secretsFixture(t, false)
	for i := range 15 {
		layers[4].Files = append(layers[4].Files, "/app/keys/"+string(rune('a'+i))+".pem")
	}
	fs := secretFindings(g, layers, 3)
	if len(fs) != maxSecretFindings || !strings.HasSuffix(fs[len(fs)-1].Measured, "(and 8 more such files not listed)") {
		t.Errorf("%d findings, last %q", len(fs), fs[len(fs)-1].Measured)
	}
}

// TestLayerLinesFromStages: a target that starts FROM another stage takes its layers from
// both; a WORKDIR that made no layer is passed over.
func TestLayerLinesFromStages(t *testing.T) {
	src := "FROM python:3.13-slim AS base\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n" +
		"FROM base\nWORKDIR /app\nCOPY . .\nUSER 1000\n"
	g, err := dockerfile.Parse([]byte(src), dockerfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	lines := layerLines(g, []engine.LayerContents{
		{CreatedBy: "/bin/sh -c #(nop) WORKDIR /app"},
		{CreatedBy: "/bin/sh -c #(nop) COPY file:1 in . "},
		{CreatedBy: "|0 /bin/sh -c pip install -r requirements.txt"},
		{CreatedBy: "/bin/sh -c #(nop) COPY dir:2 in . "},
	})
	var got []int
	for _, l := range lines {
		got = append(got, l.n)
	}
	if want := []int{2, 3, 4, 7}; !slices.Equal(got, want) {
		t.Errorf("lines %v, want %v", got, want)
	}
}

func TestWithFile(t *testing.T) {
	base := fstest.MapFS{
		"app.py":     {Data: []byte("print()")},
		"sub/x.txt":  {Data: []byte("x")},
		".dockerenv": {Data: []byte("")},
	}
	fsys := WithFile(base, ".docktutor-check.Dockerfile", []byte("FROM scratch\n"))
	if err := fstest.TestFS(fsys, "app.py", "sub/x.txt", ".docktutor-check.Dockerfile"); err != nil {
		t.Fatal(err)
	}
}
