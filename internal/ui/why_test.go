package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/docktutor/docktutor/internal/diagnose"
	"github.com/docktutor/docktutor/internal/lab"
)

// TestResultsSayWhy: a run and a check that could not start their program show the diagnosis
// under their output, within the pane's width.
func TestResultsSayWhy(t *testing.T) {
	d := newDriver(t, Options{Course: loadCourse(t), Lesson: "pitfalls"}, 80, 24)
	data := d.m.lesson.data
	s := data.strategy()
	const msg = "/webapp is there, but it is dynamically linked: needs /lib64/ld-linux-x86-64.so.2, which this image does not have"
	data.results[s.ID] = lab.Result{Strategy: s.ID, Image: "docktutor/pitfalls:" + s.ID, SizeBytes: 1,
		RunOutput: "exec /webapp: no such file or directory", ExitCode: 1,
		Diagnosis: &diagnose.Finding{Binary: "/webapp", Missing: "/lib64/ld-linux-x86-64.so.2", Message: msg},
		Checks: []lab.CheckResult{{Title: "Run it by path", Command: "docker run --rm --entrypoint /webapp x", Output: "exec /webapp: no such file or directory",
			Failed: true, Diagnosis: &diagnose.Finding{Message: "/webapp is a link to /nowhere, which this image does not have"}}}}
	for _, width := range []int{36, 56} {
		body := ansi.Strip(d.m.lesson.results.body(width))
		fitsWidth(t, strings.Join(whyLines(data.results[s.ID].Diagnosis, NewStyles(true, true), width), "\n"), width)
		words := strings.Join(strings.Fields(body), " ")
		for _, want := range []string{"why: " + msg, "why: /webapp is a link to /nowhere"} {
			if !strings.Contains(words, want) {
				t.Errorf("width %d: no %q in\n%s", width, want, body)
			}
		}
	}
}

// TestLogSaysWhy: a run that failed the way the lesson expects ends its log with the
// diagnosis.
func TestLogSaysWhy(t *testing.T) {
	d := newDriver(t, Options{Course: loadCourse(t), Lesson: "pitfalls"}, 120, 40)
	s := d.m.lesson.data.strategy()
	res := lab.Result{Strategy: s.ID, Image: "docktutor/pitfalls:" + s.ID, RunOutput: "exec /webapp: no such file or directory", ExitCode: 1,
		Diagnosis: &diagnose.Finding{Message: "/webapp is there, but it is dynamically linked: needs /lib64/ld-linux-x86-64.so.2, which this image does not have"}}
	d.m.lesson.log.done(buildDoneMsg{strategy: s, res: res})
	if screen := d.screen(); !strings.Contains(screen, "why: /webapp is there, but it is dynamically linked") {
		t.Errorf("the log does not say why:\n%s", screen)
	}
}
