package lab

import (
	"context"
	"os"
	"os/user"
	"strconv"
	"strings"
	"sync"

	"github.com/docktutor/docktutor/internal/engine"
)

// Owner names the learner running docktutor, as user@host: the value of engine.LabelOwner on
// everything it creates. Whose an object is, is decided by the user part alone (IsMine): a
// host name changes (a laptop on another network, docktutor in a container with the host's
// socket) and must not make a learner a stranger to their own images. The host is there for
// the person reading the label.
var Owner = sync.OnceValue(func() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	return userName() + "@" + host
})

func userName() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "uid" + strconv.Itoa(os.Getuid())
}

// IsMine reports whether an object whose engine.LabelOwner is owner was made by this learner:
// by this user name (see Owner), or by a docktutor from before the label (owner "").
func IsMine(owner string) bool {
	if owner == "" {
		return true
	}
	if i := strings.LastIndexByte(owner, '@'); i >= 0 {
		owner = owner[:i]
	}
	return owner == userName()
}

// OwnerNamespace is the namespace a learner's images move to when another learner's images
// already hold the plain tags on a shared daemon: the user name, made fit for an image
// reference path component.
func OwnerNamespace() string {
	if ns := NamespaceFrom(userName()); ns != "" {
		return ns
	}
	return "uid" + strconv.Itoa(os.Getuid())
}

// NamespaceFrom makes a user name fit for an image reference's path: lower-case letters and
// digits, every run of anything else one '-', none at either end ("Ada.Lovelace" becomes
// "ada-lovelace"); "" when nothing of it fits.
func NamespaceFrom(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}

// tagFor is the tag a strategy's image gets. With a namespace (DOCKTUTOR_NAMESPACE), the
// namespaced tag. Without one, the plain tag docktutor/<lesson>:<strategy> — unless an image
// under that tag belongs to another learner (a workshop server's daemon, shared): then this
// learner's image goes under docktutor/<user>/…, so that neither build takes the other's tag.
// Two learners who start the same build in the same second can still both take the plain
// tag; each result then still measures its own image, by ID (see runOnce).
func tagFor(ctx context.Context, eng engine.Engine, opts Options, lessonID, strategyID string) string {
	if opts.Namespace != "" {
		return Tag(opts.Namespace, lessonID, strategyID)
	}
	tag := Tag("", lessonID, strategyID)
	if info, err := eng.Inspect(ctx, tag); err == nil {
		if !IsMine(info.Labels[engine.LabelOwner]) {
			return Tag(OwnerNamespace(), lessonID, strategyID)
		}
	}
	return tag
}
