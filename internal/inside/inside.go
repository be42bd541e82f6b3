// Package inside tells what is inside a container image by reading its root filesystem as a tar
// stream — what `docker export` gives for a container of the image. It counts files and bytes,
// finds shells, compilers, package managers and interpreters (following symbolic links inside
// the image, as the kernel would), measures the top-level directories and lists files, so that
// the tutorial can show what a builder stage carries and a shipped image does not.
//
// It is pure: it never talks to a daemon. The engine streams an export through Analyze; tests
// and fakes build Reports from in-memory tars or from FromEntries.
package inside

import (
	"archive/tar"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// Kind says what sort of filesystem object an Entry is.
type Kind uint8

// The kinds of entry.
const (
	KindFile     Kind = iota // a regular file
	KindDir                  // a directory
	KindSymlink              // a symbolic link; Entry.Link is its target as written
	KindHardlink             // another name for a regular file; Entry.Link is that file's path
	KindOther                // a device, a FIFO or anything else the tar records
)

// String names the kind, for listings and tests.
func (k Kind) String() string {
	switch k {
	case KindFile:
		return "file"
	case KindDir:
		return "dir"
	case KindSymlink:
		return "symlink"
	case KindHardlink:
		return "hardlink"
	case KindOther:
		return "other"
	}
	return "unknown"
}

// Entry is one path of the image's filesystem.
type Entry struct {
	// Path is absolute and clean: "/usr/bin/sh", whatever form the tar used ("usr/bin/sh",
	// "./usr/bin/sh", "/usr/bin/sh/").
	Path string
	Kind Kind
	// Size is the length of a regular file; 0 for everything else (a hard link shares the
	// bytes of the file it names and does not count them again).
	Size int64
	// Mode holds the permission bits, with fs.ModeSetuid, fs.ModeSetgid and fs.ModeSticky.
	Mode fs.FileMode
	// Link is a symbolic link's target exactly as written (relative or absolute), or the
	// absolute, clean path of the file a hard link names.
	Link string
}

// String renders the entry as a listing line would: "/bin/sh -> /bin/busybox", "/etc/" for a
// directory.
func (e Entry) String() string {
	switch e.Kind {
	case KindDir:
		if e.Path == "/" {
			return e.Path
		}
		return e.Path + "/"
	case KindSymlink:
		return e.Path + " -> " + e.Link
	case KindHardlink:
		return e.Path + " => " + e.Link
	}
	return e.Path
}

// Tool is a program found in the image: a shell, a compiler, a package manager or an
// interpreter.
type Tool struct {
	// Name is the program's file name at Path: "sh", "gcc", "python3", "pip".
	Name string
	// Path is where it is found, looking first in the directories a shell's PATH would (for
	// shells, /bin first: Docker's shell form runs /bin/sh). It may be a link.
	Path string
	// Target is the regular file Path resolves to when Path is a link ("/bin/busybox" for an
	// Alpine /bin/sh); empty when Path is the file itself.
	Target string
	// Names lists every name of the same program found in the image, versions included, sorted:
	// python, python3, python3.13 — the versions tell which Python or GCC the image carries.
	Names []string
}

// String renders the tool as "sh (/bin/sh -> /bin/busybox)".
func (t Tool) String() string {
	if t.Target != "" {
		return t.Name + " (" + t.Path + " -> " + t.Target + ")"
	}
	return t.Name + " (" + t.Path + ")"
}

// Usage is the weight of one top-level entry of the filesystem: "/usr", or "/app" when the app
// was copied to the root.
type Usage struct {
	Path  string
	Kind  Kind  // KindDir for a directory (recorded or implied by its contents)
	Bytes int64 // bytes of the regular files at or under Path
	Files int   // regular files and hard links at or under Path
}

// Report is what Analyze found in an image's filesystem.
type Report struct {
	// Files counts regular files, each hard link included: the names a learner could open.
	Files    int
	Dirs     int
	Symlinks int
	Others   int // devices, FIFOs, unknown types
	// Bytes adds up the regular files' sizes, a hard-linked file once, as `du` would; it is
	// close to the image size `docker images` shows, minus the tar's own overhead.
	Bytes int64

	Shells          []Tool // sh, bash, ash, dash, …; none in a distroless image
	Compilers       []Tool // gcc, cc, g++, clang, go, rustc, javac, …
	PackageManagers []Tool // apt, apt-get, dpkg, apk, pip, npm, …
	Interpreters    []Tool // python3.x, node, ruby, perl, java, …

	// Top lists the top-level entries (the directories under / and any files copied to the
	// root), biggest first, so Top[:n] are the n biggest.
	Top []Usage
	// Entries is every entry, sorted by path with a directory's contents right after it
	// (/usr, /usr/bin, /usr/bin/gcc, …, /usr-local), one entry per path (the tar's last wins).
	Entries []Entry
	// Whiteouts counts the layer whiteout markers (".wh." files) skipped: an export has none,
	// but a single layer's tar does.
	Whiteouts int
}

// HasShell says whether the image has a shell a learner could `docker run … sh` or a
// Dockerfile's shell-form RUN could use.
func (r Report) HasShell() bool { return len(r.Shells) > 0 }

// HasCompiler says whether the image carries a compiler.
func (r Report) HasCompiler() bool { return len(r.Compilers) > 0 }

// HasPackageManager says whether software could be installed into the image from inside it.
func (r Report) HasPackageManager() bool { return len(r.PackageManagers) > 0 }

// Option changes what Analyze keeps.
type Option func(*options)

type options struct {
	skipContainerFiles bool
}

// SkipContainerFiles makes Analyze drop what the container runtime adds to every container
// rather than what the image holds: the empty /.dockerenv, /etc/hostname, /etc/hosts,
// /etc/resolv.conf and /dev/console, the /etc/mtab link, the empty /dev/pts, /dev/shm, /proc
// and /sys mount points, and /dev or /etc when nothing else is in them. An export of a FROM
// scratch image holding one binary then reports one file, as the learner expects. (An image's
// own empty /proc or /dev is dropped with them: directories only, no bytes.)
func SkipContainerFiles() Option { return func(o *options) { o.skipContainerFiles = true } }

// whiteoutPrefix starts the names of the marker files a layer tar uses for deletions (see the
// OCI image spec, "Whiteouts").
const whiteoutPrefix = ".wh."

// Analyze reads a tar stream of an image's root filesystem to its end and reports what is in
// it. It reads headers only and skips file contents, so its memory grows with the number of
// files, not with their size. A stream that is not a tar, or breaks off, is an error.
func Analyze(r io.Reader, opts ...Option) (Report, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	tr := tar.NewReader(r)
	var (
		entries   []Entry
		whiteouts int
	)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Report{}, fmt.Errorf("read filesystem tar after %d entries: %w", len(entries), err)
		}
		p := cleanPath(hdr.Name)
		if p == "/" {
			continue // the root directory itself ("./")
		}
		if strings.HasPrefix(path.Base(p), whiteoutPrefix) {
			whiteouts++
			continue
		}
		e := Entry{Path: p, Mode: fileMode(hdr.Mode)}
		switch hdr.Typeflag {
		case tar.TypeReg, tar.TypeGNUSparse, tar.TypeCont: // tar.Reader reads TypeRegA as TypeReg
			e.Kind, e.Size = KindFile, max(hdr.Size, 0)
		case tar.TypeDir:
			e.Kind = KindDir
		case tar.TypeSymlink:
			e.Kind, e.Link = KindSymlink, hdr.Linkname
		case tar.TypeLink:
			e.Kind, e.Link = KindHardlink, cleanPath(hdr.Linkname)
		default:
			e.Kind = KindOther
		}
		entries = append(entries, e)
	}
	rep := summarize(entries, o)
	rep.Whiteouts = whiteouts
	return rep, nil
}

// FromEntries builds the Report of a filesystem given as a list of entries, in any order and
// with paths in any of the forms a tar uses. Fakes and tests use it to make plausible reports
// without a tar; entries is not modified.
func FromEntries(entries []Entry) Report {
	es := make([]Entry, 0, len(entries))
	for _, e := range entries {
		e.Path = cleanPath(e.Path)
		if e.Path == "/" {
			continue
		}
		if e.Kind == KindHardlink {
			e.Link = cleanPath(e.Link)
		}
		if e.Kind != KindFile {
			e.Size = 0
		}
		es = append(es, e)
	}
	return summarize(es, options{})
}

// fileMode keeps the permission and special bits of a tar header's mode.
func fileMode(m int64) fs.FileMode {
	mode := fs.FileMode(m & 0o777)
	if m&0o4000 != 0 {
		mode |= fs.ModeSetuid
	}
	if m&0o2000 != 0 {
		mode |= fs.ModeSetgid
	}
	if m&0o1000 != 0 {
		mode |= fs.ModeSticky
	}
	return mode
}

// summarize sorts and de-duplicates entries (in place) and computes the Report.
func summarize(entries []Entry, o options) Report {
	// Stable, so that of two entries for one path the later one (as in the tar) stays last.
	slices.SortStableFunc(entries, func(a, b Entry) int { return comparePaths(a.Path, b.Path) })
	entries = keepLast(entries)
	if o.skipContainerFiles {
		entries = dropContainerFiles(entries)
	}
	r := Report{Entries: entries}

	top := map[string]*Usage{}
	for _, e := range entries {
		switch e.Kind {
		case KindFile, KindHardlink:
			r.Files++
			r.Bytes += e.Size
		case KindDir:
			r.Dirs++
		case KindSymlink:
			r.Symlinks++
		default:
			r.Others++
		}
		name, _, nested := strings.Cut(e.Path[1:], "/")
		u := top[name]
		if u == nil {
			u = &Usage{Path: "/" + name, Kind: KindDir}
			top[name] = u
		}
		if !nested {
			u.Kind = e.Kind
		}
		if e.Kind == KindFile || e.Kind == KindHardlink {
			u.Files++
			u.Bytes += e.Size
		}
	}
	r.Top = make([]Usage, 0, len(top))
	for _, u := range top {
		r.Top = append(r.Top, *u)
	}
	slices.SortFunc(r.Top, func(a, b Usage) int {
		if c := cmp.Compare(b.Bytes, a.Bytes); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
	r.findTools()
	return r
}

// keepLast keeps, of each run of entries with the same path, the last one.
func keepLast(entries []Entry) []Entry {
	out := entries[:0]
	for i, e := range entries {
		if i+1 < len(entries) && entries[i+1].Path == e.Path {
			continue
		}
		out = append(out, e)
	}
	return out
}

// containerFiles are the files the runtime's init layer puts in every container, as empty
// placeholders for what it bind-mounts at start (moby's daemon/initlayer and the container's
// "-init" layer).
var containerFiles = map[string]Kind{
	"/.dockerenv":      KindFile,
	"/etc/hostname":    KindFile,
	"/etc/hosts":       KindFile,
	"/etc/resolv.conf": KindFile,
	"/dev/console":     KindFile,
	"/etc/mtab":        KindSymlink, // -> /proc/mounts
}

// containerDirs are the runtime's mount points, children before parents, dropped only when
// empty.
var containerDirs = []string{"/dev/pts", "/dev/shm", "/proc", "/sys", "/dev", "/etc"}

// dropContainerFiles removes the runtime's placeholders from sorted, unique entries.
func dropContainerFiles(entries []Entry) []Entry {
	entries = slices.DeleteFunc(entries, func(e Entry) bool {
		kind, ok := containerFiles[e.Path]
		return ok && kind == e.Kind && e.Size == 0
	})
	for _, dir := range containerDirs {
		i, found := slices.BinarySearchFunc(entries, dir, func(e Entry, p string) int { return comparePaths(e.Path, p) })
		if !found || entries[i].Kind != KindDir {
			continue
		}
		if i+1 < len(entries) && isUnder(entries[i+1].Path, dir) {
			continue
		}
		entries = slices.Delete(entries, i, i+1)
	}
	return entries
}

// List returns the entries at or under prefix (a directory or a file of the image; "" or "/"
// for everything), in Entries order, at most max of them when max > 0, and how many more there
// were. A prefix that is a link to a directory lists that directory, as `ls /bin/` would on a
// merged-/usr Debian where /bin links to usr/bin.
func (r Report) List(prefix string, max int) (list []Entry, more int) {
	p := cleanPath(prefix)
	if e, ok := r.lookup(p); ok && e.Kind == KindSymlink {
		if t, ok := r.Stat(p); ok && t.Kind == KindDir {
			p = t.Path
		}
	}
	start, end := r.span(p)
	all := r.Entries[start:end]
	if max > 0 && len(all) > max {
		return all[:max:max], len(all) - max
	}
	return all[:len(all):len(all)], 0
}

// span returns the index range of the entries at or under p.
func (r Report) span(p string) (start, end int) {
	if p == "/" {
		return 0, len(r.Entries)
	}
	start, _ = slices.BinarySearchFunc(r.Entries, p, func(e Entry, t string) int { return comparePaths(e.Path, t) })
	end = start
	for end < len(r.Entries) && (r.Entries[end].Path == p || isUnder(r.Entries[end].Path, p)) {
		end++
	}
	return start, end
}

// lookup finds the entry at exactly p, following nothing.
func (r Report) lookup(p string) (Entry, bool) {
	i, ok := slices.BinarySearchFunc(r.Entries, p, func(e Entry, t string) int { return comparePaths(e.Path, t) })
	if !ok {
		return Entry{}, false
	}
	return r.Entries[i], true
}

// hasChildren says whether some entry lies under p: a tar may omit a directory's own entry.
func (r Report) hasChildren(p string) bool {
	i, _ := slices.BinarySearchFunc(r.Entries, p, func(e Entry, t string) int { return comparePaths(e.Path, t) })
	for ; i < len(r.Entries); i++ {
		if r.Entries[i].Path != p {
			return isUnder(r.Entries[i].Path, p)
		}
	}
	return false
}

// maxLinks bounds the symbolic links followed in one Stat, like the kernel's ELOOP limit, so a
// loop (a -> b -> a) ends.
const maxLinks = 40

// Stat finds what p names in the image, following symbolic links (in every component, relative
// or absolute, with ".." applied after the link it follows, as the kernel does) and hard links,
// like os.Stat. The entry returned carries the path it was found at; a directory that the tar
// implies by its contents but does not record is returned as a KindDir entry. It reports false
// when p does not exist, a link dangles or loops, or a file is used as a directory.
func (r Report) Stat(p string) (Entry, bool) {
	rest := splitPath(p)
	cur, links := "/", 0
	for len(rest) > 0 {
		c := rest[0]
		rest = rest[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			cur = path.Dir(cur)
			continue
		}
		next := joinPath(cur, c)
		e, ok := r.lookup(next)
		switch {
		case !ok:
			if !r.hasChildren(next) {
				return Entry{}, false
			}
		case e.Kind == KindSymlink:
			if links++; links > maxLinks || e.Link == "" {
				return Entry{}, false
			}
			if strings.HasPrefix(e.Link, "/") {
				next = "/"
			} else {
				next = cur
			}
			rest = append(splitPath(e.Link), rest...)
		case len(rest) > 0 && e.Kind != KindDir:
			return Entry{}, false // a file used as a directory
		}
		cur = next
	}
	if cur == "/" {
		return Entry{Path: "/", Kind: KindDir, Mode: 0o755}, true
	}
	e, ok := r.lookup(cur)
	if !ok {
		return Entry{Path: cur, Kind: KindDir, Mode: 0o755}, true // implied by its contents
	}
	if e.Kind == KindHardlink {
		t, ok := r.lookup(e.Link)
		if !ok || t.Kind != KindFile {
			return Entry{}, false
		}
		return t, true
	}
	return e, true
}
