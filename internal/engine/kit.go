package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/distribution/reference"
)

// Kit is what `docktutor kit` needs of a daemon to carry a course's base images to a machine
// before a workshop: pull them (from their registries or a classroom mirror), push them to a
// mirror, and move them as one bundle. Client implements it; so does the fake.
type Kit interface {
	// ImageStatus says whether ref is on the daemon, its size, and whether it is a stand-in.
	ImageStatus(ctx context.Context, ref string) (ImageStatus, error)
	// Pull pulls ref, calling emit (from the calling goroutine) for each progress message. A
	// registry that does not answer or does not have ref gives a *RegistryError.
	Pull(ctx context.Context, ref string, emit func(LayerEvent)) error
	// Push pushes ref to the registry its name says, calling emit for each progress message.
	Push(ctx context.Context, ref string, emit func(LayerEvent)) error
	// Tag gives the image source the name target as well.
	Tag(ctx context.Context, source, target string) error
	// Untag removes the name ref; the image stays when another name holds it.
	Untag(ctx context.Context, ref string) error
	// SaveSize estimates the bytes Save will stream for refs: each distinct layer once.
	SaveSize(ctx context.Context, refs []string) (int64, error)
	// Save streams one tar of all refs (`docker save`, shared layers stored once). The caller
	// closes it.
	Save(ctx context.Context, refs []string) (io.ReadCloser, error)
	// Load streams a bundle (a tar, gzip-compressed or not) into the daemon and returns the
	// names of the images it loaded, in the daemon's order.
	Load(ctx context.Context, bundle io.Reader) ([]string, error)
}

var _ Kit = (*Client)(nil)

// LayerPhase is where one layer of a pull or push stands.
type LayerPhase int

// The phases, in the order a layer goes through them. A layer the daemon already has (or the
// registry already has, on a push) goes straight to LayerDone.
const (
	LayerWaiting      LayerPhase = iota // announced, not yet moving
	LayerTransferring                   // downloading (pull) or uploading (push): Current/Total count bytes
	LayerTransferred                    // downloaded and being verified
	LayerExtracting                     // unpacking into the daemon's storage: Current/Total count bytes
	LayerDone                           // complete, or already there
)

// String names the phase, for plain output and tests.
func (p LayerPhase) String() string {
	switch p {
	case LayerWaiting:
		return "waiting"
	case LayerTransferring:
		return "transferring"
	case LayerTransferred:
		return "transferred"
	case LayerExtracting:
		return "extracting"
	case LayerDone:
		return "done"
	}
	return "unknown"
}

// LayerEvent is one progress message of a pull or a push, in docktutor's terms.
type LayerEvent struct {
	// Ref is the image the daemon was asked to pull or push.
	Ref string
	// Layer is the layer's short ID as the daemon reports it; empty for a message about the
	// whole image ("Digest: …", "Status: Downloaded newer image for …").
	Layer string
	// Status is the daemon's own words: "Downloading", "Pull complete", "Already exists"…
	Status string
	// Phase is what Status means for the layer; meaningless when Layer is empty.
	Phase LayerPhase
	// Current and Total count the bytes of the phase when the daemon counts them (zero
	// otherwise).
	Current, Total int64
}

// RegistryError says a registry did not answer, or answered without the image: the reason a
// pull failed that no retry on this machine will fix while the network stays as it is.
type RegistryError struct {
	Registry string // the registry's host, e.g. registry-1.docker.io, gcr.io, 127.0.0.1:5000
	Ref      string // the image asked for
	// Unreachable says the registry did not answer at all (no name resolution, no route,
	// refused, timed out): every other image from it will fail the same way.
	Unreachable bool
	Msg         string // the daemon's reason
}

// Error names the registry and the daemon's reason.
func (e *RegistryError) Error() string {
	if e.Unreachable {
		return "registry " + e.Registry + " does not answer: " + e.Msg
	}
	return "registry " + e.Registry + ": " + e.Msg
}

// DockerHub is the host the daemon pulls Docker Hub's images from.
const DockerHub = "registry-1.docker.io"

// RegistryOf names the registry a reference's image is pulled from: its host, or DockerHub for
// names without one (alpine:3.22, library images and user/repo alike).
func RegistryOf(ref string) string {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return ""
	}
	if d := reference.Domain(named); d != "docker.io" {
		return d
	}
	return DockerHub
}

// MirrorRef is the name ref has in a classroom registry at host (host:port): the registry part
// of ref is replaced by host, and Docker Hub's "library/" is dropped, so
//
//	alpine:3.22                              → host/alpine:3.22
//	user/app:1                               → host/user/app:1
//	gcr.io/distroless/static-debian13:debug  → host/distroless/static-debian13:debug
//
// A reference without a tag gets ":latest", as the daemon pulls it. Two registries that hold
// the same path (docker.io/x/y and gcr.io/x/y) would meet in one name: a course naming both
// is not supported.
func MirrorRef(host, ref string) (string, error) {
	host = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(host, "http://"), "https://"), "/")
	if host == "" || strings.ContainsAny(host, "/@ ") {
		return "", &UsageError{Msg: "registry " + quote(host) + " is not host or host:port"}
	}
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return "", &UsageError{Msg: "image " + quote(ref) + ": " + err.Error()}
	}
	path := reference.Path(named)
	if reference.Domain(named) == "docker.io" {
		path = strings.TrimPrefix(path, "library/")
	}
	out := host + "/" + path
	switch r := reference.TagNameOnly(named).(type) {
	case reference.Digested:
		out += "@" + r.Digest().String()
	case reference.Tagged:
		out += ":" + r.Tag()
	}
	if _, err := reference.ParseNormalizedNamed(out); err != nil {
		return "", &UsageError{Msg: "registry " + quote(host) + ": " + out + " is not a valid image name: " + err.Error()}
	}
	return out, nil
}

// unreachableWords are the daemon's reasons that mean nothing answered at the registry's
// address, as Go's net package words them inside the daemon.
var unreachableWords = []string{
	"no such host", "connection refused", "network is unreachable", "no route to host",
	"i/o timeout", "timeout exceeded", "tls handshake timeout", "server misbehaving",
	"temporary failure in name resolution", "connection reset",
}

// registryError explains a failed pull or push of ref: a *RegistryError when the daemon's
// reason is the registry's, the error itself otherwise.
func registryError(ref string, err error) error {
	if err == nil {
		return nil
	}
	var de *DaemonError
	if errors.As(err, &de) || errors.Is(err, context.Canceled) {
		return err
	}
	msg := daemonMessage(err)
	low := strings.ToLower(msg)
	re := &RegistryError{Registry: RegistryOf(ref), Ref: ref, Msg: msg}
	for _, w := range unreachableWords {
		if strings.Contains(low, w) {
			re.Unreachable = true
			return re
		}
	}
	for _, w := range []string{"not found", "manifest unknown", "unauthorized", "denied", "http: server gave http response to https client", "certificate"} {
		if strings.Contains(low, w) {
			return re
		}
	}
	return fmt.Errorf("%s", msg)
}
