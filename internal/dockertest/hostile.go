package dockertest

import (
	"strings"
	"testing"
)

// HostileRun is a Dockerfile RUN line that prints what a malicious or careless build step can
// print to a terminal: cursor moves and screen clears, window-title and clipboard (OSC 52)
// writes, a DCS string, bells, backspaces and other C0 controls, C1 controls both UTF-8 encoded
// and as a raw byte, a charset switch, and a little honest colour. The engine's test checks the
// events the decoder makes of it; the UI's test checks the text as the build pane draws it.
const HostileRun = `RUN printf 'HOSTILE-START\n' && ` +
	`printf '\033[2J\033[H\033[10;20Hmoved\033[A\033[K\n' && ` +
	`printf '\033]0;pwned-title\007\033]52;c;ZWNobyBvd25lZA==\007\033]2;st-title\033\\after-osc\n' && ` +
	`printf '\033Pq#0;2;0;0;0#0~~\033\\after-dcs\n' && ` +
	`printf 'bell\007 bs\010 vt\013 ff\014 del\177 so\016 end\n' && ` +
	`printf '\302\2332J c1-csi \302\2350;c1-title\302\234 raw\233 31m\n' && ` +
	`printf '\033[31mred\033[0m plain \033[1;32mbold-green\033[m\n' && ` +
	`printf '\033(0lqk\033(B \033c\0337\0338\033=\033>reset-done\n' && ` +
	`printf 'HOSTILE-END\n'`

// CheckHostileText checks what became of HostileRun's output, as plain text (its lines joined):
// every word it printed is there, and no payload of a control sequence (a window title, a
// clipboard write) came through as text.
func CheckHostileText(t testing.TB, text string) {
	t.Helper()
	for _, want := range []string{"HOSTILE-START", "moved", "after-osc", "after-dcs", "bell bs vt ff del so end", "red plain bold-green", "reset-done", "HOSTILE-END"} {
		if !strings.Contains(text, want) {
			t.Errorf("the build's output lost %q:\n%s", want, text)
		}
	}
	for _, payload := range []string{"pwned-title", "ZWNobyBvd25lZA", "st-title", "c1-title"} {
		if strings.Contains(text, payload) {
			t.Errorf("the payload of a control sequence (%q) came through as text:\n%s", payload, text)
		}
	}
}
