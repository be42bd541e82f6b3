package ui

import "strings"

// sanitizeLine makes untrusted text (build output, Dockerfiles from disk) safe to draw: colour
// and style sequences (SGR, "ESC [ ... m") are kept; every other escape sequence — cursor moves,
// screen clears, OSC titles and clipboard writes — and every other control character, including
// the bell, is dropped. Tabs become spaces.
func sanitizeLine(s string) string {
	if isPlain(s) {
		return s
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
		case c < 0x20 || c == 0x7f:
			i++ // other C0 controls, including BEL, CR and BS
		case c == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9f:
			i += 2 // C1 controls encoded in UTF-8 (U+0080–U+009F), e.g. the 8-bit CSI
		default:
			sb.WriteByte(c)
			i++
		}
	}
	return sb.String()
}

func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c == 0xc2 {
			return false
		}
	}
	return true
}

// skipEscape consumes the escape sequence starting at s[i] (an ESC), writing it to sb only when
// it is an SGR sequence, and returns the index after it.
func skipEscape(s string, i int, sb *strings.Builder) int {
	if i+1 >= len(s) {
		return len(s)
	}
	switch s[i+1] {
	case '[': // CSI: parameters and intermediates, then a final byte 0x40–0x7e
		j := i + 2
		for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
			if s[j] < 0x20 { // a control inside: malformed, drop what we have
				return j
			}
			j++
		}
		if j >= len(s) {
			return len(s)
		}
		if s[j] == 'm' && sgrParams(s[i+2:j]) {
			sb.WriteString(s[i : j+1])
		}
		return j + 1
	case ']', 'P', 'X', '^', '_': // OSC, DCS, SOS, PM, APC: up to BEL or ST (ESC \)
		for j := i + 2; j < len(s); j++ {
			if s[j] == 0x07 {
				return j + 1
			}
			if s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\' {
				return j + 2
			}
		}
		return len(s)
	default: // two-byte sequences such as ESC c (reset) or ESC 7 (save cursor)
		return i + 2
	}
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
