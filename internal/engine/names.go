package engine

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
)

// namePrefix starts the name of everything docktutor asks the daemon to create under a name.
const namePrefix = "docktutor-"

// The kinds of thing randomID names.
const (
	kindRun      = "run"      // Run's containers
	kindContents = "contents" // Contents' containers, created and never started
	kindBuild    = "build"    // BuildKit builds (their ID), and any container a build makes
)

// randomID names one thing docktutor asks the daemon for, by kind and never twice:
// docktutor-run-<random> for a run container, docktutor-build-<random> for a build.
func randomID(kind string) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return namePrefix + kind + "-" + hex.EncodeToString(b[:])
}

// madeByDocktutor tells a container docktutor created from one that only looks like it. The
// label alone proves nothing — a container inherits its image's labels, so one the learner
// started from docktutor's image (docker run --name my-play docktutor/…) carries it too — so
// the name randomID gave it must be there as well. name may have the API's leading "/".
func madeByDocktutor(name string, labels map[string]string) bool {
	if labels[LabelManaged] != "true" {
		return false
	}
	name = strings.TrimPrefix(name, "/")
	for _, kind := range []string{kindRun, kindContents, kindBuild} {
		if strings.HasPrefix(name, namePrefix+kind+"-") {
			return true
		}
	}
	return false
}

// MadeByDocktutor reports whether docktutor created the container (its name and label say so),
// rather than the learner from one of docktutor's images: clean removes only the former.
func (c ManagedContainer) MadeByDocktutor() bool { return madeByDocktutor(c.Name, c.Labels) }
