package inside

import (
	"path"
	"strings"
)

// cleanPath turns any form of a tar member name ("usr/bin/", "./usr/bin", "/usr//bin",
// "../../etc") into an absolute, clean path inside the image ("/usr/bin", "/etc"): nothing
// can climb above the root.
func cleanPath(name string) string {
	if strings.HasPrefix(name, "/") {
		return path.Clean(name)
	}
	return path.Clean("/" + name)
}

// comparePaths orders paths component by component, as a directory walk meets them: "/" sorts
// before every other byte, so a directory's contents follow it directly ("/usr", "/usr/bin",
// "/usr-local") and the entries under a prefix form one run of a sorted slice.
func comparePaths(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		ca, cb := a[i], b[i]
		if ca == cb {
			continue
		}
		switch {
		case ca == '/':
			return -1
		case cb == '/':
			return 1
		case ca < cb:
			return -1
		}
		return 1
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

// isUnder says whether p lies inside the directory dir (not dir itself).
func isUnder(p, dir string) bool {
	if dir == "/" {
		return p != "/"
	}
	return len(p) > len(dir) && p[len(dir)] == '/' && p[:len(dir)] == dir
}

// splitPath splits p into its components, dropping empty ones.
func splitPath(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
}

// joinPath appends the component c to the clean absolute path dir.
func joinPath(dir, c string) string {
	if dir == "/" {
		return "/" + c
	}
	return dir + "/" + c
}
