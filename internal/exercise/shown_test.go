package exercise

import "testing"

// TestShownLine: a run's verdict quotes the line with the expected text, wherever it is, and
// the last line when nothing is expected or it is missing.
func TestShownLine(t *testing.T) {
	out := "GET / -> 200 OK\nHello from the Go web app!\n"
	for _, tc := range []struct{ output, expect, want string }{
		{out, "GET / -> 200 OK", "GET / -> 200 OK"},
		{out, "", "Hello from the Go web app!"},
		{out, "404", "Hello from the Go web app!"},
		{"", "x", "no output"},
	} {
		if got := shownLine(tc.output, tc.expect); got != tc.want {
			t.Errorf("shownLine(%q, %q) = %q, want %q", tc.output, tc.expect, got, tc.want)
		}
	}
}
