package dockerfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds Parse arbitrary files and targets: it must never panic, a graph it returns
// must hold together, and an error must be one of ours and printable.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"corpus", "broken"} {
		files, err := filepath.Glob(filepath.Join("testdata", dir, "*.Dockerfile"))
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			src, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(src, "")
			f.Add(src, "build")
		}
	}
	f.Add([]byte("FROM a AS b\nCOPY --from=1 / /\nFROM b\nCOPY --from=0 / /\n"), "B")
	f.Add([]byte("# check=error=true\nFROM a\n# check=skip=all\nRUN x\n"), "")
	f.Add([]byte("ARG X=${Y:-${Z:?}}\nFROM $X\n"), "")
	f.Add([]byte("FROM a\nRUN --mount=from=0,target=/x --mount=type=cache,from=a,target=/y x\n"), "")
	f.Fuzz(func(t *testing.T, src []byte, target string) {
		g, err := Parse(src, Options{Target: target, Platform: "linux/amd64"})
		if err != nil {
			var pe *Error
			var te *TargetError
			if !errors.As(err, &pe) && !errors.As(err, &te) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if strings.Contains(err.Error(), internalErrorPrefix) {
				t.Fatalf("Parse panicked: %v", err)
			}
			checkPrintable(t, err.Error())
			return
		}
		checkInvariants(t, g)
		if _, err := g.MarshalJSON(); err != nil {
			t.Fatal(err)
		}
		for step := 0; step <= g.LegacyTotal()+1; step++ {
			if s := g.LegacyStage(step); s < -1 || s >= len(g.Stages) {
				t.Fatalf("LegacyStage(%d) = %d", step, s)
			}
		}
	})
}
