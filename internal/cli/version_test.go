package cli

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionText(t *testing.T) {
	rev := []debug.BuildSetting{{Key: "vcs.revision", Value: "53ed889a5cf789b05114c206e2ade68261b369cb"}}
	dirty := append(rev, debug.BuildSetting{Key: "vcs.modified", Value: "true"})
	tests := []struct {
		name            string
		version, commit string // the -ldflags variables
		info            *debug.BuildInfo
		want            string
	}{
		{"go install …@v0.3.0", "dev", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.3.0"}}, "v0.3.0 (commit unknown)"},
		{"go install …@latest of a pseudo-version", "dev", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261202220536-53ed889a5cf7"}},
			"v0.0.0-20261202220536-53ed889a5cf7 (commit 53ed889a5cf7)"},
		{"go build in a checkout", "dev", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: rev}, "dev (commit 53ed889a5cf7)"},
		{"with local changes", "dev", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: dirty}, "dev (commit 53ed889a5cf7, modified)"},
		{"-ldflags wins", "v1.0.0", "abcdef", &debug.BuildInfo{Main: debug.Module{Version: "v0.3.0"}, Settings: rev}, "v1.0.0 (commit abcdef)"},
		{"no build info", "dev", "", nil, "dev (commit unknown)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldV, oldC := Version, Commit
			Version, Commit = tt.version, tt.commit
			defer func() { Version, Commit = oldV, oldC }()
			if got := versionText(tt.info, tt.info != nil); got != tt.want {
				t.Errorf("versionText = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestVersionFlag(t *testing.T) {
	out, _, code := run(t, nil, "--version")
	if code != 0 || !strings.HasPrefix(out, "docktutor ") || !strings.Contains(out, "(commit ") {
		t.Errorf("--version: exit %d, %q", code, out)
	}
}

// TestCompletionCommand checks that cobra's completion command is there for the shells the
// README names, and that lesson names complete.
func TestCompletionCommand(t *testing.T) {
	for shell, want := range map[string]string{"bash": "__start_docktutor", "zsh": "#compdef docktutor", "fish": "complete -c docktutor"} {
		out, _, code := run(t, nil, "completion", shell)
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("completion %s: exit %d, no %q", shell, code, want)
		}
	}
	out, _, _ := run(t, nil, "__complete", "lesson", "")
	if !strings.Contains(out, "multistage\t") {
		t.Errorf("lesson names do not complete: %q", out)
	}
}
