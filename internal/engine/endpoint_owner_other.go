//go:build !unix

package engine

// socketOwner has nothing to say where sockets have no unix owner and group.
func socketOwner(Endpoint) string { return "" }
