//go:build unix && !solaris && !aix

package progress

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// fileLocking says whether lockFile really locks.
const fileLocking = true

// lockFile takes an exclusive lock on a hidden file beside path (".progress.json.lock"), waiting for another docktutor process to
// finish its save, and returns the function that releases it. The lock file stays: removing it
// would let two processes lock two different files of one name.
func lockFile(path string) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	f, err := os.OpenFile(lockPath(path), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
