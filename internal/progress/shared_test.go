package progress

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/docktutor/docktutor/internal/lab"
)

// TestTwoStoresOneFolder: two processes opened the same progress before either saved (the TUI
// in one terminal, `docktutor build` in another). Neither save loses the other's records, and
// the second sees the first's.
func TestTwoStoresOneFolder(t *testing.T) {
	dir := t.TempDir()
	a, b := open(t, dir), open(t, dir)
	a.MarkBuilt("multistage", "go-multistage")
	b.RecordAnswer("qa", "one-image", 2, true)
	b.MarkBuilt("normal", "python")
	for _, s := range []*Store{a, b} {
		if err := s.Save(); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := b.Lesson("multistage").Built["go-multistage"]; !ok {
		t.Error("after saving, the second store does not see the first one's build")
	}
	r := open(t, dir)
	if _, ok := r.Lesson("multistage").Built["go-multistage"]; !ok {
		t.Error("the first store's build was lost")
	}
	if _, ok := r.Lesson("normal").Built["python"]; !ok {
		t.Error("the second store's build was lost")
	}
	if got := r.Lesson("qa").Answers["one-image"]; got.Choice != 2 {
		t.Errorf("the second store's answer: %+v", got)
	}
}

// TestTwoCachesOneFolder: results measured by two processes both survive, and for one strategy
// the later measurement wins even when the earlier one is saved last.
func TestTwoCachesOneFolder(t *testing.T) {
	dir := t.TempDir()
	a, b := openResults(t, dir), openResults(t, dir)
	t0 := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	res := func(strategy string, size int64, at time.Time) lab.Result {
		return lab.Result{Lesson: "multistage", Strategy: strategy, Passed: true, SizeBytes: size, Finished: at}
	}
	b.Put(res("go-single", 2, t0.Add(time.Minute))) // measured later, saved first
	a.Put(res("go-single", 1, t0))
	a.Put(res("go-multistage", 3, t0))
	for _, c := range []*ResultsCache{b, a} {
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
	}
	r := openResults(t, dir)
	if got, _ := r.Get("multistage", "go-single"); got.Result.SizeBytes != 2 {
		t.Errorf("go-single: %d, want the later measurement (2)", got.Result.SizeBytes)
	}
	if got, ok := r.Get("multistage", "go-multistage"); !ok || got.Result.SizeBytes != 3 {
		t.Errorf("go-multistage lost: %+v, %v", got, ok)
	}
}

// TestProcessesSavingAtOnce runs several real processes (this test binary, re-run as a helper)
// that each record builds and save after every one, all at the same time. Every record must be
// in the file at the end: the lock serialises the saves, the merge keeps each one's changes.
func TestProcessesSavingAtOnce(t *testing.T) {
	if dir := os.Getenv("DOCKTUTOR_TEST_SAVER"); dir != "" {
		saver(t, dir, os.Getenv("DOCKTUTOR_TEST_SAVER_ID"))
		return
	}
	if !fileLocking {
		t.Skip("no file locking on this platform: concurrent saves may lose changes")
	}
	const procs, each = 4, 25
	dir := t.TempDir()
	cmds := make([]*exec.Cmd, procs)
	for i := range cmds {
		cmds[i] = exec.Command(os.Args[0], "-test.run=^TestProcessesSavingAtOnce$")
		cmds[i].Env = append(os.Environ(), "DOCKTUTOR_TEST_SAVER="+dir, "DOCKTUTOR_TEST_SAVER_ID="+strconv.Itoa(i))
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("saver %d: %v", i, err)
		}
	}
	built := open(t, dir).Lesson("multistage").Built
	for i := range procs {
		for j := range each {
			if _, ok := built[fmt.Sprintf("p%d-%d", i, j)]; !ok {
				t.Errorf("record p%d-%d was lost", i, j)
			}
		}
	}
	if len(built) != procs*each {
		t.Errorf("%d records, want %d", len(built), procs*each)
	}
}

func saver(t *testing.T, dir, id string) {
	s, _, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for j := range 25 {
		s.MarkBuilt("multistage", fmt.Sprintf("p%s-%d", id, j))
		if err := s.Save(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSaveKeepsAnUnreadableFile: a file that turned unreadable while this process had it open
// (here: a newer docktutor's format) is moved aside by the next save, never overwritten.
func TestSaveKeepsAnUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	newer := []byte(`{"version": 99, "lessons": {"future": {}}}`)
	if err := os.WriteFile(filepath.Join(dir, FileName), newer, 0o600); err != nil {
		t.Fatal(err)
	}
	s.MarkBuilt("normal", "python")
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	aside, _ := filepath.Glob(filepath.Join(dir, FileName+".corrupt-*"))
	if len(aside) != 1 {
		t.Fatalf("moved aside: %v, want one file", aside)
	}
	if kept, _ := os.ReadFile(aside[0]); string(kept) != string(newer) {
		t.Errorf("the file moved aside holds %q", kept)
	}
	if _, ok := open(t, dir).Lesson("normal").Built["python"]; !ok {
		t.Error("the save itself was lost")
	}
}
