// Package termtext makes untrusted text safe for a terminal. Build output, container output
// and Dockerfiles from disk can carry escape sequences that move the cursor, set the window
// title or write the clipboard; Sanitize keeps their colours and drops the rest, Plain drops the
// colours too, and a Pen carries a colour across line breaks so that each line stands alone.
package termtext

import (
	"strings"
	"unicode/utf8"
)

// Sanitize makes untrusted text (build output, Dockerfiles from disk) safe to draw: colour
// and style sequences (SGR, "ESC [ ... m") are kept; every other escape sequence — cursor moves,
// screen clears, OSC titles and clipboard writes, DCS strings, charset switches — and every
// other control character, including the bell and the C1 controls (U+0080–U+009F, whose CSI
// and OSC forms are consumed with their parameters), is dropped. Bytes that are not UTF-8
// become U+FFFD: a terminal in an 8-bit mode would read a stray 0x9b as CSI. Tabs become
// spaces, and so does a line break.
func Sanitize(s string) string {
	if isPlain(s) || (strings.IndexByte(s, 0x1b) >= 0 && Unsafe(s) == "") {
		return s // nothing to remove: text already sanitized, as the engine's output is
	}
	var sb strings.Builder
	sb.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == 0x1b:
			i = skipEscape(s, i, &sb)
		case c == '\t':
			sb.WriteString("    ")
			i++
		case c == '\n':
			sb.WriteByte(' ') // a line break inside a message must not glue two words
			i++
		case c < 0x20 || c == 0x7f:
			i++ // other C0 controls, including BEL, CR and BS
		case c < utf8.RuneSelf:
			sb.WriteByte(c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				sb.WriteRune(utf8.RuneError)
				i++
			case r >= 0x80 && r <= 0x9f:
				i = skipC1(s, i, r, size)
			default:
				sb.WriteString(s[i : i+size])
				i += size
			}
		}
	}
	return sb.String()
}

// isPlain reports whether s needs no change: no C0 control, no DEL, valid UTF-8 and no C1
// control. ASCII, the bulk of build output, is decided a byte at a time without decoding.
func isPlain(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c < 0x20 || c == 0x7f:
			return false
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if (r == utf8.RuneError && size == 1) || (r >= 0x80 && r <= 0x9f) {
				return false
			}
			i += size
		}
	}
	return true
}

// skipEscape consumes the escape sequence starting at s[i] (an ESC), writing it to sb only when
// it is an SGR sequence, and returns the index after it. The shapes are ECMA-48's: CSI
// (ESC [ parameters intermediates final), the control strings (OSC, DCS, SOS, PM, APC, ended by
// BEL or ST), nF sequences (ESC, intermediates 0x20–0x2f, a final byte: ESC ( 0 switches to
// line drawing) and two-byte ones (ESC c, ESC 7). A malformed sequence is dropped up to where
// it went wrong, and what follows is read as text.
func skipEscape(s string, i int, sb *strings.Builder) int {
	if i+1 >= len(s) {
		return len(s)
	}
	switch c := s[i+1]; {
	case c == '[':
		end, final := csiEnd(s, i+2)
		if final == 'm' && sgrParams(s[i+2:end-1]) {
			sb.WriteString(s[i:end])
		}
		return end
	case c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_':
		return stringEnd(s, i+2)
	case c >= 0x20 && c <= 0x2f: // nF: intermediates, then one final byte
		j := i + 1
		for j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f {
			j++
		}
		if j < len(s) && s[j] >= 0x30 && s[j] <= 0x7e {
			j++
		}
		return j
	case c >= 0x30 && c <= 0x7e: // Fp, Fe, Fs: ESC and one byte
		return i + 2
	default: // ESC before a control or a non-ASCII character: drop the ESC alone
		return i + 1
	}
}

// skipC1 consumes the C1 control r (encoded in size bytes at s[i]) and, for the ones that open
// a sequence, the sequence: CSI takes parameters like ESC [, the string controls run to their
// terminator. None is kept, not even an 8-bit SGR: the 7-bit form is what programs send.
func skipC1(s string, i int, r rune, size int) int {
	switch r {
	case 0x9b: // CSI
		end, _ := csiEnd(s, i+size)
		return end
	case 0x9d, 0x90, 0x98, 0x9e, 0x9f: // OSC, DCS, SOS, PM, APC
		return stringEnd(s, i+size)
	}
	return i + size
}

// csiEnd scans a CSI's parameter (0x30–0x3f) and intermediate (0x20–0x2f) bytes from j and
// returns the index after its final byte (0x40–0x7e) and that byte; for a malformed or cut-off
// sequence, the index where it went wrong and 0.
func csiEnd(s string, j int) (int, byte) {
	for j < len(s) && s[j] >= 0x20 && s[j] <= 0x3f {
		j++
	}
	if j < len(s) && s[j] >= 0x40 && s[j] <= 0x7e {
		return j + 1, s[j]
	}
	return j, 0
}

// stringEnd returns the index after a control string's terminator — BEL, ESC \ or the C1 ST
// (U+009C) — searched from j; an unterminated string runs to the end of s, so callers give
// Sanitize one line at a time.
func stringEnd(s string, j int) int {
	for ; j < len(s); j++ {
		switch {
		case s[j] == 0x07:
			return j + 1
		case s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\':
			return j + 2
		case s[j] == 0xc2 && j+1 < len(s) && s[j+1] == 0x9c:
			return j + 2
		}
	}
	return len(s)
}

// sgrParams reports whether p holds only what an SGR sequence may: digits, ';' and ':'.
func sgrParams(p string) bool {
	for i := 0; i < len(p); i++ {
		if c := p[i]; (c < '0' || c > '9') && c != ';' && c != ':' {
			return false
		}
	}
	return true
}

// Plain is Sanitize without the colours: text for a log file, a pipe, JSON or an error message.
func Plain(s string) string {
	s = Sanitize(s)
	if strings.IndexByte(s, 0x1b) < 0 {
		return s
	}
	var sb strings.Builder
	sb.Grow(len(s))
	for i := 0; i < len(s); {
		if s[i] != 0x1b {
			sb.WriteByte(s[i])
			i++
			continue
		}
		i, _ = csiEnd(s, i+2) // after Sanitize, every ESC opens an SGR sequence
	}
	return sb.String()
}

// Reset ends every colour and style.
const Reset = "\x1b[0m"

// maxPen bounds what a Pen remembers: output that sets styles forever without a reset must
// not make every later line longer.
const maxPen = 128

// Pen follows the colour through a stream of lines. Programs colour text across line breaks:
// the legacy builder paints a step's stderr red with one "ESC[91m" before a write of several
// lines and one "ESC[0m" after it. Shown one line at a time, and cut, scrolled or reordered,
// such lines would lose their colour or leak it into whatever is drawn next. Line makes each
// line stand alone: it starts with the colour in force when it began and ends with a reset.
// The zero Pen is ready: no colour in force.
type Pen struct {
	state string // the SGR sequences in force since the last reset
}

// Line takes the next line, already sanitized (every ESC opens an SGR sequence), and returns
// it standing alone. A line that holds nothing but colour changes returns "" (the legacy
// builder's reset often arrives at the start of a line of its own).
func (p *Pen) Line(s string) string {
	if p.state == "" && strings.IndexByte(s, 0x1b) < 0 {
		return s
	}
	// Colour changes before the first character fold into the colour the line starts with,
	// so that a reset there does not follow a colour it cancels.
	i := 0
	for i < len(s) && s[i] == 0x1b {
		i = p.apply(s, i)
	}
	lead, start, rest := s[:i], p.state, s[i:]
	if rest == "" {
		return ""
	}
	for i := 0; i < len(rest); {
		if rest[i] == 0x1b {
			i = p.apply(rest, i)
		} else {
			i++
		}
	}
	out := s // the common case, a line that already stands alone, costs no copy
	if start != lead {
		out = start + rest
	}
	if p.state != "" {
		out += Reset
	}
	return out
}

// apply takes the SGR sequence at s[i] into the pen's state and returns the index after it.
func (p *Pen) apply(s string, i int) int {
	if i+1 >= len(s) || s[i+1] != '[' {
		return i + 1 // not sanitized: not a sequence the pen knows; skip the ESC
	}
	end, final := csiEnd(s, i+2)
	if final != 'm' || !sgrParams(s[i+2:end-1]) {
		return max(end, i+2) // only colours enter the pen's state
	}
	p.set(s[i:end], s[i+2:end-1])
	return end
}

// set applies one SGR sequence with parameters params to the pen's state.
func (p *Pen) set(seq, params string) {
	switch {
	case params == "" || params == "0":
		p.state = ""
	case strings.HasPrefix(params, "0;"):
		p.state = seq
	case len(p.state)+len(seq) > maxPen:
		p.state = seq
	default:
		p.state += seq
	}
}

// Unsafe says what in s could act on a terminal rather than be drawn — any control character
// except the ESC of an SGR sequence, any C1 control, bytes that are not UTF-8 — or "" when
// nothing could. Whatever Sanitize returns passes.
func Unsafe(s string) string {
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

// Line makes one line of untrusted text safe to draw anywhere: sanitized, and with any colour
// it leaves open reset at its end, so that cutting, scrolling or styling around it cannot
// spread its colour.
func Line(s string) string {
	var p Pen
	return p.Line(Sanitize(s))
}

// PlainLines is Plain for text of several lines, such as an error message: each line loses its
// escape sequences and control characters, and the line breaks stay.
func PlainLines(s string) string {
	if !strings.Contains(s, "\n") {
		return Plain(s)
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = Plain(l)
	}
	return strings.Join(lines, "\n")
}

// LastLine is the last line of untrusted output that holds anything, as plain text: what an
// error message quotes of a container's or a program's output. It is "" when none does.
func LastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(Plain(s))
}
