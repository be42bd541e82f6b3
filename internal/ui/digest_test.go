package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/enginefake"
	"github.com/docktutor/docktutor/internal/lesson"
)

const golangDigest = "golang@sha256:5f1ee1d5d2d1b7cd2d4b2a6a7b0e6fb2c5e2d4c9f0a1b2c3d4e5f60718293a4b"

func TestBaseLinesGolden(t *testing.T) {
	pulled := evidence[engine.ImageInfo]{value: engine.ImageInfo{ID: "sha256:a79684c2d73a4e6863d0216028ae7e8f", RepoDigests: []string{"ghcr.io/x/golang@sha256:00", golangDigest}}}
	local := evidence[engine.ImageInfo]{value: engine.ImageInfo{ID: "sha256:5054bd8d93a65323fef2469c0dfd0df7"}}
	for _, width := range []int{36, 76} {
		var out []string
		for _, c := range []struct {
			ref string
			ev  evidence[engine.ImageInfo]
		}{
			{"golang:1.27", pulled},
			{"alpine:3.22", local},
			{"python:3.13", evidence[engine.ImageInfo]{pending: true}},
			{"gcr.io/distroless/static-debian13", evidence[engine.ImageInfo]{err: errors.New("No such image: gcr.io/distroless/static-debian13")}},
		} {
			out = append(out, strings.Join(baseLines(c.ref, c.ev, NewStyles(true, true), width), "\n"))
		}
		got := strings.Join(out, "\n\n")
		fitsWidth(t, got, width)
		golden(t, fmt.Sprintf("base-%d", width), got)
	}
}

func TestPinned(t *testing.T) {
	for _, tt := range []struct{ ref, digest, want string }{
		{"golang:1.27", golangDigest, "golang:1.27@" + golangDigest[len("golang@"):]},
		{"golang:1.27@sha256:old", "golang@sha256:new", "golang:1.27@sha256:new"},
		{"golang:1.27", "no-at-sign", "golang:1.27"},
	} {
		if got := pinned(tt.ref, tt.digest); got != tt.want {
			t.Errorf("pinned(%q, %q) = %q, want %q", tt.ref, tt.digest, got, tt.want)
		}
	}
	if got := repoDigest("golang:1.27", []string{"ghcr.io/x/golang@sha256:00", "docker.io/library/golang@sha256:11"}); got != "docker.io/library/golang@sha256:11" {
		t.Errorf("repoDigest picked %q", got)
	}
}

// TestBaseShownAfterBuild: once a strategy is built, the results say what the daemon knows of
// its base image: a stand-in has no digest, a pulled image gets the FROM line that pins it.
func TestBaseShownAfterBuild(t *testing.T) {
	fe := enginefake.New(nil)
	fe.DefaultOutput = "Hello from hello.py, docktutor! Hello from the Go web app!"
	fe.RepoDigests = map[string][]string{"golang:1.27": {golangDigest}}
	d := newDriver(t, Options{Course: loadCourse(t), Lesson: "normal", Connect: fakeConnect(fe)}, 120, 40)
	d.key("B")
	text := map[string]string{}
	for range d.m.lesson.data.l.Strategies {
		body := ansi.Strip(d.m.lesson.results.body(60))
		text[d.m.lesson.data.strategy().ID] = strings.Join(strings.Fields(body), " ")
		d.key("tab")
	}
	if body := text["python"]; !strings.Contains(body, "Base python:3.13") || !strings.Contains(body, "No digest: this image was built or loaded locally, not pulled") {
		t.Errorf("python: no base image or no plain 'no digest':\n%s", body)
	}
	if body := text["python"]; !strings.Contains(body, "· context ") || !strings.Contains(body, "kB sent") {
		t.Errorf("the measurements do not say the context's size:\n%s", body)
	}
	if body := text["go"]; !strings.Contains(body, "Base golang:1.27") || !strings.Contains(body, "FROM golang:1.27@sha256:5f1ee1d5") {
		t.Errorf("go: no pinning FROM line:\n%s", body)
	}
}

// TestBaseEvidence: a question with evidence "base" shows the inspect command and what the
// daemon said of the strategy's base image, with no build needed.
func TestBaseEvidence(t *testing.T) {
	fe := enginefake.New(nil)
	d := newDriver(t, Options{Course: loadCourse(t), Lesson: "qa", Connect: fakeConnect(fe)}, 120, 40)
	data := d.m.lesson.data
	qu := *data.l.Questions[0]
	qu.Evidence, qu.Compare = lesson.EvidenceBase, ""
	s, _ := data.l.Strategy(qu.Strategy)
	ref := s.BaseImage()
	st := NewStyles(true, true)
	// The lesson asked the daemon about the base of the strategy on screen when it connected.
	if got := ansi.Strip(evidenceBody(data, &qu, st, 60)); !strings.Contains(got, "Base "+ref+" · ID ") {
		t.Errorf("the base image was not gathered on connecting: %q", got)
	}
	delete(data.bases, ref)
	if got := ansi.Strip(evidenceBody(data, &qu, st, 60)); !strings.Contains(got, "Asking the daemon") {
		t.Errorf("before the daemon answers: %q", got)
	}
	data.bases[ref] = evidence[engine.ImageInfo]{value: engine.ImageInfo{ID: "sha256:0123456789abcdef"}}
	got := strings.Join(strings.Fields(ansi.Strip(evidenceBody(data, &qu, st, 60))), " ")
	for _, want := range []string{"docker image inspect -f '{{.Id}} {{.RepoDigests}}'", ref, "Base " + ref + " · ID 0123456789ab", "No digest"} {
		if !strings.Contains(got, want) {
			t.Errorf("evidence %q lacks %q", got, want)
		}
	}
}
