package cli

import (
	"runtime/debug"
	"strings"
)

// Commit is the commit docktutor was built from, for a build that sets it (-ldflags "-X
// github.com/docktutor/docktutor/internal/cli.Commit=…"); otherwise the Go toolchain's own
// record of the build says it (vcs.revision), when it was built from a git checkout.
var Commit = ""

// versionText is what --version prints after the name: the version and the commit, e.g.
// "v0.3.0 (commit 0123456789ab)", or "dev (commit 0123456789ab, modified)" for a build from a
// checkout with local changes. The version is Version when the build set it, else the module's
// version as `go install …@v0.3.0` records it.
func versionText(info *debug.BuildInfo, ok bool) string {
	version, commit, modified := Version, Commit, false
	if ok {
		if v := info.Main.Version; version == "dev" && v != "" && v != "(devel)" {
			version = v
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if commit == "" {
					commit = s.Value
				}
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if commit == "" {
		// A module download (go install …@version) carries no VCS stamp; a pseudo-version
		// ends in the commit: v0.0.0-20261202215000-0123456789ab.
		if i := strings.LastIndexByte(version, '-'); i >= 0 && len(version)-i-1 == 12 {
			commit = version[i+1:]
		} else {
			return version + " (commit unknown)"
		}
	}
	if len(commit) > 12 {
		commit = commit[:12]
	}
	if modified {
		return version + " (commit " + commit + ", modified)"
	}
	return version + " (commit " + commit + ")"
}

// buildVersion is versionText of the running binary.
func buildVersion() string { return versionText(debug.ReadBuildInfo()) }
