// Package audit judges a learner's own Dockerfile with docktutor's default goals: what the
// Dockerfile says (a dependency install after a COPY of the whole context, a base image with
// no tag or with latest) and what the image it builds ships (its size and layers, a shell,
// compilers or package managers, the user it runs as, files that look like secrets in any
// layer). Each finding names the lesson that teaches the fix, what was measured, and the
// Dockerfile line or image layer to look at. `docktutor check` prints them.
package audit

import (
	"cmp"
	"slices"
)

// Level says how much a finding matters: a warning makes `docktutor check` exit 1, a note
// only informs.
type Level string

// The levels of a finding.
const (
	Warning Level = "warning"
	Note    Level = "note"
)

// Finding is one thing a default goal found. Its JSON form is the contract of
// `docktutor check --json` (README); fields may be added, never renamed.
type Finding struct {
	// ID names the goal: install-after-copy, base-untagged, base-latest, size, layers,
	// shell, compiler, package-manager, root, secret.
	ID    string `json:"id"`
	Level Level  `json:"level"`
	// Title says in one line what is wrong (or, for a note, what was measured).
	Title string `json:"title"`
	// Measured is what docktutor saw; Want what the goal asks for.
	Measured string `json:"measured"`
	Want     string `json:"want,omitempty"`
	// Line is the Dockerfile line to look at, 0 when no single line is to blame.
	Line int `json:"line,omitempty"`
	// Where says where to look in words: "line 4: COPY . .", "layer 3 (COPY . /app)".
	Where string `json:"where,omitempty"`
	// Lesson is the id of the lesson that teaches the fix: `docktutor lesson <Lesson>`.
	Lesson string `json:"lesson"`
	// Fix says what to change.
	Fix string `json:"fix"`
}

// Lessons that teach the fixes. TestLessonsExist keeps them true to the course.
const (
	lessonNormal     = "normal"     // tags move, digests do not
	lessonContext    = "context"    // the build context, .dockerignore, and secrets that ship
	lessonMultistage = "multistage" // build fat, ship thin: toolchains stay behind
	lessonDistroless = "distroless" // no shell, no package manager, an unprivileged user
	lessonCache      = "cache"      // instruction order and the layer cache
)

// Warnings counts the findings at warning level.
func Warnings(fs []Finding) int {
	n := 0
	for _, f := range fs {
		if f.Level == Warning {
			n++
		}
	}
	return n
}

// Sort orders findings for reading: warnings first, then by Dockerfile line (findings with
// no line last), keeping the goals' order among equals.
func Sort(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if a.Level != b.Level {
			if a.Level == Warning {
				return -1
			}
			return 1
		}
		la, lb := a.Line, b.Line
		if la == 0 {
			la = 1 << 30
		}
		if lb == 0 {
			lb = 1 << 30
		}
		return cmp.Compare(la, lb)
	})
}
