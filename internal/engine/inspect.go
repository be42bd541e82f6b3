package engine

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Inspect measures an image: its size as `docker image inspect` reports it, its history
// (oldest layer first) and its configuration.
func (c *Client) Inspect(ctx context.Context, ref string) (ImageInfo, error) {
	img, err := c.api.ImageInspect(ctx, ref)
	if err != nil {
		return ImageInfo{}, c.wrap(ctx, err)
	}
	hist, err := c.api.ImageHistory(ctx, ref)
	if err != nil {
		return ImageInfo{}, fmt.Errorf("history: %w", c.wrap(ctx, err))
	}
	info := ImageInfo{
		ID:          img.ID,
		Tags:        realTags(img.RepoTags),
		RepoDigests: img.RepoDigests,
		Size:        img.Size,
	}
	if img.Config != nil {
		info.Entrypoint = img.Config.Entrypoint
		info.Cmd = img.Config.Cmd
		info.User = img.Config.User
		info.Labels = img.Config.Labels
	}
	info.DiffIDs = img.RootFS.Layers
	if img.Created != "" {
		if t, err := time.Parse(time.RFC3339Nano, img.Created); err == nil {
			info.Created = t
		}
	}
	// The API lists history newest first; the layer stack reads better bottom-up.
	for i := len(hist.Items) - 1; i >= 0; i-- {
		h := hist.Items[i]
		info.Layers = append(info.Layers, Layer{
			CreatedBy: h.CreatedBy,
			Size:      h.Size,
			Empty:     h.Size == 0 && metadataOnly(h.CreatedBy),
		})
	}
	return info, nil
}

// metadataOnly says whether a history entry's instruction only changes the image config, so
// that a zero size means "no layer" rather than "an empty layer". Legacy entries read
// "/bin/sh -c #(nop)  ENV A=b", BuildKit ones "ENV A=b".
func metadataOnly(createdBy string) bool {
	s := strings.TrimSpace(createdBy)
	s = strings.TrimSpace(strings.TrimPrefix(s, "/bin/sh -c"))
	s = strings.TrimSpace(strings.TrimPrefix(s, "#(nop)"))
	word, _, _ := strings.Cut(s, " ")
	switch strings.ToUpper(word) {
	case "ENV", "CMD", "ENTRYPOINT", "LABEL", "EXPOSE", "USER", "ARG", "STOPSIGNAL",
		"HEALTHCHECK", "SHELL", "VOLUME", "ONBUILD", "MAINTAINER":
		return true
	}
	return false
}
