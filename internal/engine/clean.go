package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/moby/moby/client"
)

// Clean-up: what docktutor made, listed and removed, and nothing else. The removals that run
// after a cancel or a failure go through removeNow.

// Remove removes an image that docktutor built, and refuses (ErrNotManaged) any other: clean-up
// must never touch the learner's own images. A tag is untagged; the image goes with its last
// tag.
func (c *Client) Remove(ctx context.Context, ref string) error {
	img, err := c.api.ImageInspect(ctx, ref)
	if err != nil {
		return fmt.Errorf("remove %s: %w", ref, c.wrap(ctx, err))
	}
	if img.Config == nil || img.Config.Labels[LabelManaged] != "true" {
		return fmt.Errorf("remove %s: %w (no %s label)", ref, ErrNotManaged, LabelManaged)
	}
	if _, err := c.api.ImageRemove(ctx, ref, client.ImageRemoveOptions{PruneChildren: true}); err != nil {
		return fmt.Errorf("remove %s: %w", ref, c.wrap(ctx, err))
	}
	return nil
}

// RemoveContainer force-removes a container that docktutor created (one a crash left behind),
// and refuses (ErrNotManaged) any other: one without LabelManaged, and one that carries it only
// because its image does (see ManagedContainer.MadeByDocktutor). A container already gone is no
// error.
func (c *Client) RemoveContainer(ctx context.Context, id string) error {
	ctr, err := c.api.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return fmt.Errorf("remove container %s: %w", id, c.wrap(ctx, err))
	}
	var labels map[string]string
	if ctr.Container.Config != nil {
		labels = ctr.Container.Config.Labels
	}
	if !madeByDocktutor(ctr.Container.Name, labels) {
		return fmt.Errorf("remove container %s: %w", id, ErrNotManaged)
	}
	if _, err := c.removeNow(ctx, id); err != nil {
		return fmt.Errorf("remove container %s: %w", id, err)
	}
	return nil
}

// RemoveStageImage removes a stage image that one of docktutor's legacy builds left
// (BuildResult.StageImages). Such an image has neither a tag nor docktutor's label, so the ID
// recorded at build time is the only proof: it refuses (ErrNotManaged) an image that has a tag
// since, which someone adopted, and leaves it to the daemon to refuse (ErrImageInUse) one that a
// container or another image still uses. An image already gone is no error.
func (c *Client) RemoveStageImage(ctx context.Context, id string) error {
	img, err := c.api.ImageInspect(ctx, id)
	switch {
	case cerrdefs.IsNotFound(err):
		return nil
	case err != nil:
		return fmt.Errorf("remove stage image %s: %w", ShortID(id), c.wrap(ctx, err))
	case len(realTags(img.RepoTags)) > 0:
		return fmt.Errorf("remove stage image %s: %w: tagged %s since", ShortID(id), ErrNotManaged, strings.Join(img.RepoTags, ", "))
	}
	// Not forced: the daemon itself checks that no container and no child image needs it. Its
	// untagged parents (the stage's steps) go with it.
	_, err = c.api.ImageRemove(ctx, id, client.ImageRemoveOptions{PruneChildren: true})
	switch {
	case err == nil, cerrdefs.IsNotFound(err):
		return nil
	case cerrdefs.IsConflict(err):
		return fmt.Errorf("remove stage image %s: %w (%s)", ShortID(id), ErrImageInUse, daemonMessage(err))
	}
	return fmt.Errorf("remove stage image %s: %w", ShortID(id), c.wrap(ctx, err))
}

// realTags drops the "<none>:<none>" that older daemons list for an untagged image.
func realTags(tags []string) []string {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		if t != "" && t != "<none>:<none>" {
			out = append(out, familiarTag(t))
		}
	}
	return out
}

// familiarTag writes a Docker Hub tag as Docker does, whichever daemon answered: Podman lists
// docktutor/multistage:go as docker.io/docktutor/multistage:go and alpine:3.22 as
// docker.io/library/alpine:3.22, and the names docktutor compares with are Docker's.
func familiarTag(t string) string {
	rest, ok := strings.CutPrefix(t, "docker.io/")
	if !ok {
		return t
	}
	if name, ok := strings.CutPrefix(rest, "library/"); ok && !strings.Contains(name, "/") {
		return name
	}
	return rest
}

// ListManaged lists the images and containers carrying LabelManaged: the containers the
// learner made from docktutor's images too, since they inherit it (ManagedContainer.MadeByDocktutor
// tells them apart).
func (c *Client) ListManaged(ctx context.Context) (Managed, error) {
	filter := make(client.Filters).Add("label", LabelManaged+"=true")
	imgs, err := c.api.ImageList(ctx, client.ImageListOptions{Filters: filter})
	if err != nil {
		return Managed{}, fmt.Errorf("list images: %w", c.wrap(ctx, err))
	}
	ctrs, err := c.api.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: filter})
	if err != nil {
		return Managed{}, fmt.Errorf("list containers: %w", c.wrap(ctx, err))
	}
	var m Managed
	for _, im := range imgs.Items {
		m.Images = append(m.Images, ManagedImage{
			ID: im.ID, Tags: realTags(im.RepoTags), Size: im.Size, Created: time.Unix(im.Created, 0), Labels: im.Labels,
		})
	}
	for _, ct := range ctrs.Items {
		name := ""
		if len(ct.Names) > 0 {
			name = strings.TrimPrefix(ct.Names[0], "/")
		}
		m.Containers = append(m.Containers, ManagedContainer{
			ID: ct.ID, Name: name, Image: ct.Image, ImageID: ct.ImageID, State: string(ct.State), Labels: ct.Labels,
		})
	}
	return m, nil
}

// ImageSpace maps the ID of every image to the bytes that image alone holds: its size less the
// layers it shares with other images, as the daemon's disk-usage report (docker system df -v)
// counts them. Removing the image frees at least that much.
func (c *Client) ImageSpace(ctx context.Context) (map[string]int64, error) {
	du, err := c.api.DiskUsage(ctx, client.DiskUsageOptions{Images: true, Verbose: true})
	if err != nil {
		return nil, fmt.Errorf("disk usage: %w", c.wrap(ctx, err))
	}
	out := make(map[string]int64, len(du.Images.Items))
	for _, im := range du.Images.Items {
		own := im.Size
		if im.SharedSize > 0 {
			own -= im.SharedSize
		}
		out[im.ID] = max(own, 0)
	}
	return out, nil
}

// UntaggedUnmanaged lists the IDs of the untagged ("dangling") images that do not carry
// LabelManaged: docktutor's legacy builds leave their stages' images this way, but so do
// everyone else's, and clean-up never touches what it cannot prove is docktutor's.
func (c *Client) UntaggedUnmanaged(ctx context.Context) ([]string, error) {
	imgs, err := c.api.ImageList(ctx, client.ImageListOptions{Filters: make(client.Filters).Add("dangling", "true")})
	if err != nil {
		return nil, fmt.Errorf("list untagged images: %w", c.wrap(ctx, err))
	}
	var ids []string
	for _, im := range imgs.Items {
		if im.Labels[LabelManaged] != "true" {
			ids = append(ids, im.ID)
		}
	}
	return ids, nil
}

// removeNow force-removes the container idOrName (an ID or a name) with its anonymous volumes,
// on a fresh, short context, so that it goes also when ctx was cancelled. It is the one way the
// engine removes a container after a cancel or a failure. A container already gone (or never
// created) is no error: found says whether there was one.
func (c *Client) removeNow(ctx context.Context, idOrName string) (found bool, err error) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	_, err = c.api.ContainerRemove(rctx, idOrName, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	switch {
	case cerrdefs.IsNotFound(err):
		return false, nil
	case err != nil:
		return true, c.wrap(rctx, err)
	}
	return true, nil
}

// removeAbandoned removes the container named name whose create request was cancelled. The
// daemon may still be creating it when the client gives up, so a container not found yet is
// looked for again, for a short while.
func (c *Client) removeAbandoned(ctx context.Context, name string) {
	for deadline := time.Now().Add(abandonedWait); ; time.Sleep(100 * time.Millisecond) {
		found, err := c.removeNow(ctx, name)
		if found || err != nil || time.Now().After(deadline) {
			return
		}
	}
}

// abandonedWait is how long removeAbandoned looks for a container that may still appear.
const abandonedWait = 2 * time.Second
