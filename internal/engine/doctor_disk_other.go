//go:build !(linux || darwin)

package engine

import "errors"

// freeBytes is not measured on this platform; the doctor says so instead of guessing.
func freeBytes(string) (int64, error) {
	return 0, errors.New("not supported on this platform")
}
