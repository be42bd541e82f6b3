package human

import (
	"testing"
	"time"
)

func TestSize(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "-"}, {-5, "-"}, {999, "999B"}, {1_500, "1.5kB"}, {8_500_000, "8.5MB"}, {1_020_000_000, "1.02GB"},
	} {
		if got := Size(tc.n); got != tc.want {
			t.Errorf("Size(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestPlural(t *testing.T) {
	for _, tc := range []struct {
		n         int
		one, many string
		want      string
	}{
		{1, "image", "", "1 image"},
		{0, "image", "", "0 images"},
		{2, "strategy", "strategies", "2 strategies"},
	} {
		if got := Plural(tc.n, tc.one, tc.many); got != tc.want {
			t.Errorf("Plural(%d, %q, %q) = %q, want %q", tc.n, tc.one, tc.many, got, tc.want)
		}
	}
}

func TestDuration(t *testing.T) {
	if got := Duration(4200 * time.Millisecond); got != "4.2s" {
		t.Errorf("Duration(4.2s) = %q", got)
	}
	if got := Duration(65 * time.Second); got != "1m05s" {
		t.Errorf("Duration(65s) = %q", got)
	}
	if got := Seconds(1.5); got != 1500*time.Millisecond {
		t.Errorf("Seconds(1.5) = %v", got)
	}
}

func TestOrdinal(t *testing.T) {
	for n, want := range map[int]string{
		1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 10: "10th", 11: "11th", 12: "12th", 13: "13th",
		21: "21st", 22: "22nd", 23: "23rd", 101: "101st", 111: "111th", 112: "112th", 113: "113th",
	} {
		if got := Ordinal(n); got != want {
			t.Errorf("Ordinal(%d) = %q, want %q", n, got, want)
		}
	}
}
