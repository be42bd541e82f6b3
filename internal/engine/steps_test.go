package engine

import (
	"reflect"
	"testing"
	"time"
)

// TestStepsLegacyStages: the legacy builder names no stage; a FROM starts the next, named by
// its AS or stage-N as BuildKit would. Its label steps are internal and not counted.
func TestStepsLegacyStages(t *testing.T) {
	var s Steps
	for _, ev := range []Event{
		{Kind: EventStepStarted, Step: 1, Total: 5, Name: "FROM python:3.13 AS build"},
		{Kind: EventStepDone, Step: 1, Total: 5, Name: "FROM python:3.13 AS build", Duration: time.Second},
		{Kind: EventStepStarted, Step: 2, Total: 5, Name: "COPY hello.py /"},
		{Kind: EventCacheHit, Step: 2, Total: 5, Name: "COPY hello.py /"},
		{Kind: EventStepDone, Step: 2, Total: 5, Name: "COPY hello.py /"},
		{Kind: EventLog, Step: 2, Total: 5, Text: "output"},
		{Kind: EventStepStarted, Step: 3, Total: 5, Name: "FROM python:3.13-slim"},
		{Kind: EventStepStarted, Step: 4, Total: 5, Name: "RUN false"},
		{Kind: EventError, Step: 4, Total: 5, Name: "RUN false", Text: "exit 1"},
		{Kind: EventStepStarted, Step: 5, Total: 5, Name: "LABEL io.docktutor.lesson=x", Internal: true},
		{Kind: EventImageID, Text: "sha256:abc"},
	} {
		s.Observe(ev)
	}
	type row struct {
		Stage  string
		Number int
		State  StepState
	}
	var got []row
	for _, st := range s.All() {
		got = append(got, row{st.Stage, st.StageNumber, st.State})
	}
	want := []row{{"build", 0, StepDone}, {"build", 0, StepCached}, {"stage-1", 1, StepRunning}, {"stage-1", 1, StepFailed}, {"stage-1", 1, StepRunning}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("steps:\n got %+v\nwant %+v", got, want)
	}
	if n, c := s.Counts(); n != 4 || c != 1 {
		t.Errorf("Counts() = %d, %d; want 4 steps, 1 cached", n, c)
	}
	if st := s.At(0); st.Duration != time.Second || st.Title() != "step 1/5  FROM python:3.13 AS build" {
		t.Errorf("first step: %+v, title %q", st, st.Title())
	}
}

// TestStepsBuildKit: BuildKit names the stage itself; its internal steps have none.
func TestStepsBuildKit(t *testing.T) {
	var s Steps
	for _, ev := range []Event{
		{Kind: EventStepStarted, Step: 1, Name: "[internal] load build definition", Internal: true},
		{Kind: EventStepStarted, Step: 2, Stage: "build", StageStep: 2, StageTotal: 2, Name: "COPY hello.py /"},
		{Kind: EventCacheHit, Step: 2, Stage: "build", StageStep: 2, StageTotal: 2, Name: "COPY hello.py /"},
		{Kind: EventStepDone, Step: 2, Stage: "build", StageStep: 2, StageTotal: 2, Name: "COPY hello.py /", Duration: time.Millisecond},
		{Kind: EventStepStarted, Step: 3, StageStep: 1, StageTotal: 2, Name: "FROM docker.io/library/python:3.13-slim"},
		{Kind: EventStepDone, Step: 9, Name: "never started"},
	} {
		s.Observe(ev)
	}
	want := []Step{
		{Step: 1, Name: "[internal] load build definition", Internal: true, StageNumber: -1},
		{Step: 2, Stage: "build", StageStep: 2, StageTotal: 2, Name: "COPY hello.py /", State: StepCached, Duration: time.Millisecond, StageNumber: -1},
		{Step: 3, StageStep: 1, StageTotal: 2, Name: "FROM docker.io/library/python:3.13-slim", StageNumber: -1},
	}
	if !reflect.DeepEqual(s.All(), want) {
		t.Errorf("steps:\n got %+v\nwant %+v", s.All(), want)
	}
	if got := s.At(1).Title(); got != "[build 2/2]  COPY hello.py /" {
		t.Errorf("title = %q", got)
	}
	if _, ok := s.Find(9); ok {
		t.Error("a step that only ended was recorded")
	}
}

func TestIsFromAndShortID(t *testing.T) {
	for in, want := range map[string]bool{"FROM alpine": true, "from alpine AS x": true, "RUN from": false, "": false, "FROMX a": false} {
		if IsFrom(in) != want {
			t.Errorf("IsFrom(%q) = %v", in, !want)
		}
	}
	if got := ShortID("sha256:0123456789abcdef"); got != "0123456789ab" {
		t.Errorf("ShortID = %q", got)
	}
}
