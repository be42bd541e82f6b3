//go:build linux

package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// TestTUIShowsWarnings: a warning found while starting (here a corrupt progress file, moved
// aside) is shown inside the TUI. It was once printed to the terminal just before the
// alternate screen hid it.
func TestTUIShowsWarnings(t *testing.T) {
	bin := buildBinary(t)
	state := t.TempDir()
	if err := os.WriteFile(filepath.Join(state, "progress.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	master, slave := openPTY(t)
	cmd := exec.Command(bin, "lesson", "normal")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "DOCKER_HOST=unix:///nonexistent/docker.sock",
		"DOCKTUTOR_STATE_DIR="+state, "DOCKTUTOR_CACHE_DIR="+t.TempDir())
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
		master.Close()
	}()
	var mu sync.Mutex
	var out bytes.Buffer
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			mu.Lock()
			out.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	// On screen means: drawn after the program switched to the alternate screen.
	onScreen := func() string {
		mu.Lock()
		defer mu.Unlock()
		_, after, ok := bytes.Cut(out.Bytes(), []byte("\x1b[?1049h"))
		if !ok {
			return ""
		}
		return ansi.Strip(string(after))
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && !strings.Contains(onScreen(), "unreadable") {
		time.Sleep(50 * time.Millisecond)
	}
	if s := onScreen(); !strings.Contains(s, "unreadable") {
		mu.Lock()
		t.Fatalf("the warning is not on the TUI's screen; the terminal got:\n%q", out.String())
	}
}
