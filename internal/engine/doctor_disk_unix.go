//go:build linux || darwin

package engine

import "syscall"

// freeBytes is the space an unprivileged user may still write on the file system holding path.
func freeBytes(path string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, err
	}
	return int64(uint64(st.Bavail) * uint64(st.Bsize)), nil //nolint:gosec // no disk holds 8 EB
}
