//go:build unix

package engine

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// socketOwner describes a unix socket's owner, group and mode, e.g.
// " (owned by root:docker, mode 660)", or "" when it cannot be read: the group is what a
// learner must join.
func socketOwner(ep Endpoint) string {
	p, ok := ep.SocketPath()
	if !ok {
		return ""
	}
	st, err := os.Stat(p)
	if err != nil {
		return ""
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	owner, group := strconv.FormatUint(uint64(sys.Uid), 10), strconv.FormatUint(uint64(sys.Gid), 10)
	if u, err := user.LookupId(owner); err == nil {
		owner = u.Username
	}
	if g, err := user.LookupGroupId(group); err == nil {
		group = g.Name
	}
	return fmt.Sprintf(" (owned by %s:%s, mode %03o)", owner, group, st.Mode().Perm())
}
