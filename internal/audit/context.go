package audit

import (
	"bytes"
	"io"
	"io/fs"
	"slices"
	"strings"
	"time"
)

// WithFile returns base with one more regular file at the top: name (a valid fs path without
// a slash) holding data. `docktutor check -f ../Dockerfile` needs it: the engine sends the
// Dockerfile inside the build context, and the docker CLI adds an outside one the same way.
// Everything else, symbolic links included, is base's.
func WithFile(base fs.FS, name string, data []byte) fs.FS {
	return &withFile{base: base, name: name, data: data, mod: time.Now()}
}

type withFile struct {
	base fs.FS
	name string
	data []byte
	mod  time.Time
}

var _ fs.ReadLinkFS = (*withFile)(nil)

// Open opens the added file or one of base's.
func (w *withFile) Open(name string) (fs.File, error) {
	if name == w.name {
		return &addedFile{Reader: bytes.NewReader(w.data), info: w.info()}, nil
	}
	f, err := w.base.Open(name)
	if err != nil || name != "." {
		return f, err
	}
	entries, err := w.ReadDir(".")
	if err != nil {
		f.Close()
		return nil, err
	}
	return &topDir{File: f, entries: entries}, nil
}

// topDir is the open top directory, listing the added file among base's.
type topDir struct {
	fs.File
	entries []fs.DirEntry
}

// ReadDir reads the directory's entries as fs.ReadDirFile does: n at a time, or all.
func (d *topDir) ReadDir(n int) ([]fs.DirEntry, error) {
	if n <= 0 {
		out := d.entries
		d.entries = nil
		return out, nil
	}
	if len(d.entries) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(d.entries))
	out := d.entries[:n]
	d.entries = d.entries[n:]
	return out, nil
}

// ReadDir lists a directory of base, with the added file in the top one.
func (w *withFile) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(w.base, name)
	if err != nil || name != "." {
		return entries, err
	}
	entries = slices.DeleteFunc(entries, func(e fs.DirEntry) bool { return e.Name() == w.name })
	entries = append(entries, fs.FileInfoToDirEntry(w.info()))
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, nil
}

// Stat describes the added file or one of base's.
func (w *withFile) Stat(name string) (fs.FileInfo, error) {
	if name == w.name {
		return w.info(), nil
	}
	return fs.Stat(w.base, name)
}

// ReadFile returns the added file's bytes or one of base's files.
func (w *withFile) ReadFile(name string) ([]byte, error) {
	if name == w.name {
		return bytes.Clone(w.data), nil
	}
	return fs.ReadFile(w.base, name)
}

// ReadLink reads a symbolic link of base.
func (w *withFile) ReadLink(name string) (string, error) { return fs.ReadLink(w.base, name) }

// Lstat describes a path of base without following a link.
func (w *withFile) Lstat(name string) (fs.FileInfo, error) {
	if name == w.name {
		return w.info(), nil
	}
	return fs.Lstat(w.base, name)
}

func (w *withFile) info() fs.FileInfo {
	return addedInfo{name: w.name, size: int64(len(w.data)), mod: w.mod}
}

// addedFile is the open added file.
type addedFile struct {
	*bytes.Reader
	info fs.FileInfo
}

func (f *addedFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *addedFile) Close() error               { return nil }

// addedInfo describes the added file: a regular file, readable by all.
type addedInfo struct {
	name string
	size int64
	mod  time.Time
}

func (i addedInfo) Name() string       { return i.name }
func (i addedInfo) Size() int64        { return i.size }
func (i addedInfo) Mode() fs.FileMode  { return 0o644 }
func (i addedInfo) ModTime() time.Time { return i.mod }
func (i addedInfo) IsDir() bool        { return false }
func (i addedInfo) Sys() any           { return nil }
