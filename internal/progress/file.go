package progress

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Version is the format version written in the "version" field of progress.json and
// results.json. A file with another version is treated like a corrupt one: moved aside and kept,
// never reinterpreted.
const Version = 1

// Environment variables that move docktutor's files. The DOCKTUTOR_ ones win over the XDG ones
// so a test or a workshop can give every learner a folder of their own.
const (
	EnvStateDir = "DOCKTUTOR_STATE_DIR"
	EnvCacheDir = "DOCKTUTOR_CACHE_DIR"
)

// appDir is the folder docktutor uses inside the XDG base directories.
const appDir = "docktutor"

// DefaultDir returns the folder progress.json lives in: $DOCKTUTOR_STATE_DIR, else
// $XDG_STATE_HOME/docktutor, else ~/.local/state/docktutor.
func DefaultDir() (string, error) {
	return baseDir(EnvStateDir, "XDG_STATE_HOME", ".local", "state")
}

// DefaultCacheDir returns the folder results.json lives in: $DOCKTUTOR_CACHE_DIR, else
// $XDG_CACHE_HOME/docktutor, else ~/.cache/docktutor.
func DefaultCacheDir() (string, error) {
	return baseDir(EnvCacheDir, "XDG_CACHE_HOME", ".cache")
}

func baseDir(override, xdg string, fallback ...string) (string, error) {
	if d := os.Getenv(override); d != "" {
		return d, nil
	}
	// The XDG spec says relative paths in these variables are invalid and must be ignored.
	if d := os.Getenv(xdg); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, appDir), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no home folder to keep docktutor's files in (set %s or %s): %w", override, xdg, err)
	}
	return filepath.Join(append(append([]string{home}, fallback...), appDir)...), nil
}

// Warning reports a file that could not be read and was moved aside so docktutor could start
// afresh. Nothing is lost: the old bytes are in MovedTo. A file opened read-only (OpenReadOnly)
// is left where it is, and MovedTo is "".
type Warning struct {
	Path    string // the file that was unreadable
	MovedTo string // where its bytes are now; "" when they were left in place
	Reason  string // what was wrong with it
}

// String says what happened and where the old file went, in words a learner can act on.
func (w Warning) String() string {
	if w.MovedTo == "" {
		return fmt.Sprintf("%s is unreadable (%s); left as it is, read as empty", w.Path, w.Reason)
	}
	return fmt.Sprintf("%s is unreadable (%s); moved it to %s and started afresh", w.Path, w.Reason, w.MovedTo)
}

// errReadOnly refuses to save a store opened read-only.
var errReadOnly = errors.New("opened read-only: not saved")

// versioned is the part of every docktutor file read before the rest.
type versioned struct {
	Version int `json:"version"`
}

// load reads the JSON file at path into v, which must hold a "version" field. A missing file
// leaves v alone and is not an error. A file that does not decode or has another version is
// moved aside to <path>.corrupt-<UTC time> and reported as a Warning; v is then reset by the
// caller. Errors are left for failures that moving aside cannot fix (unreadable file, read-only
// folder), since starting empty then would let the next save overwrite the learner's file.
// With readOnly the file is never moved: the Warning says it was left in place.
func load(path string, v any, now time.Time, readOnly bool) (warn *Warning, reset bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", path, err)
	}
	reason := decode(data, v)
	if reason == "" {
		return nil, false, nil
	}
	if readOnly {
		return &Warning{Path: path, Reason: reason}, true, nil
	}
	moved, err := moveAside(path, now)
	if errors.Is(err, fs.ErrNotExist) {
		// Another docktutor process moved it aside first; its warning tells the story.
		return nil, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("%s is unreadable (%s) and could not be moved aside: %w", path, reason, err)
	}
	return &Warning{Path: path, MovedTo: moved, Reason: reason}, true, nil
}

// decode unmarshals data into v and returns why it is unusable, or "" when it is fine.
func decode(data []byte, v any) string {
	var head versioned
	if err := json.Unmarshal(data, &head); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case len(data) == 0:
			return "empty file"
		case errors.As(err, &typeErr):
			return "unexpected content: " + err.Error()
		}
		return "not valid JSON: " + err.Error()
	}
	if head.Version != Version {
		if head.Version == 0 {
			return "no format version"
		}
		return fmt.Sprintf("format version %d, this docktutor reads version %d", head.Version, Version)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return "unexpected content: " + err.Error()
	}
	return ""
}

// moveAside renames path to a free <path>.corrupt-<UTC time>[-n] name and returns it.
func moveAside(path string, now time.Time) (string, error) {
	base := path + ".corrupt-" + now.UTC().Format("20060102T150405Z")
	for n := 1; ; n++ {
		dst := base
		if n > 1 {
			dst = base + "-" + strconv.Itoa(n)
		}
		if _, err := os.Lstat(dst); err == nil {
			continue
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		if err := os.Rename(path, dst); err != nil {
			return "", err
		}
		return dst, nil
	}
}

// writeJSON saves v at path atomically (WriteFileAtomic), indented, with a final newline.
func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	return WriteFileAtomic(path, append(data, '\n'))
}

// WriteFileAtomic saves data at path atomically: readers, and a crash at any moment, see either
// the old file or the new one, never a torn mix. The folder is created 0700 and the file is
// 0600, since what docktutor keeps says what a learner did and when.
func WriteFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	// The temporary file sits in the same folder so the rename stays on one file system, which is
	// what makes it atomic. CreateTemp gives it mode 0600 and a name no other process uses.
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	// Without the fsync a crash soon after the rename can leave an empty file under the new name.
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	done = true
	syncDir(dir)
	return nil
}

// syncDir makes the rename itself durable. It is best effort: some systems cannot fsync a folder,
// and the file is already complete either way.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// merge saves this process's changes without losing another's. Two docktutor processes may
// share a folder — the TUI open in one terminal, `docktutor build` in another — and each holds
// the file as it was when it opened it. So a save locks the file, reads what is on disk now,
// replays this process's changes (apply) on top of it, writes the result atomically and hands
// it back, so the process sees the other's changes too. A file that has gone unreadable since
// (corrupt, or written by a newer docktutor in a format this one does not read) is moved aside
// as Open would, never overwritten; the save then starts from this process's own copy, mine.
func merge[T any](path string, mine T, empty func() T, apply func(*T)) (T, error) {
	unlock, err := lockFile(path)
	if err != nil {
		return mine, err
	}
	defer unlock()
	disk := empty()
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// the first save
	case err != nil:
		return mine, fmt.Errorf("read %s: %w", path, err)
	case decode(data, &disk) != "":
		if _, err := moveAside(path, time.Now()); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return mine, fmt.Errorf("%s is unreadable and could not be moved aside: %w", path, err)
		}
		disk = mine
	}
	apply(&disk)
	if err := writeJSON(path, &disk); err != nil {
		return mine, err
	}
	return disk, nil
}

// lockPath is the file whose lock guards saves of path.
func lockPath(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".lock")
}
