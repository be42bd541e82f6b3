package ui

import (
	"strings"
	"testing"

	"github.com/docktutor/docktutor/internal/enginefake"
)

// seatRecorder is a Classroom that records what the program tells the room.
type seatRecorder struct {
	moved  []string
	built  []bool
	hands  []bool
	frames int
	last   string
}

func (s *seatRecorder) Moved(where string) { s.moved = append(s.moved, where) }
func (s *seatRecorder) Built(ok bool)      { s.built = append(s.built, ok) }
func (s *seatRecorder) RaiseHand(up bool)  { s.hands = append(s.hands, up) }
func (s *seatRecorder) Drew(frame string) {
	s.frames++
	s.last = frame
}

// In a classroom the program tells the room where the learner is, how their builds end, their
// hand and their screen, and shows the instructor's lines.
func TestTheProgramReportsToItsClassroom(t *testing.T) {
	fe := enginefake.New(nil)
	fe.DefaultOutput = "Hello from hello.py, docktutor!\nGET / -> 200 OK"
	fe.Fail = map[string]string{"docktutor/ada/multistage:python-multistage": "RUN pip install: no network"}
	room := &seatRecorder{}
	d := newDriver(t, Options{Course: loadCourse(t), Connect: fakeConnect(fe), Classroom: room, Namespace: "ada"}, 120, 40)
	d.m.View()
	if room.frames == 0 || !strings.Contains(room.last, "normal") {
		t.Errorf("the room saw no frame of the menu (%d frames)", room.frames)
	}
	d.key("down", "enter")
	if len(room.moved) == 0 || room.moved[len(room.moved)-1] != "lesson multistage" {
		t.Fatalf("moves: %v, want the lesson last", room.moved)
	}
	d.key("b", "tab", "b")
	if len(room.built) != 2 || !room.built[0] || room.built[1] {
		t.Errorf("builds told: %v, want ✓ then ✗", room.built)
	}
	d.key("h")
	if len(room.hands) != 1 || !room.hands[0] || !strings.Contains(d.screen(), "your hand is up") || !strings.Contains(d.screen(), "h lower hand") {
		t.Errorf("after h: hands %v, screen:\n%s", room.hands, d.screen())
	}
	d.key("h")
	if len(room.hands) != 2 || room.hands[1] || strings.Contains(d.screen(), "your hand is up") {
		t.Errorf("after h again: hands %v", room.hands)
	}
	d.m.Update(AnnounceMsg{Text: "break until 11:00\x1b[2J"}) // its command is the 2-minute timer
	if s := d.screen(); !strings.Contains(s, "instructor: break until 11:00") {
		t.Errorf("the instructor's line is not on the status line:\n%s", s)
	}
	if strings.Contains(d.m.render(), "\x1b[2J") {
		t.Error("the instructor's line cleared the learner's screen")
	}
	d.send(announceOverMsg{seq: d.m.class.seq})
	if strings.Contains(d.screen(), "instructor:") {
		t.Error("the instructor's line outlived its time")
	}
	d.key("esc")
	if room.moved[len(room.moved)-1] != "menu" {
		t.Errorf("back on the menu, the room thinks %q", room.moved[len(room.moved)-1])
	}
}

// In a classroom h is the hand on every screen, so an exercise's hint is i there; outside one
// h stays the hint and nothing is said of hands.
func TestClassroomMovesTheHint(t *testing.T) {
	fe := enginefake.New(nil)
	in := newDriver(t, Options{Course: loadCourse(t), Connect: fakeConnect(fe), Classroom: &seatRecorder{}, Exercise: "ship-thin-go", ExerciseDir: t.TempDir()}, 120, 40)
	if s := in.screen(); !strings.Contains(s, "i hint") || !strings.Contains(s, "press i") || !strings.Contains(s, "h raise hand") {
		t.Errorf("in a classroom:\n%s", s)
	}
	out := newDriver(t, Options{Course: loadCourse(t), Connect: fakeConnect(fe), Exercise: "ship-thin-go", ExerciseDir: t.TempDir()}, 120, 40)
	if s := out.screen(); !strings.Contains(s, "h hint") || strings.Contains(s, "hand") {
		t.Errorf("outside a classroom:\n%s", s)
	}
}
