package engine

import (
	"context"
	"errors"
	"iter"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"
)

// This file and kit_save.go are the kit's side of the Docker SDK: pull, push, tag, save and
// load, their progress read as the API's jsonstream messages and handed on as LayerEvents.

// ImageStatus says whether ref is on the daemon, its size, and whether it is one of docktutor's
// offline test stand-ins.
func (c *Client) ImageStatus(ctx context.Context, ref string) (ImageStatus, error) {
	return c.imageStatus(ctx, ref)
}

// Pull pulls ref through the daemon, emitting its progress. Failures the registry causes are
// *RegistryErrors; a daemon that went away is a *DaemonError.
func (c *Client) Pull(ctx context.Context, ref string, emit func(LayerEvent)) error {
	resp, err := c.api.ImagePull(ctx, ref, client.ImagePullOptions{})
	if err != nil {
		return registryError(ref, c.wrap(ctx, err))
	}
	defer resp.Close()
	return registryError(ref, c.wrap(ctx, relay(ctx, ref, resp.JSONMessages(ctx), emit)))
}

// Push pushes ref to the registry its name says (anonymously: classroom registries on the
// instructor's machine take pushes without credentials), emitting its progress.
func (c *Client) Push(ctx context.Context, ref string, emit func(LayerEvent)) error {
	// The daemon refuses a push without an X-Registry-Auth header; an empty auth is "{}".
	resp, err := c.api.ImagePush(ctx, ref, client.ImagePushOptions{RegistryAuth: "e30="})
	if err != nil {
		return registryError(ref, c.wrap(ctx, err))
	}
	defer resp.Close()
	return registryError(ref, c.wrap(ctx, relay(ctx, ref, resp.JSONMessages(ctx), emit)))
}

// Tag gives the image source the name target as well.
func (c *Client) Tag(ctx context.Context, source, target string) error {
	_, err := c.api.ImageTag(ctx, client.ImageTagOptions{Source: source, Target: target})
	if err != nil {
		return c.wrap(ctx, err)
	}
	return nil
}

// Untag removes the name ref without forcing anything: the image itself stays while another
// name holds it, and a name a container uses is refused. An image that loses its last name
// goes, with its untagged parents, as `docker rmi` does.
func (c *Client) Untag(ctx context.Context, ref string) error {
	_, err := c.api.ImageRemove(ctx, ref, client.ImageRemoveOptions{PruneChildren: true})
	if cerrdefs.IsNotFound(err) {
		return nil
	}
	return c.wrap(ctx, err)
}

// relay hands each message of a pull or push stream to emit and returns the stream's error: a
// failure the daemon reports inside the stream (errorDetail) as well as a broken stream.
func relay(ctx context.Context, ref string, msgs iter.Seq2[jsonstream.Message, error], emit func(LayerEvent)) error {
	for m, err := range msgs {
		if err != nil {
			return err
		}
		if m.Error != nil {
			return errors.New(m.Error.Message)
		}
		if ev, ok := layerEvent(ref, m); ok && emit != nil {
			emit(ev)
		}
	}
	return ctx.Err()
}

// layerEvent reads one message of a pull or push stream. Messages with an ID and a status are
// about one layer, but for the first line of a pull ("Pulling from library/alpine", whose ID
// is the tag) and the last of a push ("3.22: digest: …").
func layerEvent(ref string, m jsonstream.Message) (LayerEvent, bool) {
	if m.Status == "" {
		return LayerEvent{}, false
	}
	ev := LayerEvent{Ref: ref, Layer: m.ID, Status: m.Status}
	if m.Progress != nil {
		ev.Current, ev.Total = m.Progress.Current, m.Progress.Total
	}
	switch s := m.Status; {
	case strings.HasPrefix(s, "Pulling from "), strings.HasPrefix(s, "The push refers to "),
		strings.HasPrefix(s, "Digest: "), strings.HasPrefix(s, "Status: "), strings.Contains(s, ": digest: "):
		ev.Layer = ""
	case s == "Downloading", s == "Pushing":
		ev.Phase = LayerTransferring
	case s == "Verifying Checksum", s == "Download complete":
		ev.Phase = LayerTransferred
	case s == "Extracting":
		ev.Phase = LayerExtracting
	case s == "Pull complete", s == "Already exists", s == "Pushed", s == "Layer already exists",
		strings.HasPrefix(s, "Mounted from "):
		ev.Phase = LayerDone
	default: // "Pulling fs layer", "Waiting", "Preparing", and words newer daemons may add
		ev.Phase = LayerWaiting
	}
	return ev, true
}
