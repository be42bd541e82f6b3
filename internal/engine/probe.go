package engine

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// PathInfo describes one path inside an image, as lstat would: a symbolic link is reported as
// the link, not as what it names.
type PathInfo struct {
	Path   string
	Exists bool
	// Mode is the type and permission bits (fs.ModeSymlink for a link, fs.ModeDir for a
	// directory, none of the type bits for a regular file).
	Mode fs.FileMode
	Size int64 // a regular file's length
	// LinkTarget is, for a symbolic link, the absolute path it finally resolves to inside the
	// image (every link on the way followed), as the daemon reports it; empty otherwise.
	LinkTarget string
}

// Probe reads single paths of an image the cheap way: one created, never started, labelled
// container and the archive API, not an export. A check that asks about a dozen paths of a
// 900 MB image answers in milliseconds, where an export takes seconds.
type Probe interface {
	// Stat describes path. An absent path is Exists=false and a nil error.
	Stat(ctx context.Context, path string) (PathInfo, error)
	// ReadFile returns the first limit bytes (at most) of the regular file at path, following
	// symbolic links.
	ReadFile(ctx context.Context, path string, limit int64) ([]byte, error)
	// Close removes the container, on a fresh context, so that it goes also after a cancel.
	Close() error
}

// ErrNotRegular is what Probe.ReadFile fails with for a path that is not a regular file.
var ErrNotRegular = errors.New("not a regular file")

// maxProbeLinks bounds the links ReadFile follows; the daemon resolves chains itself, so more
// than one hop means a link to a link the daemon could not resolve.
const maxProbeLinks = 8

// Probe creates, without starting it, a container of ref carrying LabelManaged and returns a
// Probe over its filesystem. The caller must Close it.
func (c *Client) Probe(ctx context.Context, ref string) (Probe, error) {
	name := randomID(kindContents)
	id, err := c.createForExport(ctx, ref, name)
	if err != nil {
		if ctx.Err() != nil {
			c.removeAbandoned(ctx, name)
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("create container: %w", err)
	}
	return &probe{c: c, id: id}, nil
}

// probe is a Probe over one created container.
type probe struct {
	c    *Client
	id   string
	once sync.Once
	err  error
}

// Stat implements Probe.
func (p *probe) Stat(ctx context.Context, name string) (PathInfo, error) {
	name = path.Clean("/" + name)
	res, err := p.c.api.ContainerStatPath(ctx, p.id, client.ContainerStatPathOptions{Path: name})
	switch {
	case cerrdefs.IsNotFound(err):
		return PathInfo{Path: name}, nil
	case err != nil:
		if ctx.Err() != nil {
			return PathInfo{}, ctx.Err()
		}
		if name != "/" && !client.IsErrConnectionFailed(err) && !p.isDir(ctx, path.Dir(name)) {
			// A path through a regular file (/etc/passwd/x): the daemon answers 500, with no
			// body to say why, where lstat says ENOTDIR. Either way, nothing is there.
			return PathInfo{Path: name}, nil
		}
		return PathInfo{}, fmt.Errorf("stat %s: %w", name, p.c.wrap(ctx, err))
	}
	info := PathInfo{Path: name, Exists: true, Mode: res.Stat.Mode, Size: res.Stat.Size}
	if res.Stat.Mode&fs.ModeSymlink != 0 {
		info.LinkTarget = res.Stat.LinkTarget
		info.Size = 0
	}
	return info, nil
}

// isDir reports whether dir is a directory, following a link to one.
func (p *probe) isDir(ctx context.Context, dir string) bool {
	info, err := p.Stat(ctx, dir)
	if err == nil && info.Mode&fs.ModeSymlink != 0 && info.LinkTarget != "" {
		info, err = p.Stat(ctx, info.LinkTarget)
	}
	return err == nil && info.Exists && info.Mode.IsDir()
}

// ReadFile implements Probe.
func (p *probe) ReadFile(ctx context.Context, name string, limit int64) ([]byte, error) {
	info, err := p.Stat(ctx, name)
	for hops := 0; err == nil && info.Exists && info.Mode&fs.ModeSymlink != 0; hops++ {
		if hops == maxProbeLinks || info.LinkTarget == "" {
			return nil, fmt.Errorf("%s: too many links or a dangling one", name)
		}
		info, err = p.Stat(ctx, info.LinkTarget)
	}
	switch {
	case err != nil:
		return nil, err
	case !info.Exists:
		return nil, fmt.Errorf("%s: %w", name, fs.ErrNotExist)
	case !info.Mode.IsRegular():
		return nil, fmt.Errorf("%s: %w", name, ErrNotRegular)
	}
	res, err := p.c.api.CopyFromContainer(ctx, p.id, client.CopyFromContainerOptions{SourcePath: info.Path})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("copy %s: %w", info.Path, p.c.wrap(ctx, err))
	}
	defer res.Content.Close()
	tr := tar.NewReader(res.Content)
	if _, err := tr.Next(); err != nil {
		return nil, fmt.Errorf("copy %s: %w", info.Path, err)
	}
	data, err := io.ReadAll(io.LimitReader(tr, limit))
	if err != nil {
		return nil, fmt.Errorf("copy %s: %w", info.Path, err)
	}
	return data, nil
}

// Close implements Probe; a second Close returns the first one's result.
func (p *probe) Close() error {
	p.once.Do(func() {
		if _, err := p.c.removeNow(context.Background(), p.id); err != nil {
			p.err = fmt.Errorf("remove container %.12s: %w", p.id, err)
		}
	})
	return p.err
}
