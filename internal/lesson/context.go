package lesson

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"
)

// Context returns the strategy's build context: the app's folder with the strategy's
// Dockerfile added as "Dockerfile". It is a copy in memory, taken now.
//
// Editor and system leftovers (see leftover) are not copied: lessons are embedded with
// `all:`, which keeps the .dockerignore files the builds need but would also keep a stray
// ".hello.py.swp", and nothing of that kind belongs in an image. Files keep their permissions,
// made readable by all, and no modification time (the engine sends the Unix epoch), so that
// the same lesson makes the same layers on every machine.
func (s *Strategy) Context() (fs.FS, error) {
	ctx, err := s.context()
	if err != nil {
		return nil, err
	}
	return ctx, nil
}

func (s *Strategy) context() (*memFS, error) {
	ctx := newMemFS()
	root := path.Join("apps", s.App)
	err := fs.WalkDir(s.fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || leftover(d.Name()) {
			return err
		}
		data, err := fs.ReadFile(s.fsys, p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		ctx.add(contextName(strings.TrimPrefix(p, root+"/")), data, info.Mode().Perm()|0o444, time.Time{})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("build context for %s: %w", s.ID, err)
	}
	ctx.add("Dockerfile", []byte(s.Dockerfile), 0o644, time.Time{})
	return ctx, nil
}

// EditedContext returns the build context with the strategy's Edit applied at now: a scratch
// copy, the lessons themselves are never changed. The edited file's modification time is now.
// It fails for a strategy without an Edit.
func (s *Strategy) EditedContext(now time.Time) (fs.FS, error) {
	if s.Edit == nil {
		return nil, fmt.Errorf("strategy %s has no edit", s.ID)
	}
	ctx, err := s.context()
	if err != nil {
		return nil, err
	}
	f, ok := ctx.files[s.Edit.File]
	if !ok {
		return nil, fmt.Errorf("edit %s: no file %s in apps/%s", s.ID, s.Edit.File, s.App)
	}
	ctx.add(s.Edit.File, s.Edit.Apply(f.data, now), f.mode, now)
	return ctx, nil
}

// embedNames are the names a lessons folder stores some files under, and the names the build
// context gives them. go:embed leaves out a whole folder that holds a go.mod (it is another
// module), so a Go app's go.mod and go.sum are stored as _go.mod and _go.sum.
var embedNames = map[string]string{"_go.mod": "go.mod", "_go.sum": "go.sum"}

// contextName is the name of an app's file in the build context: its own, or what embedNames
// maps its base name to.
func contextName(p string) string {
	dir, base := path.Split(p)
	if name, ok := embedNames[base]; ok {
		return dir + name
	}
	return p
}

// leftover reports whether a file name is an editor's backup, swap or lock file, or an
// operating system's folder metadata: never part of an app, whatever folder it turns up in.
func leftover(name string) bool {
	return strings.HasSuffix(name, "~") || // emacs, vim and nano backups
		strings.HasPrefix(name, ".#") || // emacs lock files
		len(name) > 2 && name[0] == '#' && name[len(name)-1] == '#' || // emacs auto-saves
		strings.HasPrefix(name, ".") && swapSuffix(path.Ext(name)) || // vim swap files
		name == ".DS_Store" || name == "Thumbs.db" || name == "desktop.ini" // folder metadata
}

// swapSuffix reports whether ext is one of vim's swap file extensions: .swp, then .swo, .swn…
func swapSuffix(ext string) bool {
	return len(ext) == 4 && strings.HasPrefix(ext, ".sw") && ext[3] >= 'a' && ext[3] <= 'p'
}
