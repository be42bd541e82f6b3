package enginefake

import (
	"context"
	"fmt"
	"io/fs"
	"path"

	"github.com/docktutor/docktutor/internal/engine"
	"github.com/docktutor/docktutor/internal/inside"
)

// Probe implements engine.Engine: paths are answered from the report Contents would give for
// ref, file bytes from FileData.
func (e *Engine) Probe(ctx context.Context, ref string) (engine.Probe, error) {
	rep, err := e.Contents(ctx, ref)
	if err != nil {
		return nil, err
	}
	tag := e.resolve(ref)
	e.mu.Lock()
	e.Probes++
	e.OpenProbes++
	data := e.FileData[tag]
	e.mu.Unlock()
	return &probe{e: e, rep: rep, data: data}, nil
}

// probe is the fake's engine.Probe.
type probe struct {
	e      *Engine
	rep    inside.Report
	data   map[string][]byte
	closed bool
}

// Stat implements engine.Probe, as lstat: a link is reported as the link.
func (p *probe) Stat(ctx context.Context, name string) (engine.PathInfo, error) {
	if err := ctx.Err(); err != nil {
		return engine.PathInfo{}, err
	}
	name = path.Clean("/" + name)
	info := engine.PathInfo{Path: name}
	if _, ok := p.data[name]; ok {
		info.Exists, info.Mode, info.Size = true, 0o755, int64(len(p.data[name]))
		return info, nil
	}
	for _, en := range p.rep.Entries {
		if en.Path != name {
			continue
		}
		info.Exists, info.Mode, info.Size = true, en.Mode, en.Size
		switch en.Kind {
		case inside.KindDir:
			info.Mode |= fs.ModeDir
		case inside.KindSymlink:
			info.Mode |= fs.ModeSymlink
			info.Size = 0
			if to, ok := p.rep.Stat(name); ok {
				info.LinkTarget = to.Path
			}
		}
		return info, nil
	}
	if dir, ok := p.rep.Stat(name); ok && dir.Kind == inside.KindDir {
		info.Exists, info.Mode = true, fs.ModeDir|0o755
	}
	return info, nil
}

// ReadFile implements engine.Probe from FileData, following links through the report.
func (p *probe) ReadFile(ctx context.Context, name string, limit int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	name = path.Clean("/" + name)
	if _, ok := p.data[name]; !ok {
		if to, ok := p.rep.Stat(name); ok {
			name = to.Path
		}
	}
	b, ok := p.data[name]
	if !ok {
		return nil, fmt.Errorf("%s: %w", name, fs.ErrNotExist)
	}
	return b[:min(int64(len(b)), limit)], nil
}

// Close implements engine.Probe.
func (p *probe) Close() error {
	if !p.closed {
		p.closed = true
		p.e.mu.Lock()
		p.e.OpenProbes--
		p.e.mu.Unlock()
	}
	return nil
}
