package lesson

import (
	"bytes"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// memFS is a build context held in memory: the app's files copied out of the lessons folder,
// the strategy's Dockerfile beside them, and for a cache lesson one file edited. It is ours
// rather than testing/fstest's MapFS so that a test helper does not ship in the binary, and so
// that the context is a copy nobody can change through the fs.FS it is handed out as.
//
// It serves what the engine's tar writer uses: fs.WalkDir (ReadDir), fs.ReadFile, fs.Stat and
// Open with Stat and Read. Directories are implied by the files below them and read 0o755.
type memFS struct {
	files map[string]*memFile // by slash-separated path, regular files only
	dirs  map[string]bool     // every directory holding a file, "." included
}

// memFile is one regular file of a memFS.
type memFile struct {
	data    []byte
	mode    fs.FileMode // permission bits only
	modTime time.Time
}

// dirMode is what every directory of a memFS reports; the engine adds owner write itself.
const dirMode = fs.ModeDir | 0o755

func newMemFS() *memFS {
	return &memFS{files: map[string]*memFile{}, dirs: map[string]bool{".": true}}
}

// add puts a regular file at name, a valid fs path, replacing one already there. The memFS
// keeps data: the caller must not change it afterwards.
func (m *memFS) add(name string, data []byte, perm fs.FileMode, modTime time.Time) {
	m.files[name] = &memFile{data: data, mode: perm.Perm(), modTime: modTime}
	for dir := path.Dir(name); !m.dirs[dir]; dir = path.Dir(dir) {
		m.dirs[dir] = true
	}
}

// Open opens a file or a directory for reading.
func (m *memFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if f, ok := m.files[name]; ok {
		return &openFile{info: f.info(name), r: bytes.NewReader(f.data)}, nil
	}
	if m.dirs[name] {
		entries, _ := m.ReadDir(name)
		return &openDir{info: dirInfo(name), entries: entries}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// ReadFile returns a copy of a file's contents, so the context stays as it was built.
func (m *memFS) ReadFile(name string) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: fs.ErrInvalid}
	}
	f, ok := m.files[name]
	if !ok {
		err := fs.ErrNotExist
		if m.dirs[name] {
			err = fs.ErrInvalid // a directory has no contents to read
		}
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: err}
	}
	return slices.Clone(f.data), nil
}

// Stat describes a file or a directory.
func (m *memFS) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	if f, ok := m.files[name]; ok {
		return f.info(name), nil
	}
	if m.dirs[name] {
		return dirInfo(name), nil
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

// ReadDir lists a directory's files and subdirectories, sorted by name as fs.ReadDir promises.
func (m *memFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	if !m.dirs[name] {
		err := fs.ErrNotExist
		if _, ok := m.files[name]; ok {
			err = fs.ErrInvalid // a file, not a directory
		}
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
	}
	var entries []fs.DirEntry
	for p, f := range m.files {
		if childOf(name, p) {
			entries = append(entries, fs.FileInfoToDirEntry(f.info(p)))
		}
	}
	for p := range m.dirs {
		if p != "." && childOf(name, p) {
			entries = append(entries, fs.FileInfoToDirEntry(dirInfo(p)))
		}
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, nil
}

// childOf reports whether p is directly inside dir.
func childOf(dir, p string) bool {
	if dir == "." {
		return !strings.Contains(p, "/")
	}
	rest, ok := strings.CutPrefix(p, dir+"/")
	return ok && !strings.Contains(rest, "/")
}

func (f *memFile) info(name string) memInfo {
	return memInfo{name: path.Base(name), size: int64(len(f.data)), mode: f.mode, modTime: f.modTime}
}

func dirInfo(name string) memInfo {
	return memInfo{name: path.Base(name), mode: dirMode}
}

// memInfo is the fs.FileInfo of a memFS entry.
type memInfo struct {
	name    string
	size    int64
	mode    fs.FileMode
	modTime time.Time
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) Mode() fs.FileMode  { return i.mode }
func (i memInfo) ModTime() time.Time { return i.modTime }
func (i memInfo) IsDir() bool        { return i.mode.IsDir() }
func (i memInfo) Sys() any           { return nil }

// openFile is an opened regular file. Its reader works on the memFS's own bytes, which it
// never changes.
type openFile struct {
	info memInfo
	r    *bytes.Reader
}

func (f *openFile) Stat() (fs.FileInfo, error)                   { return f.info, nil }
func (f *openFile) Read(p []byte) (int, error)                   { return f.r.Read(p) }
func (f *openFile) ReadAt(p []byte, off int64) (int, error)      { return f.r.ReadAt(p, off) }
func (f *openFile) Seek(offset int64, whence int) (int64, error) { return f.r.Seek(offset, whence) }
func (f *openFile) Close() error                                 { return nil }

// openDir is an opened directory, read with ReadDir in one go or n entries at a time.
type openDir struct {
	info    memInfo
	entries []fs.DirEntry
	next    int
}

func (d *openDir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *openDir) Close() error               { return nil }

func (d *openDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: fs.ErrInvalid}
}

// ReadDir follows fs.ReadDirFile: n <= 0 returns the rest and a nil error; n > 0 returns at
// most n entries, and io.EOF once none are left.
func (d *openDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.next:]
	if n <= 0 {
		d.next = len(d.entries)
		return slices.Clone(rest), nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.next += n
	return slices.Clone(rest[:n]), nil
}
