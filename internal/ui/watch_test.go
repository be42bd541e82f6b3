package ui

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestWatchFile: a save reaches the program once, however many events it makes, whether the
// editor writes the file in place or renames a new one over it; other files in the folder do
// not count.
func TestWatchFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "Dockerfile")
	if err := os.WriteFile(path, []byte("FROM a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fw := watchFile(path)
	if fw == nil {
		t.Fatal("cannot watch a temporary folder")
	}
	defer fw.stop()
	got := make(chan any, 10)
	go func() {
		for {
			msg := fw.next()()
			got <- msg
			if msg == nil {
				return
			}
		}
	}()
	// In place, in three writes.
	for _, s := range []string{"FROM b\n", "FROM c\n", "FROM d\n"} {
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	expectOne(t, got, fw)
	// Another file: nothing.
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case msg := <-got:
		t.Fatalf("another file's change reached the program: %#v", msg)
	case <-time.After(3 * watchDebounce):
	}
	// Renamed over it, as vim and many editors save.
	tmp := filepath.Join(dir, ".Dockerfile.swp")
	if err := os.WriteFile(tmp, []byte("FROM e\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	expectOne(t, got, fw)
	fw.stop()
	if msg := <-got; msg != nil {
		t.Fatalf("after stop: %#v", msg)
	}
}

func expectOne(t *testing.T, got chan any, fw *fileWatch) {
	t.Helper()
	select {
	case msg := <-got:
		if m, ok := msg.(fileChangedMsg); !ok || m.watch != fw {
			t.Fatalf("got %#v", msg)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no change reported")
	}
	select {
	case msg := <-got:
		t.Fatalf("one save reported twice: %#v", msg)
	case <-time.After(2 * watchDebounce):
	}
}
