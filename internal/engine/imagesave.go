package engine

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// LayerContents is what one filesystem layer of an image adds, changes and deletes. A file
// deleted by a later layer is still in this one, and ships: pulling the image downloads every
// layer.
type LayerContents struct {
	// DiffID is the layer's content digest ("sha256:…"), as ImageInfo.DiffIDs lists it.
	DiffID string
	// CreatedBy is the instruction that made the layer, as the image's history records it
	// ("COPY . . # buildkit", "/bin/sh -c #(nop) COPY dir:… in /app"); empty when the history
	// says nothing.
	CreatedBy string
	// Files are the absolute paths of the files, links and other non-directory entries the
	// layer writes, in the layer's order.
	Files []string
	// Deleted are the absolute paths the layer's whiteouts delete; a path ending in "/" is
	// an opaque directory: everything below it from earlier layers is gone.
	Deleted []string
}

// maxSaveJSON bounds the JSON documents (manifest, image config) read from an image save:
// the config of an image with a long history is tens of kilobytes.
const maxSaveJSON = 16 << 20

// readImageSave reads the tar `docker save` writes for one image — the legacy layout
// (manifest.json, <id>/layer.tar, <config>.json) or the OCI one (blobs/sha256/…, with a
// manifest.json beside) — streaming it once: the layers' file lists are kept by entry name
// and put in order at the end, since manifest.json may come last. Layers are read as plain
// or gzip-compressed tars; only their headers are kept.
func readImageSave(r io.Reader) ([]LayerContents, error) {
	tr := tar.NewReader(r)
	docs := map[string][]byte{}
	layers := map[string]*LayerContents{}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("image save: %w", err)
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		name := path.Clean(hdr.Name)
		br := bufio.NewReaderSize(tr, 4096)
		head, _ := br.Peek(512)
		switch trimmed := bytes.TrimLeft(head, " \t\r\n"); {
		case len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '['):
			data, err := io.ReadAll(io.LimitReader(br, maxSaveJSON))
			if err != nil {
				return nil, fmt.Errorf("image save %s: %w", name, err)
			}
			docs[name] = data
		default:
			lc, err := readLayer(br, head)
			if err != nil {
				continue // not a layer (VERSION files, oci-layout), or one we cannot read
			}
			layers[name] = lc
		}
	}

	var manifest []struct {
		Config string
		Layers []string
	}
	if err := json.Unmarshal(docs["manifest.json"], &manifest); err != nil || len(manifest) == 0 {
		return nil, errors.New("image save: no manifest.json")
	}
	var config struct {
		RootFS struct {
			DiffIDs []string `json:"diff_ids"`
		} `json:"rootfs"`
		History []struct {
			CreatedBy  string `json:"created_by"`
			EmptyLayer bool   `json:"empty_layer"`
		} `json:"history"`
	}
	if err := json.Unmarshal(docs[path.Clean(manifest[0].Config)], &config); err != nil {
		return nil, fmt.Errorf("image save: config %s: %w", manifest[0].Config, err)
	}
	var createdBy []string
	for _, h := range config.History {
		if !h.EmptyLayer {
			createdBy = append(createdBy, h.CreatedBy)
		}
	}
	out := make([]LayerContents, 0, len(manifest[0].Layers))
	for i, name := range manifest[0].Layers {
		lc, ok := layers[path.Clean(name)]
		if !ok {
			return nil, fmt.Errorf("image save: layer %s is missing or unreadable", name)
		}
		if i < len(config.RootFS.DiffIDs) {
			lc.DiffID = config.RootFS.DiffIDs[i]
		}
		// The history counts the layers too, unless it was squashed or edited; only then
		// does a layer lack its instruction.
		if len(createdBy) == len(manifest[0].Layers) {
			lc.CreatedBy = createdBy[i]
		}
		out = append(out, *lc)
	}
	return out, nil
}

// readLayer lists one layer tar's entries. head is the stream's first bytes, for telling a
// gzip-compressed layer from a plain one.
func readLayer(r io.Reader, head []byte) (*LayerContents, error) {
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r = zr
	}
	tr := tar.NewReader(r)
	lc := &LayerContents{}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return lc, nil
		}
		if err != nil {
			return nil, err
		}
		p := "/" + strings.TrimPrefix(path.Clean("/"+hdr.Name), "/")
		dir, base := path.Split(p)
		switch {
		case base == ".wh..wh..opq":
			lc.Deleted = append(lc.Deleted, dir)
		case strings.HasPrefix(base, ".wh."):
			lc.Deleted = append(lc.Deleted, path.Join(dir, strings.TrimPrefix(base, ".wh.")))
		case hdr.Typeflag == tar.TypeDir:
		default:
			lc.Files = append(lc.Files, p)
		}
	}
}
