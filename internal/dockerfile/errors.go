package dockerfile

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// Error is a Dockerfile that BuildKit would refuse, with the line BuildKit blames.
type Error struct {
	// File names the Dockerfile as the user gave it (Options.Filename); empty means
	// "Dockerfile".
	File string
	// Line is the 1-based line BuildKit points at; 0 when it names none (an empty file).
	Line int
	// Msg is BuildKit's message, safe to print: control bytes are escaped.
	Msg string
}

// Error formats the error as "FILE:LINE: message" (or "FILE: message" without a line), the
// way compilers and BuildKit's own output point at a file.
func (e *Error) Error() string {
	file := "Dockerfile"
	if e.File != "" {
		file = Printable(e.File)
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", file, e.Line, e.Msg)
	}
	return file + ": " + e.Msg
}

// TargetError is a --target that names no stage of the Dockerfile.
type TargetError struct {
	// Target is what was asked for, as given.
	Target string
	// Stages are the names a target can be given by, in file order.
	Stages []string
}

// Error names the missing target and lists the stages one could ask for.
func (e *TargetError) Error() string {
	msg := fmt.Sprintf("target stage %q could not be found", e.Target) // %q escapes control bytes
	if len(e.Stages) == 0 {
		return msg + ": no stage of this Dockerfile has a name (name one with FROM <image> AS <name>)"
	}
	return msg + "; the stages are: " + Printable(strings.Join(e.Stages, ", "))
}

// newError builds an Error at a line from a format.
func newError(line int, format string, args ...any) *Error {
	return &Error{Line: line, Msg: Printable(fmt.Sprintf(format, args...))}
}

// fromBuildKit turns an error of BuildKit's parser or instruction decoder into an *Error with
// the line BuildKit attached to it (the first line of the first location) and BuildKit's own
// message without its "dockerfile parse error on line N:" prefix.
func fromBuildKit(err error, fallbackLine int) *Error {
	line := fallbackLine
	msg := err.Error()
	var le *parser.LocationError
	if errors.As(err, &le) {
		if len(le.Locations) > 0 && len(le.Locations[0]) > 0 {
			line = le.Locations[0][0].Start.Line
		}
		if inner := le.Unwrap(); inner != nil {
			msg = inner.Error()
		}
	}
	if line < 0 {
		line = 0
	}
	return &Error{Line: line, Msg: Printable(msg)}
}

// Printable returns s with everything a terminal could act on escaped: control characters
// (C0, DEL, C1), bidirectional overrides and invalid UTF-8 become Go-style escapes such as
// \x1b, \t or \u202e. Use it on any text taken from a Dockerfile before printing it.
func Printable(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || needsEscape(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case needsEscape(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case needsEscape(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsEscape(r rune) bool {
	if unicode.IsControl(r) {
		return true
	}
	switch {
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true // bidirectional formatting: can make text read differently than it is
	case r == 0xfeff:
		return true // zero width no-break space / stray byte-order mark
	}
	return false
}
