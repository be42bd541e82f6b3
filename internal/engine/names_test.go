package engine

import "testing"

// TestMadeByDocktutor: a container is docktutor's when it has both the name randomID gives and
// the label; the label alone is what a container inherits from docktutor's image.
func TestMadeByDocktutor(t *testing.T) {
	managed := map[string]string{LabelManaged: "true"}
	tests := []struct {
		name   string
		labels map[string]string
		want   bool
	}{
		{randomID(kindRun), managed, true},
		{"/" + randomID(kindContents), managed, true},
		{randomID(kindBuild), managed, true},
		{randomID(kindRun), nil, false},
		{"my-play", managed, false},
		{"docktutor-leftover", managed, false},
		{"docktutor-runner", managed, false},
	}
	for _, tt := range tests {
		if got := (ManagedContainer{Name: tt.name, Labels: tt.labels}).MadeByDocktutor(); got != tt.want {
			t.Errorf("MadeByDocktutor(%q, %v) = %v, want %v", tt.name, tt.labels, got, tt.want)
		}
	}
}
