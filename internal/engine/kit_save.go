package engine

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"
)

// SaveSize estimates how many bytes Save streams for refs: the size of each distinct layer
// once, as the tar holds it. Layers are told apart by their place in a layer chain (the same
// diff IDs below them), and paired with the sizes of the history's filesystem entries; an image
// whose history does not pair up counts whole.
func (c *Client) SaveSize(ctx context.Context, refs []string) (int64, error) {
	var total int64
	seen := map[string]bool{}
	for _, ref := range refs {
		img, err := c.api.ImageInspect(ctx, ref)
		if err != nil {
			return 0, c.wrap(ctx, err)
		}
		hist, err := c.api.ImageHistory(ctx, ref)
		if err != nil {
			return 0, c.wrap(ctx, err)
		}
		var sizes []int64
		for i := len(hist.Items) - 1; i >= 0; i-- {
			if h := hist.Items[i]; !(h.Size == 0 && metadataOnly(h.CreatedBy)) {
				sizes = append(sizes, h.Size)
			}
		}
		var diffIDs []string
		if img.RootFS.Type == "layers" {
			diffIDs = img.RootFS.Layers
		}
		if len(sizes) != len(diffIDs) {
			if !seen[img.ID] {
				seen[img.ID] = true
				total += img.Size
			}
			continue
		}
		chain := ""
		for i, d := range diffIDs {
			chain += d + "/"
			if !seen[chain] {
				seen[chain] = true
				total += sizes[i]
			}
		}
	}
	return total, nil
}

// Save streams one tar of all refs, as `docker save ref…` writes it: shared layers once, each
// ref named in the tar's manifest so that a load restores the names.
func (c *Client) Save(ctx context.Context, refs []string) (io.ReadCloser, error) {
	rc, err := c.api.ImageSave(ctx, refs)
	if err != nil {
		return nil, c.wrap(ctx, err)
	}
	return rc, nil
}

// Load streams a bundle into the daemon, which takes a plain or gzip-compressed tar, and returns
// the images it loaded as the daemon names them ("alpine:3.22", or an ID for an image saved
// without a name).
func (c *Client) Load(ctx context.Context, bundle io.Reader) ([]string, error) {
	res, err := c.api.ImageLoad(ctx, bundle, client.ImageLoadWithQuiet(true))
	if err != nil {
		if werr := c.wrap(ctx, err); werr != err {
			return nil, werr // the daemon went away: a *DaemonError says so
		}
		return nil, loadError(err)
	}
	defer res.Close()
	return loadedImages(res)
}

// loadedImages reads the daemon's answer to a load: JSON messages whose stream lines read
// "Loaded image: alpine:3.22" (or "Loaded image ID: sha256:…"), or an error.
func loadedImages(r io.Reader) ([]string, error) {
	var loaded []string
	dec := json.NewDecoder(r)
	for {
		var m jsonstream.Message
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			return loaded, nil
		}
		if err != nil {
			return loaded, err
		}
		if m.Error != nil {
			return loaded, loadError(errors.New(m.Error.Message))
		}
		for line := range strings.SplitSeq(m.Stream, "\n") {
			if name, ok := strings.CutPrefix(line, "Loaded image: "); ok {
				loaded = append(loaded, strings.TrimSpace(name))
			} else if id, ok := strings.CutPrefix(line, "Loaded image ID: "); ok {
				loaded = append(loaded, strings.TrimSpace(id))
			}
		}
	}
}

// loadError keeps the daemon's words and drops the SDK's prefix.
func loadError(err error) error {
	return errors.New("the daemon refused the bundle: " + daemonMessage(err))
}
