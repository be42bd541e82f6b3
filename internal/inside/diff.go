package inside

import (
	"cmp"
	"path"
	"slices"
	"strings"
)

// Group is the files under one directory that one image has and another does not.
type Group struct {
	// Dir is the directory, cut to the depth Compare was given: "/usr/local/go" for every
	// file under it. When the group holds a single file, Dir is that file's path ("/webapp").
	Dir   string
	Files int
	Bytes int64
}

// Only is what one image ships that another does not: its files missing from the other,
// grouped by directory, biggest group first.
type Only struct {
	Files  int
	Bytes  int64
	Groups []Group
}

// Diff compares two images' files, both ways.
type Diff struct {
	OnlyA, OnlyB Only
}

// Compare lists the files of a that b does not have at the same path, and those of b that a
// does not, grouped by their directory cut to depth components (3 keeps "/usr/local/go" and
// "/usr/lib/gcc" apart). Regular files and hard links count; directories and symbolic links
// weigh nothing and are left out. A file at the same path in both counts as shared even when
// its contents differ: the question is what one image carries that the other lacks.
func Compare(a, b Report, depth int) Diff {
	return Diff{OnlyA: only(a, b, depth), OnlyB: only(b, a, depth)}
}

func only(a, b Report, depth int) Only {
	depth = max(depth, 1)
	in := make(map[string]bool, len(b.Entries))
	for _, e := range b.Entries {
		if isFile(e) {
			in[e.Path] = true
		}
	}
	var o Only
	groups := map[string]*Group{}
	single := map[string]string{} // group → its file, while it has one
	for _, e := range a.Entries {
		if !isFile(e) || in[e.Path] {
			continue
		}
		o.Files++
		o.Bytes += e.Size
		dir := cutPath(path.Dir(e.Path), depth)
		g := groups[dir]
		if g == nil {
			g = &Group{Dir: dir}
			groups[dir] = g
			single[dir] = e.Path
		}
		g.Files++
		g.Bytes += e.Size
	}
	for dir, g := range groups {
		if g.Files == 1 {
			g.Dir = single[dir]
		}
		o.Groups = append(o.Groups, *g)
	}
	slices.SortFunc(o.Groups, func(x, y Group) int {
		if c := cmp.Compare(y.Bytes, x.Bytes); c != 0 {
			return c
		}
		return comparePaths(x.Dir, y.Dir)
	})
	return o
}

func isFile(e Entry) bool { return e.Kind == KindFile || e.Kind == KindHardlink }

// cutPath keeps the first depth components of the clean absolute path p.
func cutPath(p string, depth int) string {
	parts := splitPath(p)
	if len(parts) <= depth {
		return p
	}
	return "/" + strings.Join(parts[:depth], "/")
}
