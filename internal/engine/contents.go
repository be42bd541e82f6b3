package engine

import (
	"context"
	"fmt"

	"github.com/docktutor/docktutor/internal/inside"
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
	name := randomID("contents")
	id, err := c.createForExport(ctx, ref, name)
	if err != nil {
		if ctx.Err() != nil {
			c.removeAbandoned(ctx, name)
			return inside.Report{}, fmt.Errorf("contents of %s: %w", ref, ctx.Err())
		}
		return inside.Report{}, fmt.Errorf("contents of %s: create container: %w", ref, err)
	}
	defer func() {
		if rerr := c.removeNow(ctx, id); rerr != nil && err == nil {
			err = fmt.Errorf("contents of %s: remove container %.12s: %w", ref, id, rerr)
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
		return inside.Report{}, fmt.Errorf("contents of %s: %w", ref, ctx.Err())
	}
	return inside.Report{}, fmt.Errorf("contents of %s: export: %w", ref, err)
}
