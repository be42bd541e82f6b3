package exercise

import (
	"context"
	"strings"
	"testing"

	"github.com/docktutor/docktutor/internal/enginefake"
	"github.com/docktutor/docktutor/internal/inside"
	"github.com/docktutor/docktutor/internal/lesson"
)

// TestRunsGoalExplainsMissingLoader: a run that fails with "no such file or directory" though
// the program is there says why: the binary is dynamically linked and the image lacks its
// loader (the cgo binary shipped on distroless static).
func TestRunsGoalExplainsMissingLoader(t *testing.T) {
	tag := Tag("", "ex")
	fe := enginefake.New(nil)
	fe.Output = map[string]string{tag: "exec /webapp: no such file or directory\n"}
	fe.Inside = map[string]inside.Report{tag: inside.FromEntries([]inside.Entry{
		{Path: "/webapp", Kind: inside.KindFile, Size: 200, Mode: 0o755},
	})}
	fe.FileData = map[string]map[string][]byte{tag: {"/webapp": fakeELF("/lib64/ld-linux-x86-64.so.2")}}
	ex := testExercise(lesson.Goal{ID: "runs", Title: "runs", Check: lesson.CheckRuns,
		Run: &lesson.RunCheck{Entrypoint: []string{"/webapp"}, Args: []string{"-selftest"}, Expect: "200 OK"}})
	rep, err := Check(context.Background(), fe, ex, []byte("FROM scratch\nENTRYPOINT [\"/webapp\"]\n"), Options{}, Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	v := rep.Goals[0]
	if v.Passed || !strings.Contains(v.Where, "dynamically linked") || !strings.Contains(v.Where, "/lib64/ld-linux-x86-64.so.2") {
		t.Errorf("verdict %+v", v)
	}
	if fe.OpenProbes != 0 {
		t.Errorf("%d probes left open", fe.OpenProbes)
	}
}
