// Package human formats numbers for people: image sizes as `docker images` prints them, counts
// with their noun, and durations as a build timer shows them. It is shared by the command line
// and the TUI, so both say the same thing the same way.
package human

import (
	"fmt"
	"strconv"
	"time"
)

// Size formats a byte count the way `docker images` does (decimal units): 8.5MB, 1.02GB.
// Zero and negative counts, which mean "not measured", read "-".
func Size(n int64) string {
	switch {
	case n <= 0:
		return "-"
	case n >= 1e9:
		return fmt.Sprintf("%.2fGB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1fMB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1fkB", float64(n)/1e3)
	}
	return fmt.Sprintf("%dB", n)
}

// Plural puts a count before its noun: "1 image", "3 images". many is the plural form; when it
// is empty, one+"s" is.
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	if many == "" {
		many = one + "s"
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Duration formats a build's running time: 4.2s under a minute, 1m05s from there on.
func Duration(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}

// Seconds turns a float count of seconds, as results store them, into a Duration.
func Seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// Ordinal writes n as an English ordinal, a place in a queue: 1st, 2nd, 3rd, 4th, 11th, 12th,
// 13th, 21st, 112th.
func Ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}
