package engine

import (
	"context"
	"fmt"
	"io"

	"github.com/docktutor/docktutor/internal/inside"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// Contents looks inside the image ref. It creates a container of the image without starting
// it (nothing of the image runs, so this works for distroless and builder images alike),
// exports the container's filesystem and analyses the tar as it streams in, holding only its
// headers, never the whole tar: a toolchain image is hundreds of megabytes. What the runtime
// adds to every container (/.dockerenv, the empty /etc/hosts…) is left out of the report. The
// container carries LabelManaged and is removed whatever happens, on a fresh context when ctx
// is cancelled. Nothing is cached: the image behind a tag changes with every rebuild.
func (c *Client) Contents(ctx context.Context, ref string) (inside.Report, error) {
	return c.contents(ctx, ref, nil)
}

// contents is Contents, telling created (when not nil) the ID of the container it made, so
// the tests can check that exactly that container is gone.
func (c *Client) contents(ctx context.Context, ref string, created func(id string)) (rep inside.Report, err error) {
	// A name of our own lets a create that reached the daemon just as ctx was cancelled (the
	// reply, with the ID, lost) be removed all the same.
	name := randomID(kindContents)
	id, err := c.createForExport(ctx, ref, name)
	if err != nil {
		if ctx.Err() != nil {
			c.removeAbandoned(ctx, name)
			return inside.Report{}, ctx.Err()
		}
		return inside.Report{}, fmt.Errorf("create container: %w", err)
	}
	defer func() {
		if _, rerr := c.removeNow(ctx, id); rerr != nil && err == nil {
			err = fmt.Errorf("remove container %.12s: %w", id, rerr)
		}
	}()
	if created != nil {
		created(id)
	}

	tar, err := c.exportContainer(ctx, id)
	if err == nil {
		defer tar.Close()
		rep, err = inside.Analyze(tar, inside.SkipContainerFiles())
	}
	switch {
	case err == nil:
		return rep, nil
	case ctx.Err() != nil:
		// A cancel breaks the request or closes the stream under Analyze: the cancel is the
		// reason, whatever the broken stream says.
		return inside.Report{}, ctx.Err()
	}
	return inside.Report{}, fmt.Errorf("export: %w", err)
}

// createForExport creates, without starting it, a container of ref named name and carrying
// LabelManaged, so that its filesystem can be exported. The daemon never pulls here: a missing
// image is an error.
func (c *Client) createForExport(ctx context.Context, ref, name string) (string, error) {
	cfg := &container.Config{
		Image:  ref,
		Labels: map[string]string{LabelManaged: "true"},
		// Never run. The daemon refuses to create a container without a command, which an
		// image with neither CMD nor ENTRYPOINT (a builder stage, distroless static) lacks.
		Cmd: []string{"/nonexistent"},
	}
	created, err := c.api.ContainerCreate(ctx, client.ContainerCreateOptions{Config: cfg, Name: name})
	if err != nil {
		return "", c.wrap(ctx, err)
	}
	return created.ID, nil
}

// exportContainer streams a container's root filesystem as a tar. The caller closes it;
// cancelling ctx closes it too.
func (c *Client) exportContainer(ctx context.Context, id string) (io.ReadCloser, error) {
	rc, err := c.api.ContainerExport(ctx, id, client.ContainerExportOptions{})
	if err != nil {
		return nil, c.wrap(ctx, err)
	}
	return rc, nil
}
