package ui

import (
	"context"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/docktutor/docktutor/internal/dockertest"
	"github.com/docktutor/docktutor/internal/engine"
)

func TestSanitizeLine(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Step 1/3 : FROM alpine", "Step 1/3 : FROM alpine"},
		{"UTF-8 kept", "größe ✓ 日本", "größe ✓ 日本"},
		{"tab", "a\tb", "a    b"},
		{"SGR kept", "\x1b[31mred\x1b[0m \x1b[1;38:5:208mx\x1b[m", "\x1b[31mred\x1b[0m \x1b[1;38:5:208mx\x1b[m"},
		{"cursor moves and clears", "\x1b[2J\x1b[H\x1b[10;20Hmoved\x1b[A\x1b[K", "moved"},
		{"private CSI", "\x1b[?25l\x1b[?1049hhidden", "hidden"},
		{"SGR with private marker dropped", "\x1b[?31mx", "x"},
		{"OSC title, BEL", "\x1b]0;pwned\x07after", "after"},
		{"OSC 52 clipboard", "\x1b]52;c;ZWNobyBvd25lZA==\x07after", "after"},
		{"OSC with ST", "\x1b]2;title\x1b\\after", "after"},
		{"OSC with C1 ST", "\x1b]2;title\u009cafter", "after"},
		{"OSC 8 hyperlink", "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"unterminated OSC", "before\x1b]0;never ends", "before"},
		{"DCS", "\x1bPq#0;2;0;0;0#0~~\x1b\\after", "after"},
		{"APC", "\x1b_Gf=100;AAAA\x1b\\after", "after"},
		{"charset switch", "\x1b(0lqk\x1b(B", "lqk"},
		{"two-byte escapes", "\x1bc\x1b7\x1b8\x1b=\x1b>done", "done"},
		{"ESC at the end", "text\x1b", "text"},
		{"ESC before UTF-8", "\x1bé", "é"},
		{"cut-off CSI", "text\x1b[31", "text"},
		{"CSI broken by a control", "\x1b[3\x07m", "m"},
		{"CSI broken by UTF-8", "\x1b[31é", "é"},
		{"C0 controls", "bell\a bs\b vt\v ff\f del\x7f so\x0e nul\x00 cr\r end", "bell bs vt ff del so nul cr end"},
		{"C1 controls", "a\u0085b\u0084c", "abc"},
		{"C1 CSI with parameters", "\u009b2J\u009b31mtext", "text"},
		{"C1 OSC", "\u009d0;title\u009cafter \u009d0;bel\x07end", "after end"},
		{"C1 DCS", "\u0090q~~\x1b\\after", "after"},
		{"invalid UTF-8", "raw\x9b31m \xff\xfe end", "raw\uFFFD31m \uFFFD\uFFFD end"},
		{"truncated UTF-8", "cut\xe2\x9c", "cut\uFFFD\uFFFD"},
		{"everything at once", "\x1b[1m✓\x1b[0m\x07\u009b2J\x1b]0;t\x07ok\t!", "\x1b[1m✓\x1b[0mok    !"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sanitizeLine(tt.in)
			if got != tt.want {
				t.Errorf("sanitizeLine(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if problem := unsafeForTerminal(got); problem != "" {
				t.Errorf("output %q: %s", got, problem)
			}
		})
	}
}

// unsafeForTerminal says what in s could act on a terminal rather than be drawn: any control
// character except the ESC of an SGR sequence, any C1 control, bytes that are not UTF-8.
func unsafeForTerminal(s string) string {
	if !utf8.ValidString(s) {
		return "not valid UTF-8"
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0x1b:
			j := i + 1
			if j >= len(s) || s[j] != '[' {
				return "an ESC that does not start an SGR sequence"
			}
			for j++; j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';' || s[j] == ':'); j++ {
			}
			if j >= len(s) || s[j] != 'm' {
				return "an ESC [ that is not SGR"
			}
			i = j + 1
			continue
		case r < 0x20 || r == 0x7f:
			return "a C0 control or DEL"
		case r >= 0x80 && r <= 0x9f:
			return "a C1 control"
		}
		i += size
	}
	return ""
}

// FuzzSanitizeLine: whatever goes in, what comes out is safe to draw, sanitizing it again
// changes nothing, and text with nothing to remove comes out as it went in.
func FuzzSanitizeLine(f *testing.F) {
	for _, s := range []string{
		"plain", "\x1b[31mred\x1b[0m", "\x1b]52;c;AAAA\x07", "\x1bPq\x1b\\", "\u009b2J", "\u009d0;x\u009c",
		"\x9b\xff", "\x1b(0", "\x1b", "\x1b[", "\t\a\b\x7f", "größe ✓", "\x1b]0;\xc2", "\xc2\x9b31m",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := sanitizeLine(in)
		if problem := unsafeForTerminal(out); problem != "" {
			t.Fatalf("sanitizeLine(%q) = %q: %s", in, out, problem)
		}
		if again := sanitizeLine(out); again != out {
			t.Fatalf("not idempotent: %q → %q → %q", in, out, again)
		}
		if unsafeForTerminal(in) == "" && !strings.ContainsAny(in, "\x1b\t") && out != in {
			t.Fatalf("clean text changed: %q → %q", in, out)
		}
		if len(out) > 4*len(in) { // tabs become four spaces, bad bytes three-byte U+FFFD
			t.Fatalf("output of %d bytes from %d", len(out), len(in))
		}
	})
}

// TestHostileBuildOutput runs a build whose RUN prints escape sequences and controls through the
// real engine, and checks every event's text as the build pane draws it (after sanitizeLine):
// nothing may act on the terminal. Needs a daemon with alpine:3.22 (CI's stand-in); skipped
// without one, unless CI=true.
func TestHostileBuildOutput(t *testing.T) {
	need := func(format string, args ...any) {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatalf(format, args...)
		}
		t.Skipf(format, args...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, err := engine.New(ctx)
	if err != nil {
		need("no Docker daemon: %v", err)
	}
	defer c.Close()
	if _, err := c.Inspect(ctx, "alpine:3.22"); err != nil {
		need("no alpine:3.22 (run .ci/standins): %v", err)
	}
	for _, b := range []engine.Builder{engine.BuilderLegacy, engine.BuilderBuildKit} {
		t.Run(string(b), func(t *testing.T) {
			tag := "docktutor-test/ui:hostile-" + string(b)
			t.Cleanup(func() { _ = c.Remove(context.Background(), tag) })
			var logged []string // what the RUN printed; step names quote the RUN as written
			emit := func(ev engine.Event) {
				for _, s := range []string{ev.Text, ev.Name} {
					drawn := sanitizeLine(s)
					if problem := unsafeForTerminal(drawn); problem != "" {
						t.Errorf("%s event %q is drawn as %q: %s", ev.Kind, s, drawn, problem)
					}
				}
				if ev.Kind == engine.EventLog {
					logged = append(logged, sanitizeLine(ev.Text))
				}
			}
			fsys := fstest.MapFS{"Dockerfile": {Data: []byte("FROM alpine:3.22\n" + dockertest.HostileRun + "\n")}}
			if _, err := c.Build(ctx, engine.BuildRequest{Context: fsys, Tag: tag, Builder: b, NoCache: true}, emit); err != nil {
				t.Fatal(err)
			}
			all := strings.Join(logged, "\n")
			for _, want := range []string{"HOSTILE-START", "moved", "after-osc", "after-dcs", "bell bs vt ff del so end", "red plain bold-green", "reset-done", "HOSTILE-END"} {
				if !strings.Contains(all, want) {
					t.Errorf("the build's text lost %q:\n%s", want, all)
				}
			}
			for _, leaked := range []string{"pwned-title", "ZWNobyBvd25lZA", "st-title", "c1-title"} {
				if strings.Contains(all, leaked) {
					t.Errorf("the payload of a control sequence (%q) is drawn as text", leaked)
				}
			}
		})
	}
}
