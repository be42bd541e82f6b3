package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docktutor/docktutor/internal/classroom"
	"github.com/docktutor/docktutor/internal/progress"
)

func TestServeSaysWhatItNeeds(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no keys", []string{"serve"}, 2, "serve needs --authorized-keys FILE"},
		{"missing keys file", []string{"serve", "--authorized-keys", filepath.Join(dir, "nope")}, 2, "nope"},
		{"a bad builder", []string{"serve", "--authorized-keys", "x", "--builder", "kaniko"}, 2, "kaniko"},
		{"no builds at all", []string{"serve", "--authorized-keys", "x", "--max-builds", "0"}, 2, "--max-builds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := run(t, nil, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tc.code, tc.want)
			}
		})
	}
	empty := filepath.Join(dir, "empty.keys")
	if err := os.WriteFile(empty, []byte("# nobody yet\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := run(t, nil, "serve", "--authorized-keys", empty); code != 2 || !strings.Contains(stderr, "no public keys") {
		t.Errorf("a keys file without keys: exit %d, %q", code, stderr)
	}
}

func TestServeReport(t *testing.T) {
	dir := t.TempDir()
	if _, stderr, code := run(t, nil, "serve", "report", "--state-dir", dir); code != 1 || !strings.Contains(stderr, "holds no class") {
		t.Errorf("a folder that is no class's: exit %d, %q", code, stderr)
	}
	learner := classroom.LearnerDir(dir, "SHA256:abc")
	if err := classroom.WriteLearnerFile(learner, classroom.LearnerFile{Fingerprint: "SHA256:abc", Name: "ada", Engine: "default"}); err != nil {
		t.Fatal(err)
	}
	store, _, err := progress.Open(learner)
	if err != nil {
		t.Fatal(err)
	}
	store.MarkBuilt("normal", "python")
	if err := store.Save(); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := run(t, nil, "serve", "report", "--state-dir", dir)
	if code != 0 || !strings.Contains(stdout, "| ada |") || !strings.Contains(stdout, "# docktutor class report") {
		t.Errorf("exit %d, stderr %q, report:\n%s", code, stderr, stdout)
	}
	out := filepath.Join(t.TempDir(), "class.md")
	if _, _, code := run(t, nil, "serve", "report", "--state-dir", dir, "-o", out); code != 0 {
		t.Fatalf("-o: exit %d", code)
	}
	if b, err := os.ReadFile(out); err != nil || string(b) != stdout {
		t.Errorf("-o wrote %q (%v), want what was printed", b, err)
	}
}
