//go:build !unix

package progress

// lockFile is a no-op where flock(2) does not exist: saves stay atomic, and two processes
// saving at the same instant may lose one of the two saves' changes.
func lockFile(string) (func(), error) { return func() {}, nil }
