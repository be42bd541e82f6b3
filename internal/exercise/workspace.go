package exercise

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/docktutor/docktutor/internal/lesson"
)

// WorkspaceDir is where the learner's exercise files live: $XDG_DATA_HOME/docktutor/exercises,
// ~/.local/share/docktutor/exercises when XDG_DATA_HOME is unset (the XDG default; Go's
// os.UserConfigDir has no data-dir counterpart).
func WorkspaceDir() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "docktutor", "exercises"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no place for the exercise files: set XDG_DATA_HOME or HOME (%w)", err)
	}
	return filepath.Join(home, ".local", "share", "docktutor", "exercises"), nil
}

// Workspace returns the path of the learner's file for ex under dir (<dir>/<id>/Dockerfile,
// or prediction.txt), creating it from the starter if it is not there yet. An existing file is
// never touched: it is the learner's work.
func Workspace(dir string, ex *lesson.Exercise) (string, error) {
	p := filepath.Join(dir, ex.ID, ex.WorkspaceFile())
	if _, err := os.Stat(p); err == nil {
		return p, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	return p, write(p, ex.Starter)
}

// Reset puts the starter back in the learner's file for ex: their work is gone.
func Reset(dir string, ex *lesson.Exercise) error {
	return write(filepath.Join(dir, ex.ID, ex.WorkspaceFile()), ex.Starter)
}

// write replaces the file at p by data through a rename, so that an editor or a file watch
// never sees it half written.
func write(p string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".starter-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), p)
}
