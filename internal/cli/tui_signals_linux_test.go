//go:build linux

package cli

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// TestTUIEndsOnSignals runs the real docktutor TUI in a pseudo-terminal and ends it the ways a
// terminal program is ended from outside: kill (SIGTERM), an interrupt sent by another program
// (SIGINT), and the terminal window closing (the pty's master side goes away, and the kernel
// hangs up the session). Each time docktutor must exit, with 130 for the signals, within a few
// seconds. Bubble Tea's own SIGTERM handler once raced docktutor's and left the process hung.
func TestTUIEndsOnSignals(t *testing.T) {
	bin := buildBinary(t)
	for _, how := range []string{"SIGTERM", "SIGINT", "terminal closed"} {
		t.Run(how, func(t *testing.T) {
			master, slave := openPTY(t)
			cmd := exec.Command(bin, "lesson", "normal")
			cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
			cmd.Env = append(os.Environ(), "TERM=xterm-256color", "DOCKER_HOST=unix:///nonexistent/docker.sock",
				"DOCKTUTOR_STATE_DIR="+t.TempDir(), "DOCKTUTOR_CACHE_DIR="+t.TempDir())
			cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			slave.Close()
			go io.Copy(io.Discard, master) // the screen
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			time.Sleep(1500 * time.Millisecond) // up and drawing
			select {
			case err := <-exited:
				t.Fatalf("docktutor ended on its own: %v", err)
			default:
			}
			switch how {
			case "SIGTERM":
				cmd.Process.Signal(syscall.SIGTERM)
			case "SIGINT":
				cmd.Process.Signal(syscall.SIGINT)
			default:
				master.Close()
			}
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("docktutor still running 10 s after %s", how)
			}
			master.Close()
			if code := cmd.ProcessState.ExitCode(); how != "terminal closed" && code != 130 {
				t.Errorf("exit %d after %s, want 130", code, how)
			}
		})
	}
}

// buildBinary builds docktutor into a temporary folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "docktutor")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/docktutor/docktutor/cmd/docktutor").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// openPTY opens a pseudo-terminal pair of 100×30 (Linux).
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	fd, err := syscall.Open("/dev/ptmx", syscall.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("no pseudo-terminals here: %v", err)
	}
	// Non-blocking, so that the runtime's poller serves it and Close ends a pending Read at
	// once: otherwise the master would stay open, and the terminal alive, until docktutor next
	// drew something.
	if err := syscall.SetNonblock(fd, true); err != nil {
		t.Fatal(err)
	}
	master = os.NewFile(uintptr(fd), "/dev/ptmx")
	ioctl := func(f *os.File, req uintptr, arg unsafe.Pointer) {
		if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), req, uintptr(arg)); e != 0 {
			t.Fatalf("ioctl %#x: %v", req, e)
		}
	}
	var unlock int32
	ioctl(master, syscall.TIOCSPTLCK, unsafe.Pointer(&unlock))
	var n uint32
	ioctl(master, syscall.TIOCGPTN, unsafe.Pointer(&n))
	slave, err = os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	ws := [4]uint16{30, 100, 0, 0}
	ioctl(slave, syscall.TIOCSWINSZ, unsafe.Pointer(&ws))
	return master, slave
}
