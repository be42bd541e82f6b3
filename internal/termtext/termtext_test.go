package termtext

import (
	"strings"
	"testing"
)

func TestSanitize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Step 1/3 : FROM alpine", "Step 1/3 : FROM alpine"},
		{"UTF-8 kept", "größe ✓ 日本", "größe ✓ 日本"},
		{"tab", "a\tb", "a    b"},
		{"line break", "first\nsecond", "first second"},
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
			got := Sanitize(tt.in)
			if got != tt.want {
				t.Errorf("Sanitize(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if problem := Unsafe(got); problem != "" {
				t.Errorf("output %q: %s", got, problem)
			}
		})
	}
}

// FuzzSanitize: whatever goes in, what comes out is safe to draw, sanitizing it again
// changes nothing, and text with nothing to remove comes out as it went in.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{
		"plain", "\x1b[31mred\x1b[0m", "\x1b]52;c;AAAA\x07", "\x1bPq\x1b\\", "\u009b2J", "\u009d0;x\u009c",
		"\x9b\xff", "\x1b(0", "\x1b", "\x1b[", "\t\a\b\x7f", "größe ✓", "\x1b]0;\xc2", "\xc2\x9b31m",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Sanitize(in)
		if problem := Unsafe(out); problem != "" {
			t.Fatalf("Sanitize(%q) = %q: %s", in, out, problem)
		}
		if again := Sanitize(out); again != out {
			t.Fatalf("not idempotent: %q → %q → %q", in, out, again)
		}
		if Unsafe(in) == "" && !strings.ContainsAny(in, "\x1b\t") && out != in {
			t.Fatalf("clean text changed: %q → %q", in, out)
		}
		if len(out) > 4*len(in) { // tabs become four spaces, bad bytes three-byte U+FFFD
			t.Fatalf("output of %d bytes from %d", len(out), len(in))
		}
	})
}

func TestPlain(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"\x1b[31mred\x1b[0m and \x1b[1;38:5:208mbold\x1b[m", "red and bold"},
		{"\x1b]0;title\x07\x1b[2Jafter\x07", "after"},
		{"\x1b[31", ""},
		{"tab\there", "tab    here"},
	}
	for _, tt := range tests {
		if got := Plain(tt.in); got != tt.want {
			t.Errorf("Plain(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestPen feeds lines as the legacy builder splits a red stderr write of three lines (one
// "ESC[91m" before, one "ESC[0m" after, landing at the start of the next line) and checks that
// every line carries its own colour and ends with a reset.
func TestPen(t *testing.T) {
	var p Pen
	in := []string{"before", "\x1b[91mfirst", "second", "third", "\x1b[0m", "after", "a \x1b[1mbold\x1b[22m \x1b[32mgreen", "still", "\x1b[0;33myellow\x1b[0m", "done"}
	want := []string{
		"before",
		"\x1b[91mfirst" + Reset,
		"\x1b[91msecond" + Reset,
		"\x1b[91mthird" + Reset,
		"", // a line of nothing but a reset
		"after",
		"a \x1b[1mbold\x1b[22m \x1b[32mgreen" + Reset,
		"\x1b[1m\x1b[22m\x1b[32mstill" + Reset,
		"\x1b[0;33myellow\x1b[0m", // a leading change folds into the colour the line starts with
		"done",
	}
	for i, s := range in {
		if got := p.Line(s); got != want[i] {
			t.Errorf("line %d: Line(%q) = %q, want %q", i, s, got, want[i])
		}
	}
}

// TestPenBounded: output that sets styles forever without a reset keeps each line's prefix short.
func TestPenBounded(t *testing.T) {
	var p Pen
	for i := range 1000 {
		out := p.Line("\x1b[1mx")
		if len(out) > maxPen+len("\x1b[1mx")+len(Reset) {
			t.Fatalf("line %d grew to %d bytes", i, len(out))
		}
	}
}

// FuzzPen: Line takes whatever it is given without panicking, even text that was not sanitized
// as it should be, and a sanitized line comes out safe to draw.
func FuzzPen(f *testing.F) {
	for _, s := range []string{"x\x1b", "\x1b[", "\x1b[31", "\x1b[2J", "\x1b]0;t\x07", "\x1b[31mred", "plain"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var p Pen
		p.Line(in)
		if out := p.Line(Sanitize(in)); Unsafe(out) != "" {
			t.Fatalf("Line(Sanitize(%q)) = %q: %s", in, out, Unsafe(out))
		}
	})
}
