package engine

import (
	"errors"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/jsonstream"
)

func TestMirrorRef(t *testing.T) {
	tests := []struct{ host, ref, want, err string }{
		{"127.0.0.1:5000", "alpine:3.22", "127.0.0.1:5000/alpine:3.22", ""},
		{"127.0.0.1:5000", "python:3.13-slim", "127.0.0.1:5000/python:3.13-slim", ""},
		{"10.0.0.1:5000", "gcr.io/distroless/static-debian13", "10.0.0.1:5000/distroless/static-debian13:latest", ""},
		{"10.0.0.1:5000", "gcr.io/distroless/python3-debian13:debug", "10.0.0.1:5000/distroless/python3-debian13:debug", ""},
		{"room:5000/", "user/app:1", "room:5000/user/app:1", ""},
		{"http://room:5000", "docker.io/library/golang:1.27", "room:5000/golang:1.27", ""},
		{"", "alpine:3.22", "", "is not host or host:port"},
		{"room:5000/sub", "alpine:3.22", "", "is not host or host:port"},
		{"room:5000", "Not An Image", "", `image "Not An Image"`},
	}
	for _, tt := range tests {
		got, err := MirrorRef(tt.host, tt.ref)
		if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("MirrorRef(%q, %q) = %q, %v; want %q, %q", tt.host, tt.ref, got, err, tt.want, tt.err)
		}
	}
}

func TestRegistryOf(t *testing.T) {
	for ref, want := range map[string]string{
		"alpine:3.22": DockerHub, "user/app": DockerHub, "gcr.io/distroless/static-debian13:debug": "gcr.io",
		"127.0.0.1:5000/alpine:3.22": "127.0.0.1:5000", "localhost:5000/x": "localhost:5000",
	} {
		if got := RegistryOf(ref); got != want {
			t.Errorf("RegistryOf(%q) = %q, want %q", ref, got, want)
		}
	}
}

func TestLayerEvent(t *testing.T) {
	tests := []struct {
		m     jsonstream.Message
		layer string
		phase LayerPhase
	}{
		{jsonstream.Message{Status: "Pulling from library/alpine", ID: "3.22"}, "", LayerWaiting},
		{jsonstream.Message{Status: "Pulling fs layer", ID: "a1"}, "a1", LayerWaiting},
		{jsonstream.Message{Status: "Downloading", ID: "a1", Progress: &jsonstream.Progress{Current: 5, Total: 10}}, "a1", LayerTransferring},
		{jsonstream.Message{Status: "Verifying Checksum", ID: "a1"}, "a1", LayerTransferred},
		{jsonstream.Message{Status: "Extracting", ID: "a1", Progress: &jsonstream.Progress{Current: 5, Total: 10}}, "a1", LayerExtracting},
		{jsonstream.Message{Status: "Pull complete", ID: "a1"}, "a1", LayerDone},
		{jsonstream.Message{Status: "Already exists", ID: "a1"}, "a1", LayerDone},
		{jsonstream.Message{Status: "Pushing", ID: "a1", Progress: &jsonstream.Progress{Current: 5, Total: 10}}, "a1", LayerTransferring},
		{jsonstream.Message{Status: "Mounted from library/alpine", ID: "a1"}, "a1", LayerDone},
		{jsonstream.Message{Status: "3.22: digest: sha256:abc size: 528"}, "", LayerWaiting},
		{jsonstream.Message{Status: "Digest: sha256:abc"}, "", LayerWaiting},
	}
	for _, tt := range tests {
		ev, ok := layerEvent("r", tt.m)
		if !ok || ev.Layer != tt.layer || (tt.layer != "" && ev.Phase != tt.phase) || ev.Ref != "r" {
			t.Errorf("layerEvent(%+v) = %+v, %v", tt.m, ev, ok)
		}
		if tt.m.Progress != nil && (ev.Current != 5 || ev.Total != 10) {
			t.Errorf("layerEvent(%+v) lost the byte counts: %+v", tt.m, ev)
		}
	}
	if _, ok := layerEvent("r", jsonstream.Message{Stream: "x"}); ok {
		t.Error("a message without status is an event")
	}
}

func TestRegistryError(t *testing.T) {
	hub := errors.New(`Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host`)
	var re *RegistryError
	if err := registryError("alpine:3.22", hub); !errors.As(err, &re) || !re.Unreachable || re.Registry != DockerHub ||
		!strings.HasPrefix(err.Error(), "registry registry-1.docker.io does not answer: Get ") {
		t.Errorf("unreachable hub: %v", err)
	}
	missing := errors.New("Error response from daemon: manifest for 127.0.0.1:5000/alpine:9 not found: manifest unknown: manifest unknown")
	if err := registryError("127.0.0.1:5000/alpine:9", missing); !errors.As(err, &re) || re.Unreachable || re.Registry != "127.0.0.1:5000" {
		t.Errorf("missing: %v", err)
	}
	other := errors.New("Error response from daemon: no space left on device")
	if err := registryError("alpine:3.22", other); errors.As(err, &re) || err.Error() != "no space left on device" {
		t.Errorf("other: %v", err)
	}
}

func TestLoadedImages(t *testing.T) {
	got, err := loadedImages(strings.NewReader(`{"stream":"Loaded image: alpine:3.22\n"}
{"stream":"Loaded image: gcr.io/distroless/static-debian13:debug\n"}
{"stream":"Loaded image ID: sha256:abc\n"}
`))
	if err != nil || strings.Join(got, ",") != "alpine:3.22,gcr.io/distroless/static-debian13:debug,sha256:abc" {
		t.Errorf("loadedImages = %q, %v", got, err)
	}
	_, err = loadedImages(strings.NewReader(`{"errorDetail":{"message":"unexpected EOF"},"error":"unexpected EOF"}`))
	if err == nil || !strings.Contains(err.Error(), "refused the bundle: unexpected EOF") {
		t.Errorf("error message: %v", err)
	}
}
