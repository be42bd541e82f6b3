package lesson

import (
	"strings"

	"github.com/docktutor/docktutor/internal/dockerfile"
)

// BuildKitOnly finds the first instruction of the strategy's build that only BuildKit
// understands: a RUN with --mount (a cache, secret, bind or ssh mount). The legacy builder
// rejects the whole Dockerfile for it, so such a strategy must be built with BuildKit. Only
// the stages the build needs count: the legacy builder builds the others too, but BuildKit
// skips them.
func (s *Strategy) BuildKitOnly() (dockerfile.Instruction, bool) {
	if s.Graph == nil {
		return dockerfile.Instruction{}, false
	}
	for _, st := range s.Graph.Stages {
		if !st.Needed {
			continue
		}
		for _, in := range st.Instructions {
			if in.Keyword != "RUN" {
				continue
			}
			for _, w := range strings.Fields(in.Text)[1:] {
				if !strings.HasPrefix(w, "--") {
					break // the command starts: its own flags are not RUN's
				}
				if strings.HasPrefix(w, "--mount") {
					return in, true
				}
			}
		}
	}
	return dockerfile.Instruction{}, false
}
