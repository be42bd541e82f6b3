package engine

import (
	"context"
	"fmt"
)

// Layers lists what each filesystem layer of the image ref adds and deletes, base layers
// first, read from `docker save`'s tar as it streams (its headers only; the files' bytes are
// read past, not kept). It sees what the final filesystem hides: a file copied in by one
// layer and deleted by a later one is in the first layer's list. It takes as long as the
// daemon needs to stream the whole image (about a second per 200 MB here), so callers use it
// for the layer scan of `docktutor check`, not for every goal. Nothing is created.
func (c *Client) Layers(ctx context.Context, ref string) ([]LayerContents, error) {
	rc, err := c.api.ImageSave(ctx, []string{ref})
	if err != nil {
		return nil, c.wrap(ctx, err)
	}
	defer rc.Close()
	layers, err := readImageSave(rc)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("save: %w", c.wrap(ctx, err))
	}
	return layers, nil
}
