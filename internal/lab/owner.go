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
// everything it creates. Learners on one workshop server differ by user; the same user on two
// laptops sharing a remote daemon differs by host.
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

// OwnerNamespace is the namespace a learner's images move to when another learner's images
// already hold the plain tags on a shared daemon: the user name, made fit for an image
// reference (lower case letters, digits, '.', '_' and '-', starting with a letter or digit).
func OwnerNamespace() string {
	if ns := namespaceFrom(userName()); ns != "" {
		return ns
	}
	return "uid" + strconv.Itoa(os.Getuid())
}

// namespaceFrom makes a user name fit for an image reference's path, or "" when nothing of it
// fits.
func namespaceFrom(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case (r == '.' || r == '_' || r == '-') && b.Len() > 0:
			b.WriteRune(r)
		default:
			if b.Len() > 0 {
				b.WriteByte('-')
			}
		}
	}
	return strings.TrimRight(b.String(), "._-")
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
		if owner := info.Labels[engine.LabelOwner]; owner != "" && owner != Owner() {
			return Tag(OwnerNamespace(), lessonID, strategyID)
		}
	}
	return tag
}
